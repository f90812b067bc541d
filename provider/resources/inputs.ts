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

export const ENCRYPTION_TYPES = ["Software", "Hardware", "Provider", "External"] as const;

export const clusterInputsSchema = z.strictObject({
  name: roundTrips(
    z
      .string({ error: "name is required: give the cluster a name of 1 to 50 characters" })
      .trim()
      .min(1, "name must not be empty: give the cluster a name of 1 to 50 characters")
      .max(50, "name is longer than 50 characters: shorten it"),
    "name",
  ),
  region: z
    .string({ error: 'region is required: a region\'s name, e.g. "Belgium, Europe (europe-west1)", or its uuid' })
    .trim()
    .min(1, "region must not be empty: use a region's name or uuid"),
  plan: z
    .string({ error: 'plan is required: a plan type\'s name, e.g. "Trial Cluster", or its uuid' })
    .trim()
    .min(1, "plan must not be empty: use a plan type's name or uuid"),
  channel: z.string().trim().min(1, 'channel must not be empty: use "Stable", "Alpha" or a channel uuid').default("Stable"),
  generation: z.string().trim().min(1, "generation must not be empty: omit it for the channel's default").optional(),
  autoUpdate: z.boolean({ error: "autoUpdate must be true or false" }).default(true),
  description: z.string().max(150, "description is longer than 150 characters: shorten it").optional(),
  stageLabel: z.enum(CLUSTER_STAGES, { error: `stageLabel must be one of ${CLUSTER_STAGES.join(", ")}` }).optional(),
  hardwarePackages: z
    .number({ error: "hardwarePackages must be a whole number of hardware packages" })
    .int("hardwarePackages must be a whole number")
    .min(1, "hardwarePackages must be at least 1")
    .max(100, "hardwarePackages must be at most 100")
    .optional(),
  encryption: z.enum(ENCRYPTION_TYPES, { error: `encryption must be one of ${ENCRYPTION_TYPES.join(", ")}` }).optional(),
  waitTimeoutMinutes: z
    .number({ error: "waitTimeoutMinutes must be a number of minutes" })
    .positive("waitTimeoutMinutes must be more than 0")
    .max(24 * 60, "waitTimeoutMinutes must be at most 1440 (24 hours)")
    .default(30),
});
export type ClusterInputs = z.infer<typeof clusterInputsSchema>;

const clientNameSchema = roundTrips(
  z
    .string({ error: "name is required: give the client a name of 1 to 50 characters without spaces" })
    .min(1, "name must not be empty: give the client a name of 1 to 50 characters without spaces")
    .max(50, "name is longer than 50 characters: shorten it")
    .regex(/^\S+$/, 'name must not contain spaces: use dashes or underscores, e.g. "order-worker"'),
  "name",
);

export const zeebeClientInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  name: clientNameSchema,
  permissions: z
    .array(
      z.enum(CLIENT_PERMISSIONS, {
        error: (issue) => `permissions: ${JSON.stringify(issue.input)} is not a permission; use any of ${CLIENT_PERMISSIONS.join(", ")}`,
      }),
      { error: `permissions must be a list of ${CLIENT_PERMISSIONS.join(", ")}` },
    )
    .min(1, `permissions must not be empty: list at least one of ${CLIENT_PERMISSIONS.join(", ")}, or omit it for all`)
    .refine((p) => new Set(p).size === p.length, "permissions lists a permission twice: remove the duplicate")
    .optional(),
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
  ip: z
    .string({ error: 'ip is required: an IPv4/IPv6 address or CIDR block, e.g. "203.0.113.0/24"' })
    .trim()
    .refine(isIpOrCidr, {
      error: (iss) => `ip ${JSON.stringify(iss.input)} is not an IPv4/IPv6 address or CIDR block: write e.g. "203.0.113.0/24" or "2001:db8::/32"`,
    }),
  description: z.string().max(100, "description is longer than 100 characters: shorten it").default(""),
});

export const ipAllowlistInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  entries: z.array(ipEntrySchema, { error: "entries must be a list of { ip, description }" }).superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
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
});
export type IpAllowlistInputs = z.infer<typeof ipAllowlistInputsSchema>;
export type IpAllowlistEntry = IpAllowlistInputs["entries"][number];

/** Canonical text of an address or CIDR, so that "10.0.0.1" and "10.0.0.1/32" compare equal. */
export function normalizeIp(value: string): string {
  const [addr, prefix] = value.trim().toLowerCase().split("/");
  const full = isIP(addr) === 4 ? 32 : 128;
  return `${addr}/${prefix ?? full}`;
}

