/**
 * Changing a cluster: name, description, stage label and hardware packages in place (PATCH); a declared generation
 * newer than the one the cluster runs, when Camunda does not update the cluster by itself, upgraded in place
 * (cluster-state.ts `upgradeTo`), also when an earlier upgrade failed; a declared change to an older one replaces it,
 * and the preview says why; a create that was not Healthy in time is waited for again.
 */
import { isUnknown, type ClusterInputs } from "./inputs";
import { awaiting, clusterOutputs, notReadyError, upgradeTo, waitUntilHealthy, withNotices } from "./cluster-state";
import { consoleClient, progress } from "./context";
import type { DiffMore, Props } from "./lifecycle";
import { isNewerGeneration, loadParameters, sameChoice } from "./parameters";
import { invalidateCluster } from "./read-cache";

/**
 * Whether the cluster's channel ignores `autoUpdate` (the document: on non-stable channels it is ignored; the API then
 * reports `false` whatever was asked, noticed in `__notices`). There, changing it changes nothing: it is recorded only.
 */
export function ignoresAutoUpdate(olds: Props): boolean {
  const noticed = Array.isArray(olds.__notices) && olds.__notices.includes("autoUpdate");
  return noticed || (typeof olds.channelName === "string" && !/^\s*stable\b/i.test(olds.channelName));
}

/**
 * Whether Camunda updates the cluster by itself: auto-update declared on, and honoured (a non-stable channel reports
 * `autoUpdate: false` whatever was asked, noticed in `__notices`). Otherwise a newer declared generation is upgraded
 * to in place.
 */
function updatesItself(autoUpdate: unknown, olds: Props): boolean {
  return autoUpdate !== false && !ignoresAutoUpdate(olds);
}

/**
 * What only a cluster knows of: a create to wait for still; with auto-update off, the declared generation against the
 * one the cluster runs (recorded at the last up or refresh): newer is an upgrade in place (a failed one stays
 * planned), the same is no change however it is spelled, older is a replacement only when the declaration changed
 * (a cluster upgraded in the Console beyond what is declared is said, never replaced for it).
 */
export async function clusterChanges(olds: Props, news: Props): Promise<DiffMore> {
  const out: Required<DiffMore> = { updates: awaiting(olds) ? ["status"] : [], replaces: [] };
  if (typeof news.autoUpdate === "boolean" && news.autoUpdate !== olds.autoUpdate && ignoresAutoUpdate(olds)) out.updates.push("autoUpdate");
  const wanted = news.generation;
  if (typeof wanted !== "string" || isUnknown(wanted) || updatesItself(news.autoUpdate, olds) || typeof olds.generationId !== "string") return out;
  const current = { uuid: olds.generationId, name: String(olds.generationName) };
  if (sameChoice(wanted, current)) return out;
  const params = await loadParameters();
  const channel = params.channels.find((c) => c.uuid === olds.channelId);
  const find = (g: unknown) => channel?.allowedGenerations.find((x) => sameChoice(g, { uuid: x.uuid, name: x.name }));
  const target = find(wanted);
  if (channel && target && isNewerGeneration(channel, current, target)) {
    out.updates.push("generation");
    return out;
  }
  const before = find(olds.generation);
  const declaredChanged = olds.generation === undefined || (before && target ? before.uuid !== target.uuid : wanted !== olds.generation);
  const label = `cluster ${JSON.stringify(olds.name)}`;
  if (declaredChanged) {
    progress(`${label}: generation ${JSON.stringify(wanted)} cannot be reached in place from ${current.name} (the API only upgrades): it is replaced`);
    out.replaces.push("generation");
  } else {
    progress(`${label} runs ${current.name}, newer than the declared ${JSON.stringify(wanted)} (upgraded in the Console?): the API cannot go back, so nothing is done; declare ${JSON.stringify(current.name)}`);
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
