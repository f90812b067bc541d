/**
 * Dynamic provider of `camunda.Cluster`. Creates a cluster and waits until it is Healthy, updates name,
 * description and stage label in place (PATCH) and replaces on region, plan, channel or auto-update changes
 * (and on generation changes when auto-update is off). Id: the cluster's uuid.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { Cluster } from "../schemas/api";
import { zeebeAddressWithPort } from "./bundle";
import { ignoreNotFound, isNotFound, readOrConfirmGone } from "./errors";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient, progress } from "./context";
import type { CreateClusterBody } from "../schemas/api";
import { ownerProps, ownershipOf, recorded, refreshedInputs } from "./ownership";
import { INTENT_WINDOW_MS, recoverableCreate, type Ownership } from "./recovery";
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

/**
 * The outputs of a cluster: what the user declared (`declared`: the fields `diff` compares with the next inputs, in
 * the user's own spelling) beside what the API reports (ids, names, status, links). Representation quirks of the API
 * never reach the declared fields: a non-stable channel reports `autoUpdate: false` whatever was asked, `labels` and
 * `description` may not come back at all.
 */
export function clusterOutputs(cluster: Cluster, declared: Partial<ClusterInputs>): ClusterOutputs {
  const links = linksOf(cluster);
  return {
    name: (declared.name as string | undefined) ?? cluster.name,
    ...(declared.description !== undefined && declared.description !== "" ? { description: declared.description as string } : {}),
    ...(declared.stageLabel !== undefined ? { stageLabel: declared.stageLabel as string } : {}),
    region: (declared.region as string | undefined) ?? cluster.region.name,
    plan: (declared.plan as string | undefined) ?? cluster.planType.name,
    channel: (declared.channel as string | undefined) ?? cluster.channel.name,
    ...(declared.generation !== undefined ? { generation: declared.generation as string } : {}),
    autoUpdate: (declared.autoUpdate as boolean | undefined) ?? cluster.autoUpdate ?? true,
    waitTimeoutMinutes: (declared.waitTimeoutMinutes as number | undefined) ?? 30,
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

/**
 * The declared fields as a refresh finds them: a value the API shows replaces the recorded one (out-of-band drift,
 * which the next `up` repairs); a value it does not show (no `description` field, no `labels`) keeps the recorded one.
 * The stage label is compared only while the user declares one: the API cannot remove a stage label, so a program
 * that no longer declares it stops managing it. Without a record (a `get`), everything comes from the API.
 */
function refreshedDeclaration(cluster: Cluster, old: Props): Partial<ClusterInputs> {
  if (typeof old.name !== "string") {
    return {
      name: cluster.name,
      ...(cluster.description ? { description: cluster.description } : {}),
      ...(stageOf(cluster) ? { stageLabel: stageOf(cluster) as ClusterInputs["stageLabel"] } : {}),
    };
  }
  const shown = (key: string) => Object.prototype.hasOwnProperty.call(cluster, key) && (cluster as Props)[key] !== null;
  const declared = old as Partial<ClusterInputs>;
  return {
    ...declared,
    name: cluster.name,
    description: shown("description") ? cluster.description || undefined : declared.description,
    stageLabel:
      declared.stageLabel !== undefined && Array.isArray(cluster.labels)
        ? (stageOf(cluster) as ClusterInputs["stageLabel"] | undefined)
        : declared.stageLabel,
  };
}

/**
 * What the user declared that the API does not show back (said once: when it first appears), e.g. a stage label on
 * a service that returns no `labels`, or `autoUpdate` on a channel that ignores it.
 */
function notices(cluster: Cluster, declared: Partial<ClusterInputs>): string[] {
  const out: string[] = [];
  if (declared.stageLabel !== undefined && !Array.isArray(cluster.labels)) out.push("stageLabel");
  if (declared.description && !(typeof cluster.description === "string")) out.push("description");
  if (declared.autoUpdate === true && cluster.autoUpdate === false) out.push("autoUpdate");
  return out;
}

const NOTICE_TEXT: Record<string, string> = {
  stageLabel: "the Console API does not return the stage label: it is set, but a change made in the Console cannot be detected",
  description: "the Console API does not return the description: it is set, but a change made in the Console cannot be detected",
  autoUpdate: "the Console API reports autoUpdate false: automatic updates are ignored on this channel (only Stable honours them)",
};

/** The outputs with the notices recorded (`__notices`), saying the new ones once. */
function withNotices(outs: ClusterOutputs, cluster: Cluster, declared: Partial<ClusterInputs>, old: Props): Props {
  const now = notices(cluster, declared);
  const before = Array.isArray(old.__notices) ? (old.__notices as unknown[]) : [];
  for (const n of now) if (!before.includes(n)) progress(`cluster ${JSON.stringify(outs.name)}: ${NOTICE_TEXT[n]}`);
  return { ...outs, ...(now.length ? { __notices: now } : {}) };
}

function stageOf(cluster: Cluster): string | undefined {
  return cluster.labels?.find((l) => (CLUSTER_STAGES as readonly string[]).includes(l));
}

/** Whether a create or update left the cluster not Healthy in time (older versions recorded only the status). */
function awaiting(olds: Props): boolean {
  return olds.__awaiting === true || olds.status === "Creating";
}

/** States a cluster leaves by itself: waiting is worth it. */
const TRANSIENT = new Set(["Creating", "Updating", "Resuming", "Maintenance", "Unhealthy"]);
/** States waiting will not end: the user must act (e.g. supply an external encryption key). */
const NEEDS_ACTION: Record<string, string> = {
  WaitingForInput: "it waits for input in the Console (for example an external encryption key): provide it there, then run `pulumi up` again",
};
/** How long a cluster that was just created may still answer 404 (the service is eventually consistent). */
const NOT_FOUND_GRACE_MS = 30_000;

/**
 * Waits until the cluster is Healthy: polls the states it leaves by itself, wakes a Suspended cluster (once), fails at
 * once on a state that waiting does not end, and tolerates a 404 for a short while after the create. A timeout keeps
 * the cluster in the stack: the next `pulumi up` goes on waiting.
 */
async function waitUntilHealthy(clusterId: string, name: string, timeoutMinutes: number): Promise<Cluster> {
  const started = Date.now();
  const deadline = started + timeoutMinutes * 60_000;
  let delay = POLL_MIN_MS;
  let lastReport = started;
  let woken = false;
  for (;;) {
    let cluster: Cluster | undefined;
    try {
      cluster = await consoleClient().getCluster(clusterId);
    } catch (err) {
      if (!isNotFound(err) || Date.now() - started > NOT_FOUND_GRACE_MS) throw err;
    }
    const status = cluster ? statusOf(cluster) : "not visible yet";
    if (cluster && status === "Healthy") return cluster;
    if (cluster && NEEDS_ACTION[status]) {
      throw new Error(`Cluster ${JSON.stringify(name)} (${clusterId}) is ${status}: ${NEEDS_ACTION[status]}.`);
    }
    if (cluster && status === "Suspended" && !woken) {
      progress(`cluster ${JSON.stringify(name)} is Suspended (paused): waking it`);
      await consoleClient().wakeCluster(clusterId);
      woken = true;
    } else if (cluster && !TRANSIENT.has(status) && status !== "Suspended") {
      progress(`cluster ${JSON.stringify(name)} reports the unexpected status ${JSON.stringify(status)}; waiting for Healthy`);
    }
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

/**
 * The error `create`/`update` throw for a cluster that exists but was not Healthy in time: the engine keeps it in the
 * stack with these outputs ("created, failed to initialize") and calls `update` on the next `up`, which goes on
 * waiting (`__awaiting`). The outputs keep every declared field (from `fallback`, the previous outputs, when the
 * cluster cannot be read either), so that nothing looks changed to the next diff.
 */
async function notReadyError(err: unknown, clusterId: string, ins: ClusterInputs, inputs: Props, fallback: Props = {}): Promise<Error> {
  let outs: Props;
  try {
    outs = { ...clusterOutputs(await consoleClient().getCluster(clusterId), ins) };
  } catch {
    outs = { ...fallback, ...ins, status: typeof fallback.status === "string" ? fallback.status : "Creating" };
  }
  delete outs.__provider;
  return Object.assign(new Error((err as Error).message), {
    id: clusterId,
    properties: { ...outs, __awaiting: true, ...ownerProps(inputs), __provider: inputs.__provider },
    reasons: [(err as Error).message],
  });
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
  const t = c.created === undefined ? NaN : Date.parse(c.created);
  return t >= since - 5_000 && (until === undefined || t <= until + 5_000);
}

/**
 * Creates the cluster, or adopts the one an interrupted run of this very resource created (recovery.ts): by the id
 * it journalled, or, when it died before the Console API's answer arrived, the one cluster matching the declaration
 * that appeared since its intent and that nobody else can claim.
 */
async function createOrRecover(body: CreateClusterBody, owned: Ownership | undefined): Promise<{ clusterId: string; recovered: boolean }> {
  const client = consoleClient();
  const declaration = declarationOf(body);
  const { result, recovered } = await recoverableCreate<string>({
    kind: "cluster",
    ownership: owned,
    declaration,
    now: () => client.serverNow(),
    snapshot: async () => (await listClustersCached()).filter((c) => c.name === body.name).map((c) => c.uuid),
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
      const candidates = (await client.listClusters()).filter(accept);
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

function listClustersCached(): Promise<Cluster[]> {
  return coalesced("clusters", () => consoleClient().listClusters());
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
    recorded("cluster", id, olds);
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
    // A create that was not Healthy in time: the next up goes on waiting for the cluster (in update).
    if (awaiting(olds)) updates.push("status");
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
    const { clusterId, recovered } = await createOrRecover(body, ownershipOf(inputs));
    progress(
      recovered
        ? `cluster ${JSON.stringify(ins.name)} (${clusterId}) was created by an interrupted run of this resource: adopting it`
        : `cluster ${JSON.stringify(ins.name)} created (${clusterId}); waiting until it is Healthy`,
    );
    invalidateCluster(clusterId);
    try {
      const cluster = await waitUntilHealthy(clusterId, ins.name as string, ins.waitTimeoutMinutes as number);
      return { id: clusterId, outs: { ...withNotices(clusterOutputs(cluster, ins), cluster, ins, {}), ...ownerProps(inputs) } };
    } catch (err) {
      // Created but not ready: keep it in the stack so that nothing is orphaned; the next up goes on waiting.
      throw await notReadyError(err, clusterId, ins, inputs);
    }
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    recorded("cluster", id, props);
    try {
      const cluster = await readOrConfirmGone(() => readClusterCached(id), () => consoleClient().getCluster(id));
      const declared = refreshedDeclaration(cluster, props);
      // Still not Healthy after a create that was not in time: the next up goes on waiting.
      const stillAwaiting = props.__awaiting === true && statusOf(cluster) !== "Healthy" ? { __awaiting: true } : {};
      const outs = { ...withNotices(clusterOutputs(cluster, declared), cluster, declared, props), ...stillAwaiting, ...ownerProps(props) };
      const inputs = refreshedInputs(clusterInputsSchema, outs, props);
      return { id, props: outs, ...(inputs ? { inputs } : {}) };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    recorded("cluster", id, olds);
    const v = { inputs: parseInputs(clusterInputsSchema, "Cluster", news) };
    const ins = v.inputs;
    const patch: { name?: string; description?: string; stageLabel?: "dev" | "test" | "stage" | "prod" } = {};
    if (ins.name !== olds.name) patch.name = ins.name as string;
    if ((ins.description ?? "") !== (olds.description ?? "")) patch.description = (ins.description as string | undefined) ?? "";
    if (ins.stageLabel !== undefined && ins.stageLabel !== olds.stageLabel) {
      patch.stageLabel = ins.stageLabel as "dev" | "test" | "stage" | "prod";
    } else if (ins.stageLabel === undefined && olds.stageLabel !== undefined) {
      progress(
        `cluster ${JSON.stringify(ins.name)}: the Console API cannot remove a stage label; the cluster keeps ` +
          `${JSON.stringify(olds.stageLabel)} in the Console, and the stack no longer manages it`,
      );
    }
    if (Object.keys(patch).length > 0) {
      await consoleClient().updateCluster(id, patch);
      invalidateCluster(id);
    }
    let cluster: Cluster | undefined;
    if (awaiting(olds)) {
      // A create (or update) that was not Healthy in time: go on waiting, and keep waiting on the next up if need be.
      try {
        cluster = await waitUntilHealthy(id, ins.name as string, ins.waitTimeoutMinutes as number);
      } catch (err) {
        throw await notReadyError(err, id, ins, news, olds);
      }
    } else {
      try {
        cluster = await consoleClient().getCluster(id);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (!cluster) throw new Error(`Cluster ${id} no longer exists: run \`pulumi refresh\` and then \`pulumi up\` to create it again.`);
    // PATCH may be applied asynchronously: the outputs hold what was asked for.
    return { outs: { ...withNotices(clusterOutputs(cluster, ins), cluster, ins, olds), ...ownerProps(news) } };
  },

  async delete(id: string, props: Props): Promise<void> {
    recorded("cluster", id, props);
    await ignoreNotFound(() => consoleClient().deleteCluster(id));
    invalidateCluster(id);
  },
};
