/**
 * A cluster's outputs and states: what the user declared beside what the API reports (convergence: the declared
 * fields are what `diff` compares, representation quirks never reach them), the notices said once, and the wait until
 * it is Healthy across every state the API knows.
 */
import type { Cluster } from "../schemas/api";
import { zeebeAddressWithPort } from "./bundle";
import { consoleClient, progress } from "./context";
import { isNotFound } from "./errors";
import { z } from "zod";
import { CLUSTER_STAGES, clusterInputsSchema, type ClusterInputs } from "./inputs";
import { keptInStack } from "./lifecycle";
import { CamundaApiError } from "../errors";
import { isAmbiguous } from "../http/console-client";
import { isNewerGeneration, loadParameters, resolveParameters } from "./parameters";
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
  hardwarePackages?: number;
  encryption?: string;
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

/** Read at run time (the serialized provider captures no setting). */
const pollMinMs = () => Number(process.env.PULUMI_CAMUNDA_POLL_MS ?? 1000);
/** Poll every pollMinMs() for the first FAST_POLL_MS (clusters are often ready within a minute), then back off. */
const FAST_POLL_MS = 60_000;
const POLL_MAX_MS = 5_000;

export function readClusterCached(clusterId: string): Promise<Cluster> {
  return coalesced(`cluster:${clusterId}`, () => consoleClient().getCluster(clusterId));
}

export function statusOf(cluster: Cluster): string {
  const s = cluster.status as { ready?: string } | undefined;
  return s?.ready ?? "Unknown";
}

