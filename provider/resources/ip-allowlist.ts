/**
 * Dynamic provider of `camunda.IpAllowlist`: the whole IP allowlist of one cluster, replaced as a unit with
 * PUT /clusters/{id}/ipallowlist. Updates in place; destroy clears the list. Id: the cluster's uuid.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { readClusterCached } from "./cluster";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient, progress } from "./context";
import { ignoreNotFound, isNotFound } from "./errors";
import { ipAllowlistInputsSchema, isUnknown, normalizeIp, type IpAllowlistEntry, type IpAllowlistInputs } from "./inputs";
import { claim, claimed, ownerLabel, ownerOf, ownerProps, refreshedInputs } from "./ownership";
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
    const checked = checkInputs(ipAllowlistInputsSchema, "IpAllowlist", news);
    if (checked.failures?.length) return checked;
    const { clusterId } = checked.inputs as IpAllowlistInputs;
    if (isUnknown(clusterId)) return checked;
    const conflict = claim(
      `allowlist/${clusterId}`,
      ownerOf(news),
      "clusterId",
      `the IP allowlist of cluster ${clusterId}`,
      "one IpAllowlist holds a cluster's whole list: merge their entries into one resource",
    );
    return conflict ? { inputs: news, failures: [conflict] } : checked;
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
    return { id: clusterId, outs: { clusterId, entries, ...ownerProps(inputs) } };
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    try {
      const cluster = await readClusterCached(id);
      const c = cluster as typeof cluster & { ipallowlist?: unknown; ipwhitelist?: unknown };
      const listed = c.ipallowlist ?? c.ipwhitelist;
      const recorded = entriesOf(props.entries);
      let entries: IpAllowlistEntry[];
      if (!Array.isArray(listed)) {
        // Not shown (the organization lacks the feature for reading, or the credential the permission): keep what
        // was set, and say so once.
        entries = recorded;
        if (props.__unseen !== true) {
          progress(
            `the Console API does not show the IP allowlist of cluster ${id} (an Enterprise feature, and the "IP Allowlist" scope): ` +
              "it is set, but a change made in the Console cannot be detected",
          );
        }
      } else {
        // The same entries in another order or spelling (10.0.0.1 vs 10.0.0.1/32) are no change.
        const live = entriesOf(listed);
        entries = props.entries !== undefined && canonical(live) === canonical(recorded) ? recorded : live;
      }
      const outs = { clusterId: id, entries, ...(!Array.isArray(listed) ? { __unseen: true } : {}), ...ownerProps(props) };
      const inputs = refreshedInputs(ipAllowlistInputsSchema, outs, props);
      return { id, props: outs, ...(inputs ? { inputs } : {}) };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async update(id: string, _olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const v = { inputs: parseInputs(ipAllowlistInputsSchema, "IpAllowlist", news) };
    const entries = entriesOf(v.inputs.entries);
    await put(id, entries);
    return { outs: { clusterId: id, entries, ...ownerProps(news) } };
  },

  async delete(id: string): Promise<void> {
    // The list is declared in this run (moved to another IpAllowlist, or this one replaced, created before the old one
    // is deleted): clearing it would empty the new one's.
    const successor = claimed(`allowlist/${id}`);
    if (successor) {
      progress(`the IP allowlist of cluster ${id} is now managed by ${ownerLabel(successor)}: it is left as that resource set it`);
      return;
    }
    await ignoreNotFound(() => put(id, []));
  },
};
