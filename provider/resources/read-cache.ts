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

const inflight = new Map<string, Promise<unknown>>();

/**
 * A listing taken just before creates ("what existed before"): concurrent callers share one request while it is in
 * flight, and nothing is kept after it answered — an older listing would miss what someone made since.
 */
export function snapshot<T>(key: string, load: () => Promise<T>): Promise<T> {
  const running = inflight.get(key);
  if (running) return running as Promise<T>;
  const value = load().finally(() => inflight.delete(key));
  inflight.set(key, value);
  return value;
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
