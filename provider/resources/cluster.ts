/**
 * Dynamic provider of `camunda.Cluster`. Creates a cluster and waits until it is Healthy, updates name,
 * description and stage label in place (PATCH) and replaces on region, plan, channel or auto-update changes
 * (and on generation changes when auto-update is off). Id: the cluster's uuid.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Cluster } from "../schemas/api";
import { zeebeAddressWithPort } from "./bundle";
import { ignoreNotFound, isNotFound } from "./errors";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient, journalScope, progress } from "./context";
import { journalClear, journalForget, journalInterrupted, journalRecord, type JournalScope } from "./journal";
import { CamundaApiError } from "../errors";
import { CLUSTER_STAGES, clusterInputsSchema, isUnknown, type ClusterInputs } from "./inputs";
import { loadParameters, resolveParameters, sameChoice, type ParameterChoice, type ResolvedParameters } from "./parameters";
import { coalesced, invalidateCluster } from "./read-cache";

export interface ClusterOutputs {
  name: string;
  description?: string;
  stageLabel?: string;
  region: string;
  plan: string;
  channel: string;
  generation?: string;
  autoUpdate: boolean;
  waitTimeoutMinutes: number;
  regionId: string;
  regionName: string;
  planTypeId: string;
  planTypeName: string;
  channelId: string;
  channelName: string;
  generationId: string;
  generationName: string;
  status: string;
  links: Record<string, string>;
  zeebeAddress: string;
}

type Props = Record<string, unknown>;

const POLL_MIN_MS = Number(process.env.PULUMI_CAMUNDA_POLL_MS ?? 1000);
/** Poll every POLL_MIN_MS for the first FAST_POLL_MS (clusters are often ready within a minute), then back off. */
const FAST_POLL_MS = 60_000;
const POLL_MAX_MS = 5_000;

export function readClusterCached(clusterId: string): Promise<Cluster> {
  return coalesced(`cluster:${clusterId}`, () => consoleClient().getCluster(clusterId));
}

function statusOf(cluster: Cluster): string {
  const s = cluster.status as { ready?: string } | undefined;
  return s?.ready ?? "Unknown";
}

function linksOf(cluster: Cluster): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((cluster.links ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** The outputs for a cluster as the API reports it, keeping the user's own spelling of inputs. */
export function clusterOutputs(cluster: Cluster, inputs: Partial<ClusterInputs>): ClusterOutputs {
  const links = linksOf(cluster);
  return {
    name: cluster.name,
    ...(cluster.description !== undefined && cluster.description !== "" ? { description: cluster.description } : {}),
    ...(stageOf(cluster) ? { stageLabel: stageOf(cluster) } : {}),
    region: (inputs.region as string | undefined) ?? cluster.region.name,
    plan: (inputs.plan as string | undefined) ?? cluster.planType.name,
    channel: (inputs.channel as string | undefined) ?? cluster.channel.name,
    ...(inputs.generation !== undefined ? { generation: inputs.generation as string } : {}),
    autoUpdate: (cluster.autoUpdate as boolean | undefined) ?? (inputs.autoUpdate as boolean | undefined) ?? true,
    waitTimeoutMinutes: (inputs.waitTimeoutMinutes as number | undefined) ?? 30,
    regionId: cluster.region.uuid,
    regionName: cluster.region.name,
    planTypeId: cluster.planType.uuid,
    planTypeName: cluster.planType.name,
    channelId: cluster.channel.uuid,
    channelName: cluster.channel.name,
    generationId: cluster.generation.uuid,
    generationName: cluster.generation.name,
    status: statusOf(cluster),
    links,
    zeebeAddress: zeebeAddressWithPort(links.zeebe),
  };
}

function stageOf(cluster: Cluster): string | undefined {
  return cluster.labels?.find((l) => (CLUSTER_STAGES as readonly string[]).includes(l));
}

async function waitUntilHealthy(clusterId: string, name: string, timeoutMinutes: number): Promise<Cluster> {
  const started = Date.now();
  const deadline = started + timeoutMinutes * 60_000;
  let delay = POLL_MIN_MS;
  let lastReport = started;
  for (;;) {
    const cluster = await consoleClient().getCluster(clusterId);
    const status = statusOf(cluster);
    if (status === "Healthy") return cluster;
    const now = Date.now();
    if (now >= deadline) {
      throw Object.assign(
        new Error(
          `Cluster ${JSON.stringify(name)} (${clusterId}) is still ${status} after ${timeoutMinutes} minutes. ` +
            "It was created and is kept in the stack: run `pulumi up` again to keep waiting, or raise waitTimeoutMinutes.",
        ),
        { status },
      );
    }
    if (now - lastReport >= 30_000) {
      progress(`cluster ${JSON.stringify(name)} is ${status} (${Math.round((now - started) / 1000)} s elapsed)`);
      lastReport = now;
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, deadline - now)));
    if (now - started >= FAST_POLL_MS) delay = Math.min(delay * 1.5, POLL_MAX_MS);
  }
}

