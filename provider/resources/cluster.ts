/**
 * `camunda.Cluster`: created and waited for until Healthy (cluster-create.ts, cluster-state.ts); name, description,
 * stage label and hardware packages updated in place; a newer generation, with auto-update off, upgraded in place
 * (cluster-update.ts); region, plan, channel, auto-update, encryption and a generation downgrade replace it.
 * Id: the cluster's uuid.
 */
import { choiceOf, createCluster } from "./cluster-create";
import { clusterOutputs, readClusterCached, refreshedDeclaration, statusOf, withNotices } from "./cluster-state";
import { clusterChanges, ignoresAutoUpdate, updateCluster } from "./cluster-update";
import { consoleClient } from "./context";
import { readOrConfirmGone } from "./errors";
import { clusterInputsSchema } from "./inputs";
import { defineResource, type Props } from "./lifecycle";
import { loadParameters, resolveParameters, sameChoice } from "./parameters";
import { invalidateCluster } from "./read-cache";

export { readClusterCached } from "./cluster-state";

const stored = (kind: "region" | "planType" | "channel" | "generation", key: string) => (news: unknown, olds: Props) =>
  sameChoice(news, { input: olds[key], uuid: olds[`${kind}Id`], name: olds[`${kind}Name`] });

export const clusterProvider = defineResource({
  type: "Cluster",
  kind: "cluster",
  inputs: clusterInputsSchema,
  replaceOn: ["region", "plan", "channel", "autoUpdate", "encryption"],
  same: {
    region: stored("region", "region"),
    plan: stored("planType", "plan"),
    channel: stored("channel", "channel"),
    generation: (news, olds) => news === olds.generation || (news !== undefined && stored("generation", "generation")(news, olds)),
    description: (news, olds) => (news ?? "") === (olds.description ?? ""),
    // Ignored by a non-stable channel: recorded in place (cluster-update.ts), never a replacement.
    autoUpdate: (news, olds) => news === olds.autoUpdate || ignoresAutoUpdate(olds),
    // Provider-managed keys are the default: declaring them is no change.
    encryption: (news, olds) => (news ?? "Provider") === (olds.encryption ?? "Provider"),
  },
  diffMore: clusterChanges,
  // Names are resolved against the API only when they changed, so that a no-change preview makes no request.
  checkMore: async (ins, olds) => {
    const changed = (["region", "plan", "channel", "generation"] as const).some((k) => ins[k] !== olds[k]);
    return changed ? resolveParameters(await loadParameters(), choiceOf(ins)).failures : [];
  },
  create: createCluster,
  read: async (id, props) => {
    const cluster = await readOrConfirmGone(() => readClusterCached(id), () => consoleClient().getCluster(id));
    const declared = refreshedDeclaration(cluster, props);
    // Still not Healthy after a create that was not in time: the next up goes on waiting.
    const stillAwaiting = props.__awaiting === true && statusOf(cluster) !== "Healthy" ? { __awaiting: true } : {};
    return { ...withNotices(clusterOutputs(cluster, declared), cluster, declared, props), ...stillAwaiting };
  },
  update: updateCluster,
  delete: async (id) => {
    await consoleClient().deleteCluster(id);
    invalidateCluster(id);
  },
});
