/**
 * Dynamic provider of `camunda.ZeebeClient`: an API client of a cluster. The API cannot update a client, so any
 * change replaces it. Its secret exists only in the create response: it is kept in state (as a Pulumi secret)
 * across refreshes, and a client whose secret was lost is replaced, never kept without one.
 * Id: `<clusterId>/<clientId>`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { connectionBundle, withCurrentKeys } from "./bundle";
import { readClusterCached } from "./cluster";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient, progress } from "./context";
import { CamundaApiError } from "../errors";
import type { CreatedClusterClient } from "../schemas/api";
import { claim, ownerOf, ownerProps, ownershipOf, recorded, refreshedInputs } from "./ownership";
import { INTENT_WINDOW_MS, recoverableCreate, type Ownership } from "./recovery";
import { findOrConfirmGone, ignoreNotFound, isNotFound, readOrConfirmGone } from "./errors";
import { CLIENT_PERMISSIONS, isUnknown, zeebeClientInputsSchema, type ClientPermission, type ZeebeClientInputs } from "./inputs";
import { coalesced, invalidateCluster, snapshot } from "./read-cache";

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

export function parseClientId(id: string): { clusterId: string; clientId: string } {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) {
    throw new Error(`ZeebeClient id ${JSON.stringify(id)} is not of the form <clusterId>/<clientId>`);
  }
  return { clusterId: id.slice(0, i), clientId: id.slice(i + 1) };
}

function listClientsCached(clusterId: string) {
  return coalesced(`clients:${clusterId}`, () => consoleClient().listClients(clusterId));
}

function sameSet(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Scopes Console no longer manages on clusters of generation 8.7 and later (camunda-docs manage-api-clients.md). */
const CONSOLE_UNMANAGED: readonly string[] = ["Operate", "Tasklist"];

function isScopeRefusal(err: unknown): boolean {
  return err instanceof CamundaApiError && err.status === 400 && /permission|scope/i.test(err.serviceMessage);
}

