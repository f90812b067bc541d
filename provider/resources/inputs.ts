/**
 * zod schemas of the four resources' inputs: the single source of truth for validation in `check` and for the
 * SDK's argument types. Every message names the field and says how to fix it.
 */
import { isIP } from "node:net";
import { z } from "zod";

/** The value Pulumi passes for inputs that are not known yet during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Accepts Pulumi's unknown placeholder wherever a value is validated. */
function orUnknown<T extends z.ZodTypeAny>(schema: T) {
  return z.union([z.literal(UNKNOWN), schema]);
}

/**
 * Keys a JavaScript object cannot hold as plain own keys (`__proto__`) or that code on either side of the API takes for
 * its own: connector secret names are the keys of the API's `{ name: value }` listing.
 */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
// Control characters (C0, DEL, C1) and the line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
/** Characters that show nothing: format characters (zero-width spaces and joiners, bidi marks), fillers, spaces. */
const INVISIBLE = /[\p{Cf}\p{Z}\s\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\u{e0000}-\u{e007f}]/gu;

/**
 * Why the Console API cannot carry `name` back unchanged, or undefined: a control character or line separator, or
 * nothing visible at all (only zero-width or other invisible characters). `asKey`: the name is a key of a listing
 * (connector secrets), so reserved object keys are refused too.
 */
export function nameProblem(name: string, asKey = false): string | undefined {
  if (asKey && RESERVED_KEYS.has(name)) return `${JSON.stringify(name)} is a reserved name that does not survive the round trip through the API: choose another`;
  if (CONTROL.test(name)) return "contains a control character (a line break, tab or similar): remove it";
  if (name.length > 0 && name.replace(INVISIBLE, "") === "") return "has no visible character (only zero-width or other invisible characters): choose a name people can read";
  return undefined;
}

