/**
 * Reading an API client back: found in its cluster's listing (looked for again a moment when missing: the service is
 * eventually consistent; never taken for gone when listed in a shape the provider cannot read), its secret kept from
 * the record (the API shows it only at creation), the same permissions in another order kept as recorded, and the
 * connection bundle rebuilt from the API only when needed (a `get`, or changed permissions).
 */
import { unreadableError } from "../http/console-client";
import { connectionBundle, withCurrentKeys } from "./bundle";
import { readClusterCached } from "./cluster-state";
import { consoleClient } from "./context";
import { findOrConfirmGone } from "./errors";
import { splitId, type Props } from "./lifecycle";
import { coalesced } from "./read-cache";

export function parseClientId(id: string): { clusterId: string; clientId: string } {
  const [clusterId, clientId] = splitId(id, "ZeebeClient", "clientId");
  return { clusterId, clientId };
}

export function sameSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  return a.length === b.length && a.every((x) => b.includes(x));
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export async function readClient(id: string, props: Props): Promise<Props | undefined> {
  const { clusterId, clientId } = parseClientId(id);
  // A client created a moment ago may not be listed yet (eventual consistency): look again before it counts as gone.
  const found = await findOrConfirmGone(
    () => coalesced(`clients:${clusterId}`, () => consoleClient().listClients(clusterId)),
    () => consoleClient().listClients(clusterId),
    (list) => {
      const own = list.find((c) => c.clientId === clientId);
      // Listed, but in a shape this provider cannot read: not gone (dropping it would lose its only secret).
      if (!own && list.unreadable.some((c) => c.id === clientId)) throw unreadableError(`the client ${clientId} of cluster ${clusterId}`);
      return own;
    },
  );
  if (!found) return undefined;
  // The same set in another order is the same permissions: the recorded order stays.
  const recorded = strings(props.permissions);
  const permissions = sameSet(found.permissions, recorded) && recorded ? recorded : found.permissions;
  let env = props.env && typeof props.env === "object" ? withCurrentKeys(props.env as Record<string, string>) : undefined;
  if (!env || !sameSet(permissions, recorded)) {
    // A `get` of an existing client, or changed permissions: the bundle from the API.
    const [cluster, details] = await Promise.all([readClusterCached(clusterId), consoleClient().getClient(clusterId, clientId)]);
    env = connectionBundle({
      clusterId,
      clientId,
      clientSecret: text(props.clientSecret),
      permissions,
      zeebeAddress: details.ZEEBE_ADDRESS,
      authorizationServerUrl: details.ZEEBE_AUTHORIZATION_SERVER_URL,
      audience: text(props.audience),
      links: cluster.links,
    });
  }
  const kept: Props = { ...props };
  delete kept.__provider;
  return {
    ...kept,
    clusterId,
    name: found.name,
    permissions,
    clientId,
    zeebeAddress: env.ZEEBE_ADDRESS,
    authorizationServerUrl: env.ZEEBE_AUTHORIZATION_SERVER_URL,
    audience: env.ZEEBE_TOKEN_AUDIENCE,
    clusterRegion: env.CAMUNDA_CLUSTER_REGION,
    env,
  };
}