/** Creates the client once, or recovers what this very resource's interrupted run created (recovery.ts). */
async function createRecoverable(ins: ZeebeClientInputs, owned: Ownership | undefined): Promise<{ created: CreatedClusterClient; recovered: boolean }> {
  const clusterId = ins.clusterId as string;
  const name = ins.name as string;
  const permissions = ins.permissions as ClientPermission[] | undefined;
  const client = consoleClient();
  const body = { clientName: name, ...(permissions ? { permissions } : {}) };
  const sameName = async () => (await client.listClients(clusterId)).filter((c) => c.name === name);
  const { result, recovered } = await recoverableCreate<CreatedClusterClient>({
    kind: "client",
    ownership: owned,
    declaration: { clusterId, name },
    now: () => client.serverNow(),
    snapshot: async () => (await snapshot(`clients/${clusterId}`, () => client.listClients(clusterId))).filter((c) => c.name === name).map((c) => c.clientId),
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

async function createOnce(ins: ZeebeClientInputs, owned: Ownership | undefined): Promise<Props> {
  const clusterId = ins.clusterId as string;
  const permissions = ins.permissions as string[] | undefined;
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
  const granted = (created.permissions as string[] | undefined)?.length
    ? (created.permissions as string[])
    : (permissions ?? [...CLIENT_PERMISSIONS]);
  const withheld = (permissions ?? []).filter((p) => !granted.includes(p));
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
  } satisfies ZeebeClientOutputs;
}

/** The engine recorded this client: its create journal entry is no longer needed. */
function forgetJournal(id: string, props: Props): void {
  recorded("client", parseClientId(id).clientId, props);
}

export const zeebeClientProvider = {
  async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configure(req);
  },

  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const checked = checkInputs(zeebeClientInputsSchema, "ZeebeClient", news);
    if (checked.failures?.length) return checked;
    const { clusterId, name } = checked.inputs as ZeebeClientInputs;
    if (isUnknown(clusterId) || isUnknown(name)) return checked;
    const conflict = claim(
      `client/${clusterId}/${name}`,
      ownerOf(news),
      "name",
      `the client ${JSON.stringify(name)} of cluster ${clusterId}`,
      "client names are unique in a cluster: give one of them another name",
    );
    return conflict ? { inputs: news, failures: [conflict] } : checked;
  },

  async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    forgetJournal(id, olds);
    const replaces: string[] = [];
    if (isUnknown(news.clusterId) || news.clusterId !== olds.clusterId) replaces.push("clusterId");
    if (isUnknown(news.name) || news.name !== olds.name) replaces.push("name");
    // Declared against declared: the permissions the API granted may differ (on 8.7+ clusters Console manages only
    // some scopes) and must not replace the client on every run.
    const wanted = news.permissions as unknown[] | undefined;
    const asked = olds.requestedPermissions as string[] | undefined;
    if (isUnknown(wanted) || wanted?.some(isUnknown) || !sameSet(wanted, asked)) replaces.push("permissions");
    if (!olds.clientSecret) replaces.push("clientSecret"); // lost secret: a new client is the only way to get one
    // Names are unique within a cluster: a replacement with the same name and cluster must delete first.
    const sameIdentity = !replaces.includes("clusterId") && !replaces.includes("name");
    // (Also for a forced replacement, `pulumi up --replace`, which lists no changed input.)
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: sameIdentity };
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const v = { inputs: parseInputs(zeebeClientInputsSchema, "ZeebeClient", inputs) };
    const outs = await createOnce(v.inputs, ownershipOf(inputs));
    return { id: `${outs.clusterId}/${outs.clientId}`, outs: { ...outs, ...ownerProps(inputs) } };
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    forgetJournal(id, props);
    const { clusterId, clientId } = parseClientId(id);
    let clients;
    try {
      clients = await listClientsCached(clusterId);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    // A client created a moment ago may not be listed yet (the service is eventually consistent): look again.
    const found = await findOrConfirmGone(
      async () => clients,
      () => consoleClient().listClients(clusterId),
      (list) => list.find((c) => c.clientId === clientId),
    );
    if (!found) return {};
    // The same set in another order is the same permissions: keep the recorded order (no change on refresh).
    const recordedPermissions = props.permissions as string[] | undefined;
    const listed = found.permissions as string[] | undefined;
    const permissions = listed === undefined || sameSet(listed, recordedPermissions) ? (recordedPermissions ?? listed ?? []) : listed;
    const oldEnv = props.env as Record<string, string> | undefined;
    let env = oldEnv ? withCurrentKeys(oldEnv) : undefined;
    let zeebeAddress = props.zeebeAddress as string | undefined;
    let authorizationServerUrl = props.authorizationServerUrl as string | undefined;
    let links: Record<string, string> | undefined;
    if (!oldEnv || !sameSet(permissions, props.permissions as string[] | undefined)) {
      // A `get` of an existing client, or drifted permissions: rebuild the bundle from the API.
      const [cluster, details] = await Promise.all([
        readClusterCached(clusterId),
        consoleClient().getClient(clusterId, clientId),
      ]);
      links = (cluster.links ?? {}) as Record<string, string>;
      zeebeAddress = details.ZEEBE_ADDRESS;
      authorizationServerUrl = details.ZEEBE_AUTHORIZATION_SERVER_URL;
      env = connectionBundle({
        clusterId,
        clientId,
        clientSecret: props.clientSecret as string | undefined,
        permissions,
        zeebeAddress,
        authorizationServerUrl,
        audience: props.audience as string | undefined,
        links,
      });
    }
    const outs: Props = {
      ...props,
      clusterId,
      name: found.name,
      permissions,
      clientId,
      zeebeAddress: env?.ZEEBE_ADDRESS ?? zeebeAddress,
      authorizationServerUrl: env?.ZEEBE_AUTHORIZATION_SERVER_URL ?? authorizationServerUrl,
      audience: env?.ZEEBE_TOKEN_AUDIENCE,
      clusterRegion: env?.CAMUNDA_CLUSTER_REGION,
      env,
    };
    delete outs.__provider;
    // The declared permissions are the ones asked for (the API may grant fewer on 8.7+ clusters).
    const inputs = refreshedInputs(zeebeClientInputsSchema, { ...outs, permissions: props.requestedPermissions }, props);
    return { id, props: outs, ...(inputs ? { inputs } : {}) };
  },

  async delete(id: string, props: Props): Promise<void> {
    forgetJournal(id, props);
    const { clusterId, clientId } = parseClientId(id);
    await ignoreNotFound(() => consoleClient().deleteClient(clusterId, clientId));
    invalidateCluster(clusterId);
  },
};
