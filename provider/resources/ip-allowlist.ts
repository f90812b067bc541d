/**
 * Dynamic provider of `camunda.IpAllowlist`: the whole IP allowlist of one cluster, replaced as a unit with
 * PUT /clusters/{id}/ipallowlist. Updates in place; destroy clears the list. Id: the cluster's uuid.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { readClusterCached } from "./cluster";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient } from "./context";
import { ignoreNotFound, isNotFound } from "./errors";
import { ipAllowlistInputsSchema, isUnknown, normalizeIp, type IpAllowlistEntry } from "./inputs";
import { invalidateCluster } from "./read-cache";

type Props = Record<string, unknown>;

function canonical(entries: readonly IpAllowlistEntry[]): string {
  return JSON.stringify(entries.map((e) => `${normalizeIp(e.ip)} ${e.description ?? ""}`).sort());
}

function entriesOf(value: unknown): IpAllowlistEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((e: { ip?: unknown; description?: unknown }) => ({
    ip: String(e.ip ?? ""),
    description: typeof e.description === "string" ? e.description : "",
  }));
}

async function put(clusterId: string, entries: IpAllowlistEntry[]): Promise<void> {
  await consoleClient().updateIpAllowlist(clusterId, entries);
  invalidateCluster(clusterId);
}

export const ipAllowlistProvider = {
  async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configure(req);
  },

  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return checkInputs(ipAllowlistInputsSchema, "IpAllowlist", news);
  },

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const replaces = isUnknown(news.clusterId) || news.clusterId !== olds.clusterId ? ["clusterId"] : [];
    const entriesChanged =
      isUnknown(news.entries) ||
      (Array.isArray(news.entries) && news.entries.some((e) => isUnknown(e) || isUnknown((e as Props).ip))) ||
      canonical(entriesOf(news.entries)) !== canonical(entriesOf(olds.entries));
    return { changes: replaces.length > 0 || entriesChanged, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const v = { inputs: parseInputs(ipAllowlistInputsSchema, "IpAllowlist", inputs) };
    const clusterId = v.inputs.clusterId as string;
    const entries = entriesOf(v.inputs.entries);
    await put(clusterId, entries);
    return { id: clusterId, outs: { clusterId, entries } };
  },

  async read(id: string): Promise<dynamic.ReadResult> {
    try {
      const cluster = await readClusterCached(id);
      const c = cluster as typeof cluster & { ipallowlist?: unknown; ipwhitelist?: unknown };
      return { id, props: { clusterId: id, entries: entriesOf(c.ipallowlist ?? c.ipwhitelist ?? []) } };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async update(id: string, _olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const v = { inputs: parseInputs(ipAllowlistInputsSchema, "IpAllowlist", news) };
    const entries = entriesOf(v.inputs.entries);
    await put(id, entries);
    return { outs: { clusterId: id, entries } };
  },

  async delete(id: string): Promise<void> {
    await ignoreNotFound(() => put(id, []));
  },
};