export const connectorSecretInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  name: roundTrips(
    z
      .string({ error: 'name is required: a secret name of 1 to 49 characters, e.g. "SLACK_TOKEN"' })
      .min(1, 'name must not be empty: use a secret name of 1 to 49 characters, e.g. "SLACK_TOKEN"')
      .max(49, "name is 50 characters or longer: the Console API allows at most 49")
      .regex(/^[A-Za-z0-9_-]+$/, 'name may only contain letters, digits, underscores and dashes, e.g. "SLACK_TOKEN"'),
    "name",
    true,
  ),
  value: z.string({ error: 'value is required: pass the secret value, e.g. `config.requireSecret("slack")`' }).min(1, "value must not be empty"),
  adoptExisting: z.boolean({ error: "adoptExisting must be true or false" }).optional(),
});
export type ConnectorSecretInputs = z.infer<typeof connectorSecretInputsSchema>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Whether the value along `path` in `input` is unknown (the preview's placeholder) at some point. */
function unknownAlong(input: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = input;
  for (const key of [undefined, ...path]) {
    if (key !== undefined) at = at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    if (isUnknown(at)) return true;
  }
  return false;
}

/**
 * Validates raw inputs (the engine's `news`, less the hidden `__provider` and `__owner`): the parsed inputs, or one
 * failure per problem, each naming its field, in the shape Pulumi's `check` expects. A value that is unknown at
 * preview — a whole input, a list element, a field of an element — is accepted wherever it is: its problems are no
 * problems yet, and the raw inputs (unknowns kept) are returned.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  resource: string,
  raw: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures: [] } | { inputs: undefined; failures: CheckFailure[] } {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k !== "__provider" && k !== "__owner" && v !== undefined && v !== null) input[k] = v;
  }
  const result = schema.safeParse(input);
  if (result.success) return { inputs: result.data as Record<string, unknown>, failures: [] };
  const issues = flattenIssues(result.error.issues).filter((i) => !unknownAlong(input, i.path));
  if (issues.length === 0) return { inputs: withDefaults(schema, input), failures: [] };
  const failures = issues.map((issue) => {
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

/**
 * Inputs with unknowns, as far as they are known: each known top-level field parsed by its own schema (defaults
 * filled in, values normalized as a full parse would), the fields holding an unknown kept raw. Without it one unknown
 * input would leave the others un-defaulted, and `diff` would see a change (a replacement) that is none.
 */
function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function withDefaults<T>(schema: z.ZodType<T>, input: Record<string, unknown>): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return input;
  const out: Record<string, unknown> = { ...input };
  for (const [key, field] of Object.entries(shape)) {
    if (containsUnknown(input[key])) continue;
    const r = field.safeParse(input[key]);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/**
 * Replaces each union issue by the issues of its last branch, so that messages say what is wrong rather than zod's
 * generic "Invalid input".
 */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      return flattenIssues(issue.errors[issue.errors.length - 1], path);
    }
    return [{ ...issue, path } as Issue];
  });
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}


// ---- the rest of the Console API ---------------------------------------------------------------------------------

const adoptExisting = z.boolean({ error: "adoptExisting must be true or false" }).optional();

/** The roles an organization member can be given (`AssignableOrganizationRoleType`). */
export const MEMBER_ROLES = ["admin", "operationsengineer", "taskuser", "analyst", "developer", "visitor", "modeler"] as const;
/** Roles the Console calls "no longer recommended" since 8.8. */
export const DISCOURAGED_ROLES: readonly string[] = ["operationsengineer", "taskuser", "developer", "visitor"];

export const memberInputsSchema = z.strictObject({
  email: z
    .string({ error: "email is required: the member's e-mail address" })
    .trim()
    .toLowerCase()
    .regex(/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/, 'email must be an e-mail address, e.g. "jane@example.com"'),
  roles: z
    .array(z.enum(MEMBER_ROLES, { error: (i) => `roles: ${JSON.stringify(i.input)} is not a role; use any of ${MEMBER_ROLES.join(", ")}` }), {
      error: `roles must be a list of ${MEMBER_ROLES.join(", ")}`,
    })
    .min(1, `roles must not be empty: give the member at least one of ${MEMBER_ROLES.join(", ")}`)
    .refine((r) => new Set(r).size === r.length, "roles lists a role twice: remove the duplicate"),
  adoptExisting,
});
export type MemberInputs = z.infer<typeof memberInputsSchema>;

const CRON_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const CRON_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The values a cron field matches, or undefined when it is not a valid field. */
function cronField(text: string, min: number, max: number, names?: string[], base = 0): Set<number> | undefined {
  const value = (s: string) => {
    const i = names ? names.indexOf(s.toUpperCase()) : -1;
    return i >= 0 ? i + base : /^\d+$/.test(s) ? Number(s) : NaN;
  };
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return undefined;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    const [a, b] = m[1] === "*" ? [String(min), String(max)] : m[1].split("-");
    const lo = value(a);
    const hi = b === undefined ? (m[2] === undefined ? lo : max) : value(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi || step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/**
 * Why a backup schedule is refused, or undefined: a five-field cron expression in UTC (`minute hour day-of-month month
 * day-of-week`), at most once every 15 minutes (the document's `BackupScheduleBody`).
 */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return "is not a five-field cron expression (minute hour day-of-month month day-of-week), e.g. \"0 2 * * *\"";
  const minutes = cronField(fields[0], 0, 59);
  const hours = cronField(fields[1], 0, 23);
  if (!minutes || !hours || !cronField(fields[2], 1, 31) || !cronField(fields[3], 1, 12, CRON_MONTHS, 1) || !cronField(fields[4], 0, 7, CRON_DAYS)) {
    return "is not a valid cron expression: each field is a number, a range (1-5), a list (1,3), a step (*/30) or *";
  }
  const ms = [...minutes].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < ms.length; i++) gap = Math.min(gap, ms[i] - ms[i - 1]);
  if ([...hours].some((h) => hours.has((h + 1) % 24)) || hours.size === 24) gap = Math.min(gap, 60 - ms[ms.length - 1] + ms[0]);
  return gap < 15 ? "runs more often than every 15 minutes: backups can be scheduled at most once every 15 minutes" : undefined;
}

