/**
 * Lookups of the organization's existing estate, for programs: Camunda's egress addresses (for firewalls), the
 * activity log, and a cluster by name (to adopt an estate built by hand: `Cluster.get(name, (await
 * getCluster({ name: "orders" })).id)`). Each runs in the program on every preview and update; the result is
 * kept for the run.
 */
import type { ActivityEvent, Cluster as ApiCluster, IpRanges } from "../provider/schemas/api";
import { fetchIpRanges } from "../provider/api";
import { once, programBaseUrl, programClient } from "./program-client";

export type { ActivityEvent, IpRanges };

/**
 * The addresses Camunda SaaS connects from, by service (`web-modeler` today), for your firewalls. Needs no
 * credentials: only `camunda:baseUrl` (or CAMUNDA_CONSOLE_BASE_URL) is read, defaulting to the public API. Camunda
 * announces changes at least 24 hours ahead through this list.
 */
export const getIpRanges: () => Promise<IpRanges> = once(() => fetchIpRanges(programBaseUrl()));

const activity = once(() => programClient().listActivity());

export interface ActivityFilter {
  /** Only events about this kind of object (the event's `entity`, e.g. "cluster", "client"). */
  entity?: string;
  /** Only events about this object (the event's `entityId`, e.g. a cluster's id). */
  entityId?: string;
  /** Only events at or after this time. */
  since?: Date;
}

/** The organization's audit events (the Console's activity log), oldest first, optionally filtered. */
export async function getActivity(filter: ActivityFilter = {}): Promise<ActivityEvent[]> {
  const since = filter.since?.getTime();
  return (await activity())
    .filter((e) => filter.entity === undefined || e.entity === filter.entity)
    .filter((e) => filter.entityId === undefined || e.entityId === filter.entityId)
    .filter((e) => since === undefined || (e.timestamp !== undefined && e.timestamp >= since))
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

/** An existing cluster as the Console API describes it; `id` is its uuid, what resources take as `clusterId`. */
export type ClusterInfo = ApiCluster & { id: string };

const clusters = once(() => programClient().listClusters());

/**
 * The one cluster of the organization with this name (names are compared exactly; a uuid works too). Fails, naming
 * the clusters there are, when none or several match.
 */
export async function getCluster(query: { name: string }): Promise<ClusterInfo> {
  const all = await clusters();
  const matches = all.filter((c) => c.name === query.name || c.uuid === query.name);
  if (matches.length === 1) return { ...matches[0], id: matches[0].uuid };
  if (matches.length > 1) {
    throw new Error(`getCluster: ${matches.length} clusters are named ${JSON.stringify(query.name)} (${matches.map((c) => c.uuid).join(", ")}); look one up by its uuid`);
  }
  const names = all.map((c) => JSON.stringify(c.name)).join(", ") || "none";
  throw new Error(`getCluster: no cluster named ${JSON.stringify(query.name)}; the organization's clusters are ${names}`);
}
