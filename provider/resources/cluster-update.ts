/**
 * Changing a cluster: name, description, stage label and hardware packages in place (PATCH); a newer generation, when
 * Camunda does not update the cluster by itself, upgraded in place (cluster-state.ts `upgradeTo`); an older one
 * replaces it, and the preview says why; a create that was not Healthy in time is waited for again.
 */
import { isUnknown, type ClusterInputs } from "./inputs";
import { awaiting, clusterOutputs, notReadyError, upgradeTo, waitUntilHealthy, withNotices } from "./cluster-state";
import { consoleClient, progress } from "./context";
import type { DiffMore, Props } from "./lifecycle";
import { isNewerGeneration, loadParameters, sameChoice } from "./parameters";
import { invalidateCluster } from "./read-cache";

/**
 * Whether Camunda updates the cluster by itself: auto-update declared on, and honoured (a non-stable channel reports
 * `autoUpdate: false` whatever was asked, noticed in `__notices`). Otherwise a newer declared generation is upgraded
 * to in place.
 */
function updatesItself(autoUpdate: unknown, olds: Props): boolean {
  return autoUpdate !== false && !(Array.isArray(olds.__notices) && olds.__notices.includes("autoUpdate"));
}

/** What only a cluster knows of: a create to wait for still, a generation the API cannot reach in place (a downgrade). */
export async function clusterChanges(olds: Props, news: Props): Promise<DiffMore> {
  const out = { updates: awaiting(olds) ? ["status"] : [], replaces: [] as string[] };
  const known = typeof news.generation === "string" && !isUnknown(news.generation);
  if (!updatesItself(news.autoUpdate, olds) && known && news.generation !== olds.generation && typeof olds.generationId === "string") {
    const params = await loadParameters();
    const channel = params.channels.find((c) => c.uuid === olds.channelId);
    const target = channel?.allowedGenerations.find((g) => sameChoice(news.generation, { uuid: g.uuid, name: g.name }));
    const current = { uuid: olds.generationId, name: String(olds.generationName) };
    if (!channel || !target || !isNewerGeneration(channel, current, target)) {
      progress(`cluster ${JSON.stringify(olds.name)}: generation ${JSON.stringify(news.generation)} cannot be reached in place (the API only upgrades): it is replaced`);
      out.replaces.push("generation");
    }
  }
  return out;
}

export async function updateCluster(id: string, olds: Props, ins: ClusterInputs): Promise<Props> {
  const patch = {
    ...(ins.name !== olds.name ? { name: ins.name } : {}),
    ...((ins.description ?? "") !== (olds.description ?? "") ? { description: ins.description ?? "" } : {}),
    ...(ins.stageLabel !== undefined && ins.stageLabel !== olds.stageLabel ? { stageLabel: ins.stageLabel } : {}),
    ...(ins.hardwarePackages !== undefined && ins.hardwarePackages !== olds.hardwarePackages ? { numberOfAllocatedHwPackages: ins.hardwarePackages } : {}),
  };
  if (ins.stageLabel === undefined && olds.stageLabel !== undefined) {
    progress(`cluster ${JSON.stringify(ins.name)}: the Console API cannot remove a stage label; the cluster keeps ${JSON.stringify(olds.stageLabel)} in the Console, and the stack no longer manages it`);
  }
  if (Object.keys(patch).length > 0) {
    await consoleClient().updateCluster(id, patch);
    invalidateCluster(id);
  }
  try {
    // A newer declared generation: upgraded in place; a create not Healthy in time: waited for.
    const upgraded = !updatesItself(ins.autoUpdate, olds) && ins.generation !== undefined ? await upgradeTo(id, ins) : undefined;
    const keysExpected = ins.encryption === "External";
    const cluster =
      upgraded ?? (awaiting(olds) ? await waitUntilHealthy(id, ins.name, ins.waitTimeoutMinutes, undefined, { keysExpected }) : await consoleClient().getCluster(id));
    // A PATCH may be applied asynchronously: the outputs hold what was asked for.
    return withNotices(clusterOutputs(cluster, ins), cluster, ins, olds);
  } catch (err) {
    if (awaiting(olds) || ins.generation !== undefined) throw await notReadyError(err, id, ins, { ...olds, ...ins }, olds);
    throw err;
  }
}