export const backupScheduleInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  schedule: z
    .string({ error: 'schedule is required: a cron expression in UTC, e.g. "0 2 * * *" (daily at 02:00)' })
    .trim()
    .superRefine((s, ctx) => {
      const problem = cronProblem(s);
      if (problem) ctx.addIssue({ code: "custom", message: `schedule ${JSON.stringify(s)} ${problem}` });
    }),
  adoptExisting,
});
export type BackupScheduleInputs = z.infer<typeof backupScheduleInputsSchema>;

export const backupInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  /** Changing it takes a new backup (e.g. a release version before an upgrade). */
  trigger: z.string({ error: 'trigger must be a string, e.g. the release about to be deployed ("v2.3.0")' }).optional(),
  waitTimeoutMinutes: z
    .number({ error: "waitTimeoutMinutes must be a number of minutes" })
    .positive("waitTimeoutMinutes must be more than 0 minutes (default 60)")
    .max(24 * 60, "waitTimeoutMinutes must be at most 1440 (24 hours)")
    .default(60),
});
export type BackupInputs = z.infer<typeof backupInputsSchema>;

export const externalMonitoringInputsSchema = z.strictObject({ clusterId: clusterIdSchema, adoptExisting });
export type ExternalMonitoringInputs = z.infer<typeof externalMonitoringInputsSchema>;

export const monitoringClientInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  username: z
    .string({ error: "username is required: 1 to 64 letters, digits, dots, dashes or underscores" })
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'username must be 1 to 64 letters, digits, dots, dashes or underscores, e.g. "prometheus"'),
  /** Changing it rotates the password in place (e.g. "2026-q4"). */
  rotation: z.string({ error: 'rotation must be a string, e.g. "2026-q4": changing it rotates the password' }).optional(),
});
export type MonitoringClientInputs = z.infer<typeof monitoringClientInputsSchema>;

/** No value twice; values unknown at preview (two outputs of other resources) are not compared. */
const unique = (list: readonly unknown[]) => {
  const known = list.filter((v) => !isUnknown(v));
  return new Set(known).size === known.length;
};
const awsPrincipal = z.string().regex(/^(arn:aws:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)|\d{12})$/, {
  error: (i) => `${JSON.stringify(i.input)} is not an AWS principal: use an account id or an IAM ARN, e.g. "arn:aws:iam::123456789012:root"`,
});
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: (i) => `${JSON.stringify(i.input)} is not an AWS region, e.g. "eu-central-1"` });

export const secureConnectivityInputsSchema = z.strictObject({
  clusterId: clusterIdSchema,
  allowedPrincipals: z
    .array(awsPrincipal, { error: 'allowedPrincipals must be a list of AWS account ids or IAM principal ARNs, e.g. ["123456789012"]' })
    .min(1, "allowedPrincipals must list at least one AWS account or IAM principal")
    .refine(unique, "allowedPrincipals lists a principal twice: remove the duplicate"),
  allowedRegions: z
    .array(awsRegion, { error: 'allowedRegions must be a list of AWS regions, e.g. ["eu-central-1"]' })
    .refine(unique, "allowedRegions lists a region twice: remove the duplicate")
    .default([]),
  adoptExisting,
});
export type SecureConnectivityInputs = z.infer<typeof secureConnectivityInputsSchema>;

/** An AWS KMS key ARN: its region segment must be the cluster's. */
export const KMS_KEY_ARN = /^arn:aws:kms:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/;

export const clusterEncryptionInputsSchema = z
  .strictObject({
    clusterId: clusterIdSchema,
    primaryKeyArn: z.string({ error: "primaryKeyArn is required: the AWS KMS key ARN of the cluster's region" }).regex(KMS_KEY_ARN, {
      error: (i) => `primaryKeyArn ${JSON.stringify(i.input)} is not an AWS KMS key ARN, e.g. "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"`,
    }),
    secondaryKeyArn: z
      .string()
      .regex(KMS_KEY_ARN, { error: (i) => `secondaryKeyArn ${JSON.stringify(i.input)} is not an AWS KMS key ARN` })
      .optional(),
    adoptExisting,
  })
  .refine((e) => e.secondaryKeyArn === undefined || e.secondaryKeyArn !== e.primaryKeyArn, {
    path: ["secondaryKeyArn"],
    message: "secondaryKeyArn must differ from primaryKeyArn (it is the backup region's key)",
  });
export type ClusterEncryptionInputs = z.infer<typeof clusterEncryptionInputsSchema>;
