/**
 * Creating an API client: journalled (recovery.ts), so that an interrupted run's client is found again (and, its
 * secret being lost, replaced) and nobody else's is ever taken; refused scopes on 8.7+ clusters left out; the
 * connection bundle assembled from the create answer or, as live answers carry no links, from the cluster.
 */
import { CamundaApiError, expected } from "../errors";
import { idsNamed, unreadableError } from "../http/console-client";
import type { CreatedClusterClient } from "../schemas/api";
import { connectionBundle } from "./bundle";
import { readClusterCached } from "./cluster-state";
import { consoleClient, progress } from "./context";
import { ignoreNotFound, readOrConfirmGone } from "./errors";
import { CLIENT_PERMISSIONS, type ClientPermission, type ZeebeClientInputs } from "./inputs";
import { invalidateCluster, snapshot } from "./read-cache";
import { INTENT_WINDOW_MS, recoverableCreate, type Ownership } from "./recovery";

type Props = Record<string, unknown>;

export interface ZeebeClientOutputs {
  clusterId: string;
  name: string;
  /** The permissions the user asked for (undefined: all). */
  requestedPermissions?: string[];
  permissions: string[];
  clientId: string;
  clientSecret?: string;
  zeebeAddress: string;
  authorizationServerUrl: string;
  audience: string;
  clusterRegion: string;
  env: Record<string, string>;
}

/** Scopes Console no longer manages on clusters of generation 8.7 and later (camunda-docs manage-api-clients.md). */
const CONSOLE_UNMANAGED: readonly ClientPermission[] = ["Operate", "Tasklist"];

function isScopeRefusal(err: unknown): boolean {
  return err instanceof CamundaApiError && err.status === 400 && /permission|scope/i.test(err.serviceMessage);
}

/** Creates the client once, or recovers what this very resource's interrupted run created (recovery.ts). */
async function createRecoverable(ins: ZeebeClientInputs, owned: Ownership | undefined): Promise<{ created: CreatedClusterClient; recovered: boolean }> {
  const { clusterId, name, permissions } = ins;
  const client = consoleClient();
  const body = { clientName: name, ...(permissions ? { permissions } : {}) };
  const sameName = async () => {
    const listed = await client.listClients(clusterId);
    // One that cannot be read could be this resource's: taking another for it, or creating again, could be wrong.
    if (listed.unreadable.some((c) => c.name === name)) throw unreadableError(`a client named ${JSON.stringify(name)} of cluster ${clusterId}`);
    return listed.filter((c) => c.name === name);
  };
  const { result, recovered } = await recoverableCreate<CreatedClusterClient>({
    kind: "client",
    ownership: owned,
    declaration: { clusterId, name },
    snapshot: async () => idsNamed(await snapshot(`clients/${clusterId}`, () => client.listClients(clusterId)), name, (c) => c.clientId),
    recover: async (pending, isOurs) => {
      // Clients have no creation time: an intent without an id vouches for a same-named client only within the time
      // its create could take (after that, a new same-named client is someone else's and is left alone).
      if (pending.id === undefined && client.serverNow() - pending.at > INTENT_WINDOW_MS) return undefined;
      const found = (await sameName()).find((c) => isOurs(c.clientId) && (pending.id === undefined || c.clientId === pending.id));
      return found ? { name: found.name, clientId: found.clientId, permissions: found.permissions, recovered: true } : undefined;
    },
    create: async (isOurs) => {
      try {
        return await client.createClient(clusterId, body, (c) => isOurs(c.clientId));
      } catch (err) {
        // On 8.7+ clusters Console manages only some scopes (camunda-docs manage-api-clients.md); a service that refuses
        // the others gets the request without them, and the client the scopes Console can grant.
        const unmanaged = (permissions ?? []).filter((p) => CONSOLE_UNMANAGED.includes(p));
        const kept = (permissions ?? []).filter((p) => !CONSOLE_UNMANAGED.includes(p));
        if (!isScopeRefusal(err) || unmanaged.length === 0 || kept.length === 0) throw err;
        progress(
          `client ${JSON.stringify(name)}: the Console API refused the ${unmanaged.join(" and ")} permission` +
            `${unmanaged.length > 1 ? "s" : ""} (${(err as CamundaApiError).serviceMessage}); creating it with ${kept.join(", ")}. ` +
            "On clusters of generation 8.7 and later that access is managed in the cluster's own Identity",
        );
        return client.createClient(clusterId, { clientName: name, permissions: kept }, (c) => isOurs(c.clientId));
      }
    },
    idOf: (c) => c.clientId,
  });
  return { created: result, recovered };
}

