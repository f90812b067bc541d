/**
 * zod schemas of the Console API payloads the provider sends and receives: the single source of truth for their
 * types. Responses are parsed leniently (`looseObject`: unknown fields pass through, new optional fields are
 * tolerated), because the live API adds fields without bumping its version.
 */
import { z } from "zod";

export const namedRefSchema = z.looseObject({ uuid: z.string(), name: z.string() });
export type NamedRef = z.infer<typeof namedRefSchema>;

export const CLIENT_PERMISSIONS = ["Zeebe", "Operate", "Tasklist", "Optimize", "Secrets"] as const;
export type ClientPermission = (typeof CLIENT_PERMISSIONS)[number];
export const STAGE_LABELS = ["dev", "test", "stage", "prod"] as const;
export type StageLabel = (typeof STAGE_LABELS)[number];

export const ipAllowlistEntrySchema = z.looseObject({ ip: z.string(), description: z.string().nullish().transform((d) => d ?? "") });
export type IpAllowlistEntryPayload = z.infer<typeof ipAllowlistEntrySchema>;

const statusSchema = z.looseObject({
  ready: z.string(),
  zeebeStatus: z.string().nullish(),
  operateStatus: z.string().nullish(),
  tasklistStatus: z.string().nullish(),
  optimizeStatus: z.string().nullish(),
  connectorsStatus: z.string().nullish(),
});

// A link the service sends as `null` is read as absent.
const link = z.string().nullish().transform((v) => v ?? undefined);
export const clusterLinksSchema = z.looseObject({
  zeebe: link,
  operate: link,
  tasklist: link,
  optimize: link,
  connectors: link,
  console: link,
  identity: link,
  oauth: link,
});
export type ClusterLinks = z.infer<typeof clusterLinksSchema>;

export const clusterSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  // `null` stays null: "not shown" (cluster-state.ts), unlike an empty string, which is shown.
  description: z.string().nullish().catch(undefined),
  ownerId: z.string().nullish(),
  created: z.string().nullish(),
  autoUpdate: z.boolean().nullish(),
  planType: namedRefSchema,
  region: namedRefSchema,
  generation: namedRefSchema,
  channel: namedRefSchema,
  status: statusSchema,
  links: clusterLinksSchema.nullish().transform((l) => l ?? {}),
  ipallowlist: z.array(ipAllowlistEntrySchema).nullish(),
  ipwhitelist: z.array(ipAllowlistEntrySchema).nullish(),
  // `null` (not shown) stays null; a null among the labels is left out.
  labels: z
    .array(z.string().nullable())
    .nullish()
    .transform((l) => (l ? l.filter((x): x is string => x !== null) : l)),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const generationSchema = namedRefSchema.extend({ classification: z.string().optional() });
export const channelSchema = namedRefSchema.extend({
  defaultGeneration: namedRefSchema,
  allowedGenerations: z.array(generationSchema),
});
export type Channel = z.infer<typeof channelSchema>;
export const regionSchema = namedRefSchema.extend({ provider: z.string().optional() });

export const parametersSchema = z.looseObject({
  channels: z.array(channelSchema),
  clusterPlanTypes: z.array(namedRefSchema),
  regions: z.array(regionSchema),
});
export type Parameters = z.infer<typeof parametersSchema>;

export const createClusterBodySchema = z.object({
  name: z.string(),
  planTypeId: z.string(),
  channelId: z.string(),
  generationId: z.string(),
  regionId: z.string(),
  autoUpdate: z.boolean().optional(),
  description: z.string().optional(),
  stageLabel: z.enum(STAGE_LABELS).optional(),
  hardwarePackages: z.number().optional(),
  encryption: z.enum(["Software", "Hardware", "Provider", "External"]).optional(),
});
export type CreateClusterBody = z.infer<typeof createClusterBodySchema>;
export const createdClusterSchema = z.looseObject({ clusterId: z.string() });


export const updateClusterBodySchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  stageLabel: z.enum(STAGE_LABELS).optional(),
  numberOfAllocatedHwPackages: z.number().optional(),
});
export type UpdateClusterBody = z.infer<typeof updateClusterBodySchema>;

/** A list of names the service may send as `null` (as it does `ipwhitelist: null`): read as none. */
const names = z.array(z.string()).nullish().transform((v) => v ?? []);

export const clusterClientSchema = z.looseObject({
  name: z.string(),
  clientId: z.string(),
  permissions: names,
});
export type ClusterClient = z.infer<typeof clusterClientSchema>;

export const createdClusterClientSchema = z.looseObject({
  name: z.string(),
  uuid: z.string().optional(),
  clientId: z.string(),
  clientSecret: z.string(),
  // Absent: the service did not say (the document requires it); present, even empty: what was granted.
  permissions: z.array(z.string()).nullish().transform((v) => v ?? undefined),
  audience: z.string().optional(),
  links: clusterLinksSchema.optional(),
});
/** A client as `createClient` returns it; `clientSecret` is absent when the client was recovered after a lost response. */
export interface CreatedClusterClient {
  name: string;
  uuid?: string;
  clientId: string;
  clientSecret?: string;
  /** What was granted (undefined: the answer did not say). */
  permissions?: string[];
  audience?: string;
  links?: ClusterLinks;
  /** True when the create response was lost and the client was found by name afterwards (its secret is unknown). */
  recovered?: boolean;
}