export function linksOf(cluster: Cluster): Record<string, string> {
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
    name: declared.name ?? cluster.name,
    ...(declared.description !== undefined ? { description: declared.description } : {}),
    ...(declared.stageLabel !== undefined ? { stageLabel: declared.stageLabel } : {}),
    region: declared.region ?? cluster.region.name,
    plan: declared.plan ?? cluster.planType.name,
    channel: declared.channel ?? cluster.channel.name,
    ...(declared.generation !== undefined ? { generation: declared.generation } : {}),
    autoUpdate: declared.autoUpdate ?? cluster.autoUpdate ?? true,
    ...(declared.hardwarePackages !== undefined ? { hardwarePackages: declared.hardwarePackages } : {}),
    ...(declared.encryption !== undefined ? { encryption: declared.encryption } : {}),
    waitTimeoutMinutes: declared.waitTimeoutMinutes ?? 30,
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
export function refreshedDeclaration(cluster: Cluster, old: Props): Partial<ClusterInputs> {
  if (typeof old.name !== "string") {
    return {
      name: cluster.name,
      ...(cluster.description ? { description: cluster.description } : {}),
      ...(stageOf(cluster) ? { stageLabel: stageOf(cluster) } : {}),
    };
  }
  const declared = declaredOf(old);
  return {
    ...declared,
    name: cluster.name,
    // Shown only as a string: absent, `null` or another type is "not shown", never drift.
    // An empty description is none; declared as "", it stays "" (the refreshed inputs then equal the checked ones).
    description: typeof cluster.description === "string" ? cluster.description || (declared.description === "" ? "" : undefined) : declared.description,
    stageLabel:
      declared.stageLabel !== undefined && Array.isArray(cluster.labels)
        ? stageOf(cluster)
        : declared.stageLabel,
  };
}

/**
 * What the user declared that the API does not show back (said once: when it first appears), e.g. a stage label on
 * a service that returns no `labels`, or `autoUpdate` on a channel that ignores it.
 */
export function notices(cluster: Cluster, declared: Partial<ClusterInputs>): string[] {
  const out: string[] = [];
  if (declared.stageLabel !== undefined && !Array.isArray(cluster.labels)) out.push("stageLabel");
  if (declared.description && !(typeof cluster.description === "string")) out.push("description");
  if (declared.autoUpdate === true && cluster.autoUpdate === false) out.push("autoUpdate");
  if (declared.hardwarePackages !== undefined) out.push("hardwarePackages");
  return out;
}

const NOTICE_TEXT: Record<string, string> = {
  stageLabel: "the Console API does not return the stage label: it is set, but a change made in the Console cannot be detected",
  description: "the Console API does not return the description: it is set, but a change made in the Console cannot be detected",
  autoUpdate: "the Console API reports autoUpdate false: automatic updates are ignored on this channel (only Stable honours them)",
  hardwarePackages: "the Console API does not return the hardware packages: they are set, but a change made in the Console cannot be detected",
};

/** The outputs with the notices recorded (`__notices`), saying the new ones once. */
export function withNotices(outs: ClusterOutputs, cluster: Cluster, declared: Partial<ClusterInputs>, old: Props): Props {
  const now = notices(cluster, declared);
  const before = Array.isArray(old.__notices) ? (old.__notices as unknown[]) : [];
  for (const n of now) if (!before.includes(n)) progress(`cluster ${JSON.stringify(outs.name)}: ${NOTICE_TEXT[n]}`);
  return { ...outs, ...(now.length ? { __notices: now } : {}) };
}

export function stageOf(cluster: Cluster): ClusterInputs["stageLabel"] {
  return CLUSTER_STAGES.find((stage) => cluster.labels?.includes(stage));
}

/** The declared fields recorded in a cluster's outputs (what the lifecycle's diff compares with the next inputs). */
const declaredSchema = z.object(clusterInputsSchema.shape).partial();
export function declaredOf(outs: Props): Partial<ClusterInputs> {
  const r = declaredSchema.safeParse(outs);
  return r.success ? r.data : {};
}

/**
 * Whether a create or update left the cluster not Healthy in time (older versions recorded only the status). A BYOK
 * cluster's create returns before it is Healthy on purpose: its keys come from a ClusterEncryption, which waits.
 */
export function awaiting(olds: Props): boolean {
  return olds.__awaiting === true || (olds.status === "Creating" && olds.encryption !== "External");
}

/** States a cluster leaves by itself: waiting is worth it. */
const TRANSIENT = new Set(["Creating", "Updating", "Resuming", "Maintenance", "Unhealthy"]);
/** States waiting will not end: the user must act (e.g. supply an external encryption key). */
const NEEDS_ACTION: Record<string, string> = {
  WaitingForInput: "it waits for input in the Console (for example an external encryption key): provide it there, then run `pulumi up` again",
};
/** The cluster's encryption status (`EncryptionStatus`), when the API reports one. */
export function encryptionStatusOf(cluster: Cluster): string | undefined {
  const e = cluster.encryption;
  return e && typeof e === "object" && typeof (e as { status?: unknown }).status === "string" ? (e as { status: string }).status : undefined;
}

/** A BYOK cluster whose keys are not supplied (or not usable yet): only a ClusterEncryption moves it on. */
export function waitsForKeys(cluster: Cluster): boolean {
  const s = encryptionStatusOf(cluster);
  return s === "ExternalEncryptionKeyNotSupplied" || s === "ExternalEncryptionKeyNotReady";
}

/** How long a cluster that was just created may still answer 404 (the service is eventually consistent). */
const NOT_FOUND_GRACE_MS = 30_000;

/**
 * Waits until the cluster is Healthy: polls the states it leaves by itself, wakes a Suspended cluster (once), fails at
 * once on a state that waiting does not end, and tolerates a 404 for a short while after the create. A timeout keeps
 * the cluster in the stack: the next `pulumi up` goes on waiting.
 */
export async function waitUntilHealthy(
  clusterId: string,
  name: string,
  timeoutMinutes: number,
  /** What else a Healthy cluster must show (e.g. its new generation after an upgrade). */
  done: (cluster: Cluster) => boolean = () => true,
  /**
   * A BYOK cluster (`encryption: "External"`) waits for its keys before it can become Healthy: its create returns
   * then, so that a ClusterEncryption can supply them (and waits for Healthy itself).
   */
  options: {
    keysExpected?: boolean;
    /** For this long a state that needs action is waited through (a read just after the keys were set may be stale). */
    needsActionGraceMs?: number;
  } = {},
): Promise<Cluster> {
  const started = Date.now();
  const deadline = started + timeoutMinutes * 60_000;
  let delay = pollMinMs();
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
    if (cluster && status === "Healthy" && done(cluster)) return cluster;
    if (cluster && options.keysExpected && (waitsForKeys(cluster) || status === "WaitingForInput")) {
      progress(`cluster ${JSON.stringify(name)} waits for its encryption keys (BYOK): a ClusterEncryption resource supplies them, and waits until it is Healthy`);
      return cluster;
    }
    if (cluster && NEEDS_ACTION[status] && Date.now() - started >= (options.needsActionGraceMs ?? 0)) {
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
export async function notReadyError(err: unknown, clusterId: string, ins: ClusterInputs, inputs: Props, fallback: Props = {}): Promise<Error> {
  let outs: Props;
  try {
    outs = { ...clusterOutputs(await consoleClient().getCluster(clusterId), ins) };
  } catch {
    outs = { ...fallback, ...ins, status: typeof fallback.status === "string" ? fallback.status : "Creating" };
  }
  delete outs.__provider;
  // The notices said already stay said.
  const said = Array.isArray(fallback.__notices) ? { __notices: fallback.__notices } : {};
  return keptInStack((err as Error).message, clusterId, { ...said, ...outs }, inputs);
}

/**
 * Upgrades the cluster in place (PUT …/upgrade, which moves it to the next generation available) while it runs an
 * older generation than the declared one, waiting after each step until it is Healthy on the new one; never past it,
 * and never when it runs the declared one or a newer one already (undefined then). A paused cluster is woken first
 * (it answers 412 otherwise). A 409 (the upgrade gate) or 400 (no upgrade available) ends it with the service's
 * reason; 412 and 429 are retried (nothing was done); after a lost answer the PUT is not sent again in this run
 * (see `sendUpgrade`).
 */
export async function upgradeTo(clusterId: string, ins: ClusterInputs): Promise<Cluster | undefined> {
  const params = await loadParameters();
  const target = resolveParameters(params, { region: ins.region, plan: ins.plan, channel: ins.channel, generation: ins.generation }).resolved?.generation;
  let cluster = await consoleClient().getCluster(clusterId);
  const channel = params.channels.find((c) => c.uuid === cluster.channel.uuid);
  const behind = (c: Cluster) => !!target && !!channel && c.generation.uuid !== target.uuid && isNewerGeneration(channel, c.generation, target);
  if (!target || !behind(cluster)) return undefined;
  for (let step = 0; step < 10 && behind(cluster); step++) {
    // Paused (auto-pause of dev clusters): it would answer 412 until woken.
    if (statusOf(cluster) === "Suspended") cluster = await waitUntilHealthy(clusterId, ins.name, ins.waitTimeoutMinutes);
    const from = cluster.generation;
    progress(`cluster ${JSON.stringify(ins.name)}: upgrading in place from ${from.name} towards ${target.name}`);
    await sendUpgrade(clusterId, ins.name, from, target);
    invalidateCluster(clusterId);
    cluster = await waitUntilHealthy(clusterId, ins.name, ins.waitTimeoutMinutes, (c) => c.generation.uuid !== from.uuid);
  }
  return cluster;
}

/** How long after a lost upgrade answer the cluster is watched for the upgrade it may have started. */
const LOST_UPGRADE_WATCH_MS = 5 * 60_000;

/**
 * One PUT …/upgrade. After an ambiguous failure (no answer, a 5xx) it is never sent again in this run: each PUT moves
 * the cluster one generation on, and a read soon after may not show it yet (eventual consistency). The cluster is
 * watched for the upgrade starting; when it does not within the watch, the next `pulumi up` reads it afresh and
 * decides again.
 */
async function sendUpgrade(clusterId: string, name: string, from: { uuid: string; name: string }, target: { name: string }): Promise<void> {
  try {
    await consoleClient().upgradeCluster(clusterId);
    return;
  } catch (err) {
    if (err instanceof CamundaApiError && (err.status === 409 || err.status === 400)) {
      throw new Error(
        `Cluster ${JSON.stringify(name)} (${clusterId}) cannot be upgraded from ${from.name} to ${target.name}: ${err.serviceMessage || `HTTP ${err.status}`}. ` +
          "Resolve what the Console API names (or declare the generation the cluster runs), then run `pulumi up` again",
      );
    }
    if (!isAmbiguous(err)) throw err;
  }
  const deadline = Date.now() + LOST_UPGRADE_WATCH_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMinMs()));
    invalidateCluster(clusterId);
    const now = await consoleClient().getCluster(clusterId).catch(() => undefined);
    if (now && (now.generation.uuid !== from.uuid || statusOf(now) === "Updating")) return;
  }
  throw new Error(
    `Cluster ${JSON.stringify(name)} (${clusterId}): the answer to its upgrade request was lost and it has not started upgrading from ${from.name}. ` +
      "The request is not sent twice (each one upgrades a generation further): run `pulumi up` again",
  );
}