function choiceOf(inputs: ClusterInputs): ParameterChoice {
  return {
    region: inputs.region as string,
    plan: inputs.plan as string,
    channel: inputs.channel as string,
    generation: inputs.generation as string | undefined,
  };
}

async function resolveOrThrow(inputs: ClusterInputs): Promise<ResolvedParameters> {
  const result = resolveParameters(await loadParameters(), choiceOf(inputs));
  if (!result.resolved) throw new Error(result.failures.map((f) => f.reason).join("\n"));
  return result.resolved;
}

/**
 * The cluster an interrupted run of this program created for the same declaration, if any: by the id it journalled,
 * or, when it died before the Console API's answer arrived, the one cluster of that name created since its intent.
 */
async function adoptInterrupted(scope: JournalScope, identity: string[]): Promise<string | undefined> {
  const pending = journalInterrupted(scope, "cluster", identity);
  if (!pending) return undefined;
  if (pending.id) {
    try {
      await consoleClient().getCluster(pending.id);
      return pending.id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      journalClear(scope, "cluster", identity);
      return undefined;
    }
  }
  const since = pending.at - 60_000;
  const candidates = (await consoleClient().listClusters()).filter(
    (c) => c.name === identity[0] && c.region.uuid === identity[1] && c.created !== undefined && Date.parse(c.created) >= since,
  );
  if (candidates.length !== 1) journalClear(scope, "cluster", identity);
  return candidates.length === 1 ? candidates[0].uuid : undefined;
}

/** The engine recorded this cluster: its create journal entry is no longer needed. */
function recorded(id: string, props: Props): void {
  journalForget(journalScope(), "cluster", [props.name, props.regionId, props.planTypeId, props.channelId], id);
}

const REPLACE_KEYS = ["region", "plan", "channel"] as const;
const STORED: Record<(typeof REPLACE_KEYS)[number], [string, string]> = {
  region: ["regionId", "regionName"],
  plan: ["planTypeId", "planTypeName"],
  channel: ["channelId", "channelName"],
};