export const connectionDetailsSchema = z.looseObject({
  name: z.string(),
  ZEEBE_ADDRESS: z.string(),
  ZEEBE_CLIENT_ID: z.string(),
  ZEEBE_AUTHORIZATION_SERVER_URL: z.string(),
});
export type ConnectionDetails = z.infer<typeof connectionDetailsSchema>;

/**
 * `ClusterSecrets`: name → value. Parsed into a Map from the JSON object's own entries, so that every name (even
 * `__proto__`, which a plain object would turn into its prototype) round-trips.
 */
export const clusterSecretsSchema = z
  .custom<Record<string, unknown>>((v) => v !== null && typeof v === "object" && !Array.isArray(v), "expected an object of secret names and values")
  .transform((o, ctx) => {
    const out = new Map<string, string>();
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== "string") {
        ctx.addIssue({ code: "custom", path: [k], message: "expected a string value" });
        return z.NEVER;
      }
      out.set(k, v);
    }
    return out;
  });

export const memberSchema = z.looseObject({
  name: z.string().optional(),
  email: z.string(),
  roles: z.array(z.string()).default([]),
  invitePending: z.boolean().optional(),
});
export type Member = z.infer<typeof memberSchema>;

export const backupSchema = z.looseObject({
  uuid: z.string(),
  name: z.string().optional(),
  created: z.string().optional(),
  completed: z.string().optional(),
  status: z.string().optional(),
});
export type Backup = z.infer<typeof backupSchema>;

/** The OAuth token endpoint's answer. */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  // A missing, null, zero or malformed lifetime is ignored (the JWT's exp, or a default, is used), never fatal.
  expires_in: z.coerce.number().positive().optional().catch(undefined),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const idName = z.looseObject({ id: z.string(), name: z.string() });
/** `GenerationUpgradeForClusterDto`. */
export const generationUpgradeSchema = z.looseObject({ cluster: idName, oldGeneration: idName, newGeneration: idName, orgId: z.string().optional() });
export type GenerationUpgrade = z.infer<typeof generationUpgradeSchema>;

/** `BackupScheduleDto`. */
export const backupScheduleSchema = z.looseObject({ name: z.string().optional(), schedule: z.string() });
export type BackupSchedule = z.infer<typeof backupScheduleSchema>;

/** `ByomClientDto` (an external monitoring client); `password` only in the create and rotate answers. */
export const monitoringClientSchema = z.looseObject({
  uuid: z.string(),
  name: z.string().optional(),
  username: z.string(),
  created: z.string().optional(),
  password: z.string().optional(),
});
export type MonitoringClient = z.infer<typeof monitoringClientSchema>;
export const monitoringClientsSchema = z.looseObject({
  clients: z.array(monitoringClientSchema).default([]),
  status: z.looseObject({ metricsEndpoint: z.looseObject({ target: z.string(), scheme: z.string(), path: z.string() }).optional() }).default({}),
});
export type MonitoringClients = z.infer<typeof monitoringClientsSchema>;

/** `GET …/secure-connectivity`: `status` is the SecureConnectivityDto, or `{}` while it is off. */
export const secureConnectivitySchema = z.looseObject({
  status: z
    .looseObject({
      spec: z.looseObject({ allowedPrincipals: z.array(z.string()), allowedRegions: z.array(z.string()) }).optional(),
      status: z.looseObject({ endpoint: z.looseObject({ serviceName: z.string().optional(), privateDnsName: z.string().optional() }).optional() }).optional(),
    })
    .default({}),
});
export type SecureConnectivity = z.infer<typeof secureConnectivitySchema>;

/** `RestoreDto`. */
export const restoreSchema = z.looseObject({ uuid: z.string(), backupId: z.string(), state: z.string(), startTimestamp: z.string().optional(), completionTimestamp: z.string().optional() });
export type Restore = z.infer<typeof restoreSchema>;

/** `FailoverResult`. */
export const failoverSchema = z.looseObject({ newClusterId: z.string(), results: z.looseObject({}).optional() });
export type FailoverResult = z.infer<typeof failoverSchema>;

/** `AuditDto` (an activity event). */
export const activitySchema = z.looseObject({
  service: z.string().optional(),
  audit: z.string().optional(),
  auditType: z.string().optional(),
  entity: z.string().optional(),
  entityId: z.string().optional(),
  userId: z.string().optional(),
  timestamp: z.number().optional(),
});
export type ActivityEvent = z.infer<typeof activitySchema>;

/** `MetaDto`: the addresses Camunda connects from (`web-modeler`: Web Modeler's egress), for users' firewalls. */
export const ipRangesSchema = z.record(z.string(), z.array(z.string()));
export type IpRanges = z.infer<typeof ipRangesSchema>;
