/**
 * Creating a cluster: its region, plan, channel and generation resolved from names, and the create journalled
 * (recovery.ts), so that an interrupted run's cluster is adopted — only one that matches the declaration, did not exist
 * before, appeared within the create's time and nobody else claims — and no other is ever taken.
 */
import { idsNamed, unreadableError, type Listing } from "../http/console-client";
import type { Cluster, CreateClusterBody } from "../schemas/api";
import { consoleClient, progress } from "./context";
import { isNotFound } from "./errors";
import type { ClusterInputs } from "./inputs";
import { loadParameters, resolveParameters, type ParameterChoice, type ResolvedParameters } from "./parameters";
import { clusterOutputs, notReadyError, waitUntilHealthy, withNotices } from "./cluster-state";
import type { CreateContext, Props } from "./lifecycle";
import { coalesced, invalidateCluster } from "./read-cache";
import { INTENT_WINDOW_MS, recoverableCreate, type Ownership } from "./recovery";

export function choiceOf(inputs: ClusterInputs): ParameterChoice {
  return { region: inputs.region, plan: inputs.plan, channel: inputs.channel, generation: inputs.generation };
}

export async function resolveOrThrow(inputs: ClusterInputs): Promise<ResolvedParameters> {
  const result = resolveParameters(await loadParameters(), choiceOf(inputs));
  if (!result.resolved) throw new Error(result.failures.map((f) => f.reason).join("\n"));
  return result.resolved;
}

/** The parts of a cluster the declaration fixes: a candidate for adoption must match all of them. */
function declarationOf(body: { name: string; regionId: string; planTypeId: string; channelId: string }): Record<string, string> {
  return { name: body.name, regionId: body.regionId, planTypeId: body.planTypeId, channelId: body.channelId };
}

function matches(c: Cluster, d: Record<string, string>): boolean {
  return c.name === d.name && c.region.uuid === d.regionId && c.planType.uuid === d.planTypeId && c.channel.uuid === d.channelId;
}

/**
 * Created at or after `since` and, when `until` is given, not after it (both by the service's clock; 5 s of slack for
 * the Date header's 1 s resolution).
 */
function createdWithin(c: Cluster, since: number, until?: number): boolean {
  const t = typeof c.created === "string" ? Date.parse(c.created) : NaN;
  return t >= since - 5_000 && (until === undefined || t <= until + 5_000);
}

/**
 * Creates the cluster, or adopts the one an interrupted run of this very resource created (recovery.ts): by the id
 * it journalled, or, when it died before the Console API's answer arrived, the one cluster matching the declaration
 * that appeared since its intent and that nobody else can claim.
 */
export async function createOrRecover(body: CreateClusterBody, owned: Ownership | undefined): Promise<{ clusterId: string; recovered: boolean }> {
  const client = consoleClient();
  const declaration = declarationOf(body);
  const { result, recovered } = await recoverableCreate<string>({
    kind: "cluster",
    ownership: owned,
    declaration,
    // Same-named clusters the provider cannot read count too: they existed before, so they are never this resource's.
    snapshot: async () => idsNamed(await listClustersCached(), body.name, (c) => c.uuid),
    recover: async (pending, isOurs) => {
      // An intent without an id: only a cluster created within the time its create could take can be that run's.
      const accept = (c: Cluster) =>
        matches(c, declaration) && createdWithin(c, pending.at, pending.id ? undefined : pending.at + INTENT_WINDOW_MS) && isOurs(c.uuid);
      if (pending.id) {
        try {
          const c = await client.getCluster(pending.id);
          return accept(c) ? c.uuid : undefined;
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      }
      const listed = await client.listClusters();
      // One that cannot be read could be that run's: creating again could make a duplicate.
      if (listed.unreadable.some((c) => c.name === body.name)) throw unreadableError(`a cluster named ${JSON.stringify(body.name)}`);
      const candidates = listed.filter(accept);
      if (candidates.length > 1) {
        progress(
          `an interrupted run may have created one of the clusters ${candidates.map((c) => c.uuid).join(", ")} for cluster ` +
            `${JSON.stringify(body.name)}; none is adopted (which one is not certain): delete the one nothing uses in the Console`,
        );
      }
      return candidates.length === 1 ? candidates[0].uuid : undefined;
    },
    create: async (isOurs) => {
      const since = client.serverNow();
      return (await client.createCluster(body, (c) => matches(c, declaration) && createdWithin(c, since) && isOurs(c.uuid))).clusterId;
    },
    idOf: (id) => id,
  });
  return { clusterId: result, recovered };
}

function listClustersCached(): Promise<Listing<Cluster>> {
  return coalesced("clusters", () => consoleClient().listClusters());
}

/** The create: resolved names, journalled, then waited for (a BYOK cluster only until it waits for its keys). */
export async function createCluster(ins: ClusterInputs, { ownership, raw }: CreateContext): Promise<{ id: string; outs: Props }> {
  const resolved = await resolveOrThrow(ins);
  const { clusterId, recovered } = await createOrRecover(
    {
      name: ins.name,
      regionId: resolved.region.uuid,
      planTypeId: resolved.plan.uuid,
      channelId: resolved.channel.uuid,
      generationId: resolved.generation.uuid,
      autoUpdate: ins.autoUpdate,
      ...(ins.description ? { description: ins.description } : {}),
      ...(ins.stageLabel ? { stageLabel: ins.stageLabel } : {}),
      ...(ins.hardwarePackages ? { hardwarePackages: ins.hardwarePackages } : {}),
      ...(ins.encryption ? { encryption: ins.encryption } : {}),
    },
    ownership,
  );
  const adopted = `cluster ${JSON.stringify(ins.name)} (${clusterId}) was created by an interrupted run of this resource: adopting it`;
  progress(recovered ? adopted : `cluster ${JSON.stringify(ins.name)} created (${clusterId}); waiting until it is Healthy`);
  invalidateCluster(clusterId);
  try {
    const cluster = await waitUntilHealthy(clusterId, ins.name, ins.waitTimeoutMinutes, undefined, { keysExpected: ins.encryption === "External" });
    return { id: clusterId, outs: withNotices(clusterOutputs(cluster, ins), cluster, ins, {}) };
  } catch (err) {
    throw await notReadyError(err, clusterId, ins, raw); // kept in the stack: the next up goes on waiting
  }
}