/** Adds the round-trip check of `nameProblem` to a string schema (`what` starts the message, e.g. "name"). */
function roundTrips<T extends z.ZodType<string>>(schema: T, what: string, asKey = false) {
  return schema.superRefine((value, ctx) => {
    const problem = nameProblem(value, asKey);
    if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}` });
  });
}

export const CLUSTER_STAGES = ["dev", "test", "stage", "prod"] as const;
export const CLIENT_PERMISSIONS = ["Zeebe", "Operate", "Tasklist", "Optimize", "Secrets"] as const;
export type ClientPermission = (typeof CLIENT_PERMISSIONS)[number];

const clusterIdSchema = z
  .string({ error: "clusterId is required: pass a cluster's id, e.g. `cluster.id`" })
  .trim()
  .min(1, "clusterId must not be empty: pass a cluster's id, e.g. `cluster.id`")
  .regex(/^[A-Za-z0-9-]+$/, "clusterId must be a cluster id (letters, digits and dashes), e.g. `cluster.id`");

export const clusterInputsSchema = z.strictObject({
  name: orUnknown(
    roundTrips(
      z
        .string({ error: "name is required: give the cluster a name of 1 to 50 characters" })
        .trim()
        .min(1, "name must not be empty: give the cluster a name of 1 to 50 characters")
        .max(50, "name is longer than 50 characters: shorten it"),
      "name",
    ),
  ),
  region: orUnknown(
    z.string({ error: "region is required: a region's name, e.g. \"Belgium, Europe (europe-west1)\", or its uuid" }).trim().min(1, "region must not be empty: use a region's name or uuid"),
  ),
  plan: orUnknown(
    z.string({ error: "plan is required: a plan type's name, e.g. \"Trial Cluster\", or its uuid" }).trim().min(1, "plan must not be empty: use a plan type's name or uuid"),
  ),
  channel: orUnknown(z.string().trim().min(1, "channel must not be empty: use \"Stable\", \"Alpha\" or a channel uuid")).default("Stable"),
  generation: orUnknown(z.string().trim().min(1, "generation must not be empty: omit it for the channel's default")).optional(),
  autoUpdate: orUnknown(z.boolean({ error: "autoUpdate must be true or false" })).default(true),
  description: orUnknown(z.string().max(150, "description is longer than 150 characters: shorten it")).optional(),
  stageLabel: orUnknown(
    z.enum(CLUSTER_STAGES, { error: `stageLabel must be one of ${CLUSTER_STAGES.join(", ")}` }),
  ).optional(),
  waitTimeoutMinutes: orUnknown(
    z.number({ error: "waitTimeoutMinutes must be a number of minutes" }).positive("waitTimeoutMinutes must be more than 0").max(24 * 60, "waitTimeoutMinutes must be at most 1440 (24 hours)"),
  ).default(30),
});
export type ClusterInputs = z.infer<typeof clusterInputsSchema>;

const clientNameSchema = roundTrips(
  z
    .string({ error: "name is required: give the client a name of 1 to 50 characters without spaces" })
    .min(1, "name must not be empty: give the client a name of 1 to 50 characters without spaces")
    .max(50, "name is longer than 50 characters: shorten it")
    .regex(/^\S+$/, "name must not contain spaces: use dashes or underscores, e.g. \"order-worker\""),
  "name",
);

export const zeebeClientInputsSchema = z.strictObject({
  clusterId: orUnknown(clusterIdSchema),
  name: orUnknown(clientNameSchema),
  permissions: orUnknown(
    z
      .array(
        // An element may be unknown at preview (a whole Output in the list).
        orUnknown(
          z.enum(CLIENT_PERMISSIONS, {
            error: (issue) =>
              `permissions: ${JSON.stringify(issue.input)} is not a permission; use any of ${CLIENT_PERMISSIONS.join(", ")}`,
          }),
        ),
        { error: `permissions must be a list of ${CLIENT_PERMISSIONS.join(", ")}` },
      )
      .min(1, `permissions must not be empty: list at least one of ${CLIENT_PERMISSIONS.join(", ")}, or omit it for all`)
      .refine((p) => {
        const known = p.filter((x) => !isUnknown(x));
        return new Set(known).size === known.length;
      }, "permissions lists a permission twice: remove the duplicate"),
  ).optional(),
});
export type ZeebeClientInputs = z.infer<typeof zeebeClientInputsSchema>;

/** True for an IPv4/IPv6 address or CIDR block whose prefix fits the address family. */
export function isIpOrCidr(value: string): boolean {
  const [addr, prefix, ...rest] = value.split("/");
  if (rest.length > 0 || !addr) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ipEntrySchema = z.strictObject({
  ip: orUnknown(
    z
      .string({ error: "ip is required: an IPv4/IPv6 address or CIDR block, e.g. \"203.0.113.0/24\"" })
      .trim()
      .refine(isIpOrCidr, {
        error: (iss) => `ip ${JSON.stringify(iss.input)} is not an IPv4/IPv6 address or CIDR block: write e.g. "203.0.113.0/24" or "2001:db8::/32"`,
      }),
  ),
  description: orUnknown(z.string().max(100, "description is longer than 100 characters: shorten it")).default(""),
});

export const ipAllowlistInputsSchema = z.strictObject({
  clusterId: orUnknown(clusterIdSchema),
  entries: orUnknown(
    z
      // An entry may be unknown at preview (a whole Output in the list), or any of its fields.
      .array(orUnknown(ipEntrySchema), { error: "entries must be a list of { ip, description }" })
      .superRefine((entries, ctx) => {
        const seen = new Map<string, number>();
        entries.forEach((e, i) => {
          if (typeof e === "string" || isUnknown(e.ip)) return;
          const key = normalizeIp(e.ip);
          const first = seen.get(key);
          if (first !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [i, "ip"],
              message: `ip ${JSON.stringify(e.ip)} is listed twice (entries[${first}] and entries[${i}]): remove one`,
            });
          } else {
            seen.set(key, i);
          }
        });
      }),
  ),
});
export type IpAllowlistInputs = z.infer<typeof ipAllowlistInputsSchema>;
export type IpAllowlistEntry = { ip: string; description: string };

/** Canonical text of an address or CIDR, so that "10.0.0.1" and "10.0.0.1/32" compare equal. */
export function normalizeIp(value: string): string {
  const [addr, prefix] = value.trim().toLowerCase().split("/");
  const full = isIP(addr) === 4 ? 32 : 128;
  return `${addr}/${prefix ?? full}`;
}

export const connectorSecretInputsSchema = z.strictObject({
  clusterId: orUnknown(clusterIdSchema),
  name: orUnknown(
    roundTrips(
      z
        .string({ error: "name is required: a secret name of 1 to 49 characters, e.g. \"SLACK_TOKEN\"" })
        .min(1, "name must not be empty: use a secret name of 1 to 49 characters, e.g. \"SLACK_TOKEN\"")
        .max(49, "name is 50 characters or longer: the Console API allows at most 49")
        .regex(/^[A-Za-z0-9_-]+$/, "name may only contain letters, digits, underscores and dashes, e.g. \"SLACK_TOKEN\""),
      "name",
      true,
    ),
  ),
  value: orUnknown(
    z.string({ error: "value is required: pass the secret value, e.g. `config.requireSecret(\"slack\")`" }).min(1, "value must not be empty"),
  ),
  adoptExisting: orUnknown(z.boolean({ error: "adoptExisting must be true or false" })).optional(),
});
export type ConnectorSecretInputs = z.infer<typeof connectorSecretInputsSchema>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Validates raw inputs (the engine's `news`, less the hidden `__provider` and `__owner`) and returns either the parsed inputs or one failure
 * per problem, each naming its field, in the shape Pulumi's `check` expects.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  resource: string,
  raw: Record<string, unknown>,
): { inputs: T; failures: [] } | { inputs: undefined; failures: CheckFailure[] } {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k !== "__provider" && k !== "__owner" && v !== undefined && v !== null) input[k] = v;
  }
  const result = schema.safeParse(input);
  if (result.success) return { inputs: result.data, failures: [] };
  const failures = flattenIssues(result.error.issues).map((issue) => {
    const property = issue.path.length ? formatPath(issue.path) : "(inputs)";
    const known = Object.keys((schema as unknown as { shape?: object }).shape ?? {});
    const reason =
      issue.code === "unrecognized_keys"
        ? issue.path.length === 0
          ? `${resource}: unknown input ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; the inputs are ${known.join(", ")}`
          : `${resource}.${property}: unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; remove it`
        : `${resource}.${property}: ${issue.message}`;
    return { property: String(issue.path[0] ?? ""), reason };
  });
  return { inputs: undefined, failures };
}

type Issue = z.core.$ZodIssue;

/**
 * Replaces each union issue (from `orUnknown`: "the placeholder, or a valid value") by the issues of its real
 * branch, so that messages say what is wrong rather than zod's generic "Invalid input".
 */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branches = issue.errors.filter((b) => !b.some((i) => i.code === "invalid_value" && i.values?.includes(UNKNOWN)));
      const branch = branches[branches.length - 1] ?? issue.errors[issue.errors.length - 1];
      return flattenIssues(branch, path);
    }
    return [{ ...issue, path } as Issue];
  });
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

