/**
 * Coalesces reads within one Pulumi operation: concurrent and closely following reads of the same collection
 * (a cluster, its clients, its secrets) share one request, so that a refresh reads each collection of a cluster
 * once rather than once per resource. Any write through the providers drops the cluster's cached reads.
 */
const DEFAULT_TTL_MS = 10_000;

interface Entry {
  at: number;
  value: Promise<unknown>;
}

const entries = new Map<string, Entry>();

export async function coalesced<T>(key: string, load: () => Promise<T>, ttlMs = DEFAULT_TTL_MS): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { at: now, value });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  return value;
}

/**
 * A listing taken before creates ("what existed before"): shared by the creates of one wave and, unlike `coalesced`
 * reads, not dropped by writes — a listing taken before a create stays a valid "before" for it.
 */
export function snapshot<T>(key: string, load: () => Promise<T>): Promise<T> {
  return coalesced(`before/${key}`, load);
}

/** Forgets every cached read of a cluster (its record, clients and secrets); snapshots stay. */
export function invalidateCluster(clusterId: string): void {
  for (const key of entries.keys()) {
    if (key.includes(`:${clusterId}`)) entries.delete(key);
  }
}

export function clearReadCache(): void {
  entries.clear();
}