export async function createClient(ins: ZeebeClientInputs, owned: Ownership | undefined): Promise<ZeebeClientOutputs & Props> {
  const { clusterId, permissions } = ins;
  const client = consoleClient();
  const first = await createRecoverable(ins, owned);
  let created = first.created;
  const recovered = first.recovered;
  if (!created.clientSecret) {
    // This resource created the client, but the answer with its secret was lost (with an interrupted run, or in
    // transit): the secret cannot be read again, so the client is replaced.
    progress(
      `client ${JSON.stringify(ins.name)} (${created.clientId}) was created by ${recovered ? "an interrupted run of this resource" : "this run"} ` +
        "but its secret was lost in transit: replacing it",
    );
    await ignoreNotFound(() => client.deleteClient(clusterId, created.clientId));
    invalidateCluster(clusterId);
    ({ created } = await createRecoverable(ins, owned));
    if (!created.clientSecret) throw new Error(`Client ${JSON.stringify(ins.name)}: the Console API returned no secret`);
  }
  invalidateCluster(clusterId);
  let links = (created.links ?? {}) as Record<string, string | undefined>;
  let zeebeAddress = links.zeebe;
  let authorizationServerUrl = links.oauth;
  if (!zeebeAddress || !authorizationServerUrl) {
    // The create answer carries no links (as live answers do: the official SDK's fixture, the Go client's payloads):
    // read them from the cluster and the client's connection details. The client exists and its secret is in hand,
    // so nothing here may fail the create: what cannot be read comes from the cluster's links and SaaS defaults.
    const [cluster, details] = await Promise.all([
      readClusterCached(clusterId).catch(() => undefined),
      readOrConfirmGone(
        () => client.getClient(clusterId, created.clientId),
        () => client.getClient(clusterId, created.clientId),
      ).catch(() => undefined),
    ]);
    links = { ...((cluster?.links ?? {}) as Record<string, string>), ...links };
    zeebeAddress = details?.ZEEBE_ADDRESS ?? links.zeebe;
    authorizationServerUrl = details?.ZEEBE_AUTHORIZATION_SERVER_URL ?? links.oauth;
  }
  const granted: string[] = created.permissions ?? permissions ?? [...CLIENT_PERMISSIONS];
  if (permissions?.length && granted.length === 0) {
    // A client with no scope at all can do nothing: as when the service refuses them, the create fails (the client,
    // this resource's own, is deleted again).
    await ignoreNotFound(() => client.deleteClient(clusterId, created.clientId));
    invalidateCluster(clusterId);
    throw expected(
      new Error(
        `Client ${JSON.stringify(ins.name)}: the Console API granted none of the requested permissions (${permissions.join(", ")}). ` +
          "On clusters of generation 8.7 and later Console manages only some scopes (Zeebe, Secrets, …) and the others live in the cluster's own Identity: " +
          "declare a permission Console grants, or create this client in the cluster's Identity",
      ),
    );
  }
  const withheld = (permissions ?? []).filter((p: string) => !granted.includes(p));
  if (withheld.length > 0) {
    progress(
      `client ${JSON.stringify(ins.name)} was granted ${granted.join(", ")} of the requested ${(permissions ?? []).join(", ")}: ` +
        `on clusters of generation 8.7 and later ${withheld.join(" and ")} access is managed in the cluster's own Identity`,
    );
  }
  const env = connectionBundle({
    clusterId,
    clientId: created.clientId,
    clientSecret: created.clientSecret,
    permissions: granted,
    zeebeAddress,
    authorizationServerUrl,
    audience: created.audience,
    links,
  });
  return {
    clusterId,
    name: ins.name,
    ...(permissions ? { requestedPermissions: permissions } : {}),
    permissions: granted,
    clientId: created.clientId,
    clientSecret: created.clientSecret,
    zeebeAddress: env.ZEEBE_ADDRESS,
    authorizationServerUrl: env.ZEEBE_AUTHORIZATION_SERVER_URL,
    audience: env.ZEEBE_TOKEN_AUDIENCE,
    clusterRegion: env.CAMUNDA_CLUSTER_REGION,
    env,
  };
}

