/** Renders stored records as the Console API's response bodies (Cluster, ClusterClient, BackupDto, …). */
import { CHANNELS, ORG_ID, PLAN_TYPES, REGIONS, SAAS } from "./seed";
import type { BackupRecord, ClientRecord, ClusterRecord } from "./state";

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

/** The `Cluster` schema. The allowlist fields are only sent to credentials holding the "IP Allowlist" scope. */
export function clusterView(c: ClusterRecord, includeAllowlist: boolean): Record<string, unknown> {
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
    encryption: c.encryption === "External" ? { type: "External", status: "ExternalEncryptionKeyNotSupplied" } : { type: c.encryption },
    status: {
      ready: s,
      zeebeStatus: s,
      operateStatus: s,
      tasklistStatus: s,
      optimizeStatus: s,
      connectorsStatus: s,
    },
    links: clusterLinks(c),
    ...(includeAllowlist
      ? {
          ipallowlist: c.ipallowlist.map((e) => ({ ...e })),
          ipwhitelist: c.ipallowlist.map((e) => ({ ...e })),
        }
      : {}),
    ...(c.stageLabel ? { labels: [c.stageLabel] } : {}),
  };
}

/** `ClusterClient` (list item). */
export function clientListView(client: ClientRecord): Record<string, unknown> {
  return { name: client.name, clientId: client.clientId, permissions: [...client.permissions] };
}

/** `CreatedClusterClient`: the only response that carries the client secret. */
export function createdClientView(c: ClusterRecord, client: ClientRecord, secret: string): Record<string, unknown> {
  return {
    name: client.name,
    uuid: client.uuid,
    clientId: client.clientId,
    clientSecret: secret,
    permissions: [...client.permissions],
    audience: SAAS.zeebeTokenAudience,
    links: { ...clusterLinks(c), oauth: SAAS.authorizationServerUrl },
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

/** `BackupDto`. */
export function backupView(b: BackupRecord): Record<string, unknown> {
  const done = Date.now() >= b.completeAt;
  const status = done ? "Complete" : "In progress";
  return {
    uuid: b.uuid,
    name: b.name,
    created: new Date(b.createdAt).toISOString(),
    completed: done ? new Date(b.completeAt).toISOString() : "",
    status,
    zeebeStatus: status,
    tasklistStatus: status,
    operateStatus: status,
    optimizeStatus: status,
    generationUuid: b.generationUuid,
    generationName: b.generationName,
  };
}
