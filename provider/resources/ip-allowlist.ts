/**
 * `camunda.IpAllowlist`: the whole IP allowlist of one cluster, replaced as a unit (PUT …/ipallowlist). Updates in
 * place; destroy clears the list. Where the API does not show the list (no feature or permission to read it), the
 * declared entries are kept and that is said once. Id: the cluster's uuid.
 */
import { readClusterCached } from "./cluster-state";
import { consoleClient, progress } from "./context";
import { ipAllowlistInputsSchema, normalizeIp, type IpAllowlistEntry } from "./inputs";
import { defineResource, type Props } from "./lifecycle";
import { claimed, ownerLabel } from "./ownership";
import { invalidateCluster } from "./read-cache";

/** The same entries whatever their order or spelling ("10.0.0.1" and "10.0.0.1/32"). */
function canonical(entries: readonly { ip: string; description?: string }[]): string {
  return JSON.stringify(entries.map((e) => `${normalizeIp(e.ip)} ${e.description ?? ""}`).sort());
}

async function put(clusterId: string, entries: IpAllowlistEntry[]): Promise<void> {
  await consoleClient().updateIpAllowlist(clusterId, entries);
  invalidateCluster(clusterId);
}

export const ipAllowlistProvider = defineResource({
  type: "IpAllowlist",
  kind: "allowlist",
  inputs: ipAllowlistInputsSchema,
  replaceOn: ["clusterId"],
  same: { entries: (news, olds) => Array.isArray(news) && Array.isArray(olds.entries) && canonical(news) === canonical(olds.entries) },
  sharedId: (id) => `allowlist/${id}`,
  claims: ({ clusterId }) => [
    {
      key: `allowlist/${clusterId}`,
      property: "clusterId",
      what: `the IP allowlist of cluster ${clusterId}`,
      fix: "one IpAllowlist holds a cluster's whole list: merge their entries into one resource",
    },
  ],
  create: async (ins) => {
    await put(ins.clusterId, ins.entries);
    return { id: ins.clusterId, outs: ins };
  },
  read: async (id, props) => {
    const c = await readClusterCached(id);
    const listed = c.ipallowlist ?? c.ipwhitelist;
    const recorded: IpAllowlistEntry[] = Array.isArray(props.entries) ? (props.entries as Props[]).map((e) => ({ ip: String(e.ip), description: String(e.description ?? "") })) : [];
    if (!Array.isArray(listed)) {
      // Not shown (the organization lacks the feature for reading, or the credential the permission): kept, said once.
      if (props.__unseen !== true) {
        progress(
          `the Console API does not show the IP allowlist of cluster ${id} (an Enterprise feature, and the "IP Allowlist" scope): ` +
            "it is set, but a change made in the Console cannot be detected",
        );
      }
      return { clusterId: id, entries: recorded, __unseen: true };
    }
    // The same entries in another order or spelling are no change: the recorded representation stays.
    const live = listed.map((e) => ({ ip: e.ip, description: e.description }));
    return { clusterId: id, entries: props.entries !== undefined && canonical(live) === canonical(recorded) ? recorded : live };
  },
  update: async (id, olds, ins) => {
    await put(id, ins.entries);
    // Still not shown: already said, not said again on the next refresh.
    return { ...ins, ...(olds.__unseen === true ? { __unseen: true } : {}) };
  },
  delete: async (id) => {
    // Declared in this run (moved to another IpAllowlist, or this one replaced, created before the old one is
    // deleted): clearing the list would empty the new one's.
    const successor = claimed(`allowlist/${id}`);
    if (successor) return progress(`the IP allowlist of cluster ${id} is now managed by ${ownerLabel(successor)}: it is left as that resource set it`);
    await put(id, []);
  },
});
