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

export const ipAllowlistEntrySchema = z.looseObject({ ip: z.string(), description: z.string().default("") });
export type IpAllowlistEntryPayload = z.infer<typeof ipAllowlistEntrySchema>;

const statusSchema = z.looseObject({
  ready: z.string(),
  zeebeStatus: z.string().optional(),
  operateStatus: z.string().optional(),
  tasklistStatus: z.string().optional(),
  optimizeStatus: z.string().optional(),
  connectorsStatus: z.string().optional(),
});

export const clusterLinksSchema = z.looseObject({
  zeebe: z.string().optional(),
  operate: z.string().optional(),
  tasklist: z.string().optional(),
  optimize: z.string().optional(),
  connectors: z.string().optional(),
  console: z.string().optional(),
  identity: z.string().optional(),
  oauth: z.string().optional(),
});
export type ClusterLinks = z.infer<typeof clusterLinksSchema>;

export const clusterSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  description: z.string().optional().catch(undefined),
  ownerId: z.string().optional(),
  created: z.string().optional(),
  autoUpdate: z.boolean().optional(),
  planType: namedRefSchema,
  region: namedRefSchema,
  generation: namedRefSchema,
  channel: namedRefSchema,
  status: statusSchema,
  links: clusterLinksSchema.default({}),
  ipallowlist: z.array(ipAllowlistEntrySchema).nullish(),
  ipwhitelist: z.array(ipAllowlistEntrySchema).nullish(),
  labels: z.array(z.string()).nullish(),
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

export const clusterClientSchema = z.looseObject({
  name: z.string(),
  clientId: z.string(),
  permissions: z.array(z.string()).default([]),
});
export type ClusterClient = z.infer<typeof clusterClientSchema>;

export const createdClusterClientSchema = z.looseObject({
  name: z.string(),
  uuid: z.string().optional(),
  clientId: z.string(),
  clientSecret: z.string(),
  permissions: z.array(z.string()).default([]),
  audience: z.string().optional(),
  links: clusterLinksSchema.optional(),
});
/** A client as `createClient` returns it; `clientSecret` is absent when the client was recovered after a lost response. */
export interface CreatedClusterClient {
  name: string;
  uuid?: string;
  clientId: string;
  clientSecret?: string;
  permissions: string[];
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