export const clusterProvider = {
  async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configure(req);
  },

  async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const checked = checkInputs(clusterInputsSchema, "Cluster", news);
    if (checked.failures?.length) return checked;
    const inputs = checked.inputs as ClusterInputs;
    // Resolve names against the API only when they changed, so that a no-change preview makes no request.
    const keys = ["region", "plan", "channel", "generation"] as const;
    const anyUnknown = keys.some((k) => isUnknown(inputs[k]));
    const changed = keys.some((k) => inputs[k] !== olds[k]);
    if (changed && !anyUnknown) {
      const r = resolveParameters(await loadParameters(), choiceOf(inputs));
      if (r.failures.length) return { inputs: news, failures: r.failures };
    }
    return checked;
  },

  async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    recorded(id, olds);
    const replaces: string[] = [];
    const updates: string[] = [];
    for (const key of REPLACE_KEYS) {
      const [idKey, nameKey] = STORED[key];
      if (isUnknown(news[key]) || !sameChoice(news[key], { input: olds[key], uuid: olds[idKey], name: olds[nameKey] })) {
        replaces.push(key);
      }
    }
    const autoUpdate = news.autoUpdate ?? true;
    if (autoUpdate !== (olds.autoUpdate ?? true)) replaces.push("autoUpdate");
    if (autoUpdate === false && news.generation !== undefined) {
      if (
        isUnknown(news.generation) ||
        !sameChoice(news.generation, { input: olds.generation, uuid: olds.generationId, name: olds.generationName })
      ) {
        replaces.push("generation");
      }
    } else if (news.generation !== olds.generation) {
      updates.push("generation"); // remembered only: with auto-update on, Camunda moves the generation itself
    }
    for (const key of ["name", "description", "stageLabel", "waitTimeoutMinutes"] as const) {
      const wanted = news[key] ?? (key === "waitTimeoutMinutes" ? 30 : undefined);
      if (isUnknown(wanted) || (wanted ?? "") !== (olds[key] ?? "")) updates.push(key);
    }
    return {
      changes: replaces.length > 0 || updates.length > 0,
      replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const v = { inputs: parseInputs(clusterInputsSchema, "Cluster", inputs) };
    const ins = v.inputs;
    const resolved = await resolveOrThrow(ins);
    const body = {
      name: ins.name as string,
      regionId: resolved.region.uuid,
      planTypeId: resolved.plan.uuid,
      channelId: resolved.channel.uuid,
      generationId: resolved.generation.uuid,
      autoUpdate: ins.autoUpdate as boolean,
      ...(ins.description ? { description: ins.description as string } : {}),
      ...(ins.stageLabel ? { stageLabel: ins.stageLabel as "dev" | "test" | "stage" | "prod" } : {}),
    };
    // A cluster an interrupted run created for this very declaration is adopted rather than created again.
    const scope = journalScope();
    const identity = [body.name, body.regionId, body.planTypeId, body.channelId];
    const client = consoleClient();
    let clusterId = await adoptInterrupted(scope, identity);
    if (clusterId) {
      // Claimed by this run now: another create of the same declaration in this run makes its own cluster.
      journalRecord(scope, "cluster", identity, { id: clusterId, at: client.serverNow() });
      progress(`cluster ${JSON.stringify(ins.name)} (${clusterId}) was created by an interrupted run: adopting it`);
    } else {
      journalRecord(scope, "cluster", identity, { at: client.serverNow() });
      try {
        clusterId = (await client.createCluster(body)).clusterId;
      } catch (err) {
        if (err instanceof CamundaApiError && err.status >= 400 && err.status < 500) journalClear(scope, "cluster", identity);
        throw err;
      }
      journalRecord(scope, "cluster", identity, { id: clusterId, at: client.serverNow() });
      progress(`cluster ${JSON.stringify(ins.name)} created (${clusterId}); waiting until it is Healthy`);
    }
    invalidateCluster(clusterId);
    try {
      const cluster = await waitUntilHealthy(clusterId, ins.name as string, ins.waitTimeoutMinutes as number);
      return { id: clusterId, outs: { ...clusterOutputs(cluster, ins) } };
    } catch (err) {
      // Created but not ready: keep it in the stack so that nothing is orphaned; the next up retries.
      let outs: Props = { name: ins.name, region: ins.region, plan: ins.plan, channel: ins.channel, status: "Creating" };
      try {
        outs = { ...clusterOutputs(await consoleClient().getCluster(clusterId), ins) };
      } catch {
        // keep the minimal outputs
      }
      throw Object.assign(new Error((err as Error).message), {
        id: clusterId,
        properties: { ...outs, __provider: inputs.__provider },
        reasons: [(err as Error).message],
      });
    }
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    recorded(id, props);
    try {
      const cluster = await readClusterCached(id);
      return { id, props: { ...clusterOutputs(cluster, props as Partial<ClusterInputs>) } };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    recorded(id, olds);
    const v = { inputs: parseInputs(clusterInputsSchema, "Cluster", news) };
    const ins = v.inputs;
    const patch: { name?: string; description?: string; stageLabel?: "dev" | "test" | "stage" | "prod" } = {};
    if (ins.name !== olds.name) patch.name = ins.name as string;
    if ((ins.description ?? "") !== (olds.description ?? "")) patch.description = (ins.description as string | undefined) ?? "";
    if (ins.stageLabel !== undefined && ins.stageLabel !== olds.stageLabel) {
      patch.stageLabel = ins.stageLabel as "dev" | "test" | "stage" | "prod";
    }
    if (Object.keys(patch).length > 0) {
      await consoleClient().updateCluster(id, patch);
      invalidateCluster(id);
    }
    let cluster: Cluster | undefined;
    try {
      cluster = await consoleClient().getCluster(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!cluster) throw new Error(`Cluster ${id} no longer exists: run \`pulumi refresh\` and then \`pulumi up\` to create it again.`);
    const outs = clusterOutputs(cluster, ins);
    // PATCH may be applied asynchronously: report what was asked for.
    return { outs: { ...outs, ...patch } };
  },

  async delete(id: string, props: Props): Promise<void> {
    recorded(id, props);
    await ignoreNotFound(() => consoleClient().deleteCluster(id));
    invalidateCluster(id);
  },
};
