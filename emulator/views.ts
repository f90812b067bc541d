/** Renders stored records as the Console API's response bodies (Cluster, ClusterClient, BackupDto, …). */
import type { Profiles } from "./profiles";
import { CHANNELS, ORG_ID, PLAN_TYPES, REGIONS, SAAS } from "./seed";
import type { BackupRecord, ClientRecord, ClusterRecord } from "./state";
import { CLIENT_PERMISSIONS } from "./types";

/** The order the service lists permissions in (the SDK's live fixture), with the `unorderedPermissions` profile. */
const SERVICE_ORDER = ["Zeebe", "Operate", "Optimize", "Tasklist", "Secrets"];

function permissionsView(permissions: readonly string[], profiles: Profiles | undefined): string[] {
  const order: readonly string[] = profiles?.has("unorderedPermissions") ? SERVICE_ORDER : CLIENT_PERMISSIONS;
  return [...permissions].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function named(list: { uuid: string; name: string }[], uuid: string): { uuid: string; name: string } {
  return { uuid, name: list.find((x) => x.uuid === uuid)?.name ?? "Unknown" };
}

export function regionKey(c: ClusterRecord): string {
  return REGIONS.find((r) => r.uuid === c.regionId)?.key ?? "unknown-1";
}

export function clusterLinks(c: ClusterRecord): Record<string, string> {
  const key = regionKey(c);
  const app = (name: string) => `https://${key}.${name}.${SAAS.appDomain}/${c.uuid}`;
  return {
    zeebe: `${c.uuid}.${key}.${SAAS.zeebeDomain}`,
    operate: app("operate"),
    tasklist: app("tasklist"),
    optimize: app("optimize"),
    connectors: app("connectors"),
    console: `${SAAS.consoleUrl}/org/${ORG_ID}/cluster/${c.uuid}`,
  };
}

/**
 * The `Cluster` schema. The allowlist fields are only sent to credentials holding the "IP Allowlist" scope (and not
 * at all with the `allowlistHidden` profile); `labels` not with `stageLabelNotReturned`; undeclared fields with
 * `undeclaredFields`.
 */
export function clusterView(c: ClusterRecord, includeAllowlist: boolean, profiles?: Profiles): Record<string, unknown> {
  const generations = CHANNELS.flatMap((ch) => ch.allowedGenerations);
  const backupRegion = REGIONS.flatMap((r) => r.backups ?? []).find((b) => b.uuid === c.backupRegionId);
  const s = c.status;
  return {
    uuid: c.uuid,
    name: c.name,
    ...(c.description !== undefined ? { description: c.description } : {}),
    ownerId: c.ownerId,
    created: c.created,
    autoUpdate: c.autoUpdate,
    planType: named(PLAN_TYPES, c.planTypeId),
    region: named(REGIONS, c.regionId),
    generation: named(generations, c.generationId),
    channel: named(CHANNELS, c.channelId),
    ...(backupRegion
      ? { backupRegion: { uuid: backupRegion.uuid, name: backupRegion.regions.map((r) => r.label).join(", ") } }
      : {}),
    encryption: { type: c.encryption, status: c.encryption === "External" && !c.encryptionKeys ? "ExternalEncryptionKeyNotSupplied" : "Ready" },
    status: {
      ready: s,
      zeebeStatus: s,
      operateStatus: s,
      tasklistStatus: s,
      optimizeStatus: s,
      connectorsStatus: s,
    },
    links: clusterLinks(c),
    ...(includeAllowlist && !profiles?.has("allowlistHidden")
      ? {
          ipallowlist: c.ipallowlist.map((e) => ({ ...e })),
          ipwhitelist: c.ipallowlist.map((e) => ({ ...e })),
        }
      : {}),
    ...(c.stageLabel && !profiles?.has("stageLabelNotReturned") ? { labels: [c.stageLabel] } : {}),
    ...(profiles?.has("undeclaredFields") ? undeclaredClusterFields(c) : {}),
  };
}

/** Fields live payloads carry beyond the document (camunda-8-js-sdk fixture: `k8sContext`), and a future one. */
function undeclaredClusterFields(c: ClusterRecord): Record<string, unknown> {
  return {
    k8sContext: { uuid: "a1b2c3d4-0000-4000-8000-00000000c8c8", name: `${regionKey(c)}-context` },
    webModelerAccess: { enabled: true },
    lastActivity: new Date().toISOString(),
  };
}

/**
 * Another team's cluster as an older client would choke on it (`foreignClusterInList`): a status the older enum lacked,
 * links without endpoints, nested undeclared fields. It is listed in `GET /clusters` only.
 */
export function oddClusterView(): Record<string, unknown> {
  const region = REGIONS[REGIONS.length - 1];
  const channel = CHANNELS[0];
  return {
    uuid: "0dd0dd00-0000-4000-8000-0000000000dd",
    name: "another-team-cluster",
    ownerId: "0dd0dd00-0000-4000-8000-00000000000e",
    created: "2025-03-01T08:00:00.000Z",
    autoUpdate: true,
    planType: { uuid: PLAN_TYPES[PLAN_TYPES.length - 1].uuid, name: PLAN_TYPES[PLAN_TYPES.length - 1].name, tier: "enterprise" },
    region: { uuid: region.uuid, name: region.name, provider: region.provider },
    generation: { uuid: channel.defaultGeneration.uuid, name: channel.defaultGeneration.name, classification: "current" },
    channel: { uuid: channel.uuid, name: channel.name },
    encryption: { type: "External", status: "ExternalEncryptionKeyNotSupplied" },
    status: { ready: "WaitingForInput", zeebeStatus: "WaitingForInput", connectorsStatus: "Maintenance" },
    links: {},
    k8sContext: { uuid: "0dd0dd00-0000-4000-8000-00000000000f", name: "other-context" },
  };
}

/** `ClusterClient` (list item). */
export function clientListView(client: ClientRecord, profiles?: Profiles): Record<string, unknown> {
  return { name: client.name, clientId: client.clientId, permissions: permissionsView(client.permissions, profiles) };
}

/** `CreatedClusterClient`: the only response that carries the client secret (no `links` with `createdClientWithoutLinks`). */
export function createdClientView(c: ClusterRecord, client: ClientRecord, secret: string, profiles?: Profiles): Record<string, unknown> {
  return {
    name: client.name,
    uuid: client.uuid,
    clientId: client.clientId,
    clientSecret: secret,
    permissions: permissionsView(client.permissions, profiles),
    audience: SAAS.zeebeTokenAudience,
    ...(profiles?.has("createdClientWithoutLinks") ? {} : { links: { ...clusterLinks(c), oauth: SAAS.authorizationServerUrl } }),
  };
}

/** `ClusterClientConnectionDetails`: exactly the four fields of the spec. */
export function connectionDetailsView(c: ClusterRecord, client: ClientRecord): Record<string, unknown> {
  return {
    name: client.name,
    ZEEBE_ADDRESS: `${c.uuid}.${regionKey(c)}.${SAAS.zeebeDomain}:443`,
    ZEEBE_CLIENT_ID: client.clientId,
    ZEEBE_AUTHORIZATION_SERVER_URL: SAAS.authorizationServerUrl,
  };
}

/** A backup's status and completion time now. */
export function backupProgress(b: BackupRecord): { status: string; completed: string } {
  const done = Date.now() >= b.completeAt;
  return { status: !done ? "In progress" : b.fails ? "Failed" : "Complete", completed: done ? new Date(b.completeAt).toISOString() : "" };
}

/** `BackupDto`. */
export function backupView(b: BackupRecord): Record<string, unknown> {
  const { status, completed } = backupProgress(b);
  return {
    uuid: b.uuid,
    name: b.name,
    created: new Date(b.createdAt).toISOString(),
    completed,
    status,
    zeebeStatus: status,
    tasklistStatus: status,
    operateStatus: status,
    optimizeStatus: status,
    generationUuid: b.generationUuid,
    generationName: b.generationName,
  };
}
