/**
 * `npm run bench`: the provider through the real Pulumi engine against the local Console API emulator (with request
 * latency and cluster provisioning time), beside the engine floor (the same stack of do-nothing dynamic resources),
 * the API critical path measured directly, and a plain @camunda8/sdk script. Prints a table of every figure beside
 * its target and writes bench-results/bench-<timestamp>.json.
 *
 * Options (arguments win over environment variables):
 *   --sizes 10,100        BENCH_SIZES           stack sizes (resources per stack, at least 3)
 *   --latency 50          BENCH_LATENCY_MS      emulator latency per request (API and token), ms
 *   --provisioning 3000   BENCH_PROVISIONING_MS time a new cluster stays Creating, ms
 *   --sdk-poll 1000       BENCH_SDK_POLL_MS     poll interval of the SDK script while the cluster provisions, ms
 *   --skip a,b            BENCH_SKIP            parts to leave out: provider, floor, critical, sdk
 *   --out DIR             BENCH_OUT_DIR         results folder (default bench-results)
 *   --repeat N            BENCH_REPEAT          run the provider and floor stacks N times and report, per operation,
 *                                               the run of median wall time (all wall times are kept); default 1
 *   --config k=v,...      BENCH_STACK_CONFIG    extra stack config of the provider stacks (experiments, e.g.
 *                                               camunda:maxRequestsPerSecond=1000); recorded in the results
 * The provider's cluster poll interval stays at its default unless PULUMI_CAMUNDA_POLL_MS is set (recorded too).
 * See bench/README.md for what is measured and how.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { startEmulator, type Emulator, type RecordedResponse, type Stats } from "../emulator";
import { measureCriticalPath, type CriticalPath } from "./critical-path";
import { REPO_ROOT, engineBinDir, openStack, snapshotPackage, type BenchStack } from "./engine";
import { ProviderMemorySampler, type MemorySample } from "./sampler";
import { runSdkBaseline, type SdkResult } from "./sdk-baseline";

// ---- options ------------------------------------------------------------------------------------------------------

function option(name: string, env: string, fallback: string): string {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && args[i + 1] !== undefined) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return process.env[env] || fallback;
}

const SIZES = option("sizes", "BENCH_SIZES", "10,100")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const LATENCY_MS = Number(option("latency", "BENCH_LATENCY_MS", "50"));
const PROVISIONING_MS = Number(option("provisioning", "BENCH_PROVISIONING_MS", "3000"));
const SDK_POLL_MS = Number(option("sdk-poll", "BENCH_SDK_POLL_MS", "1000"));
const SKIP = new Set(option("skip", "BENCH_SKIP", "").split(",").map((s) => s.trim()).filter(Boolean));
const OUT_DIR = path.resolve(REPO_ROOT, option("out", "BENCH_OUT_DIR", "bench-results"));
const REPEAT = Math.max(1, Math.floor(Number(option("repeat", "BENCH_REPEAT", "1"))) || 1);
const EXTRA_CONFIG: Record<string, string> = Object.fromEntries(
  option("config", "BENCH_STACK_CONFIG", "")
    .split(",")
    .map((kv) => kv.trim())
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);

for (const n of SIZES) if (!Number.isInteger(n) || n < 3) throw new Error(`bench: size ${n} is not an integer >= 3`);

const PROGRAM = path.join(REPO_ROOT, "test/programs/bench");
const FLOOR_PROGRAM = path.join(REPO_ROOT, "test/programs/bench-floor");
const { shape } = require(path.join(PROGRAM, "shape.js")) as {
  shape(size: number): { clusters: number; allowlists: number; clients: number; secrets: number };
};

// ---- targets ------------------------------------------------------------------------------------------------------

const TARGET = {
  tokensFirstOp: 1,
  tokensLaterOps: 0,
  previewApiRequests: 0,
  upRequestsPerResource: 1.1,
  refreshReadsPerCollection: 1,
  closureBytesPerResource: 1024,
  upTimeRatio: 1.25,
};

// ---- figures ------------------------------------------------------------------------------------------------------

type OpName = "up" | "preview" | "refresh" | "update" | "destroy";
const OPS: OpName[] = ["up", "preview", "refresh", "update", "destroy"];

interface ClosureFigures {
  /** Dynamic resources in the checkpoint (resources with a serialized `__provider`). */
  resources: number;
  /** Bytes of `outputs.__provider` (the serialized provider closure) per resource, average and largest. */
  avgBytes: number;
  maxBytes: number;
  /** Bytes of every `__provider` string in the checkpoint (inputs and outputs), per resource. */
  allCopiesBytesPerResource: number;
  /** Distinct closures in the checkpoint. */
  distinct: number;
  /** The largest closure's text (for reading what is serialized). */
  largest: string;
}

interface OpFigures {
  op: OpName;
  wallMs: number;
  /** With --repeat: every run's wall time (these figures are the median run's). */
  wallMsSamples?: number[];
  result: string;
  changes: Record<string, number>;
  memory: MemorySample;
  /** The machine's 1-minute load average when the operation started (other work on the machine skews wall times). */
  load1: number;
  tokenRequests?: number;
  tokenRateLimited?: number;
  apiRequests?: number;
  byMethod?: Record<string, number>;
  byRoute?: Record<string, number>;
  byStatus?: Record<string, number>;
  /** GET /clusters/:clusterId answered while the cluster was provisioning, plus the one that first saw it Healthy. */
  clusterPolls?: number;
  apiRequestsPerResource?: number;
  apiRequestsPerResourceBeyondPolls?: number;
  closure?: ClosureFigures;
  stateFileBytes?: number;
  timeline?: Timeline;
  /** When the program saw things happen (up and update only), in seconds from the start of the operation. */
  phases?: ProgramPhases;
}

/** From the program's timeline file: its start, the cluster's id resolving, the last dependent's id resolving. */
interface ProgramPhases {
  programStartS?: number;
  clusterDoneS?: number;
  lastDependentDoneS?: number;
  endS: number;
}

/** When the emulator answered, in seconds from the start of the operation. */
interface Timeline {
  firstResponseS?: number;
  clusterCreatedS?: number;
  /** The first answer that showed the new cluster Healthy. */
  healthySeenS?: number;
  lastResponseS?: number;
  /** API requests answered after the cluster was seen Healthy, and the time from then to the last answer. */
  afterHealthyRequests: number;
  afterHealthyS?: number;
}

interface TargetCheck {
  name: string;
  figure: string;
  target: string;
  met: boolean;
}

interface SizeResult {
  size: number;
  shape: ReturnType<typeof shape>;
  updatedResources: number;
  provider: Partial<Record<OpName, OpFigures>>;
  floor?: Partial<Record<OpName, OpFigures>>;
  criticalPath?: CriticalPath;
  sdk?: SdkResult[];
  upTimeRatio?: number;
  targets: TargetCheck[];
  errors: string[];
}

function closureFigures(checkpointText: string): ClosureFigures {
  const doc = JSON.parse(checkpointText) as {
    checkpoint?: { latest?: { resources?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
  };
  const resources = doc.checkpoint?.latest?.resources ?? [];
  const sizes: number[] = [];
  let allCopies = 0;
  const distinct = new Set<string>();
  let largest = "";
  for (const r of resources) {
    const out = r.outputs?.__provider;
    if (typeof out === "string") {
      sizes.push(Buffer.byteLength(out));
      distinct.add(out);
      allCopies += Buffer.byteLength(out);
      if (out.length > largest.length) largest = out;
    }
    const inp = r.inputs?.__provider;
    if (typeof inp === "string") allCopies += Buffer.byteLength(inp);
  }
  const n = sizes.length;
  return {
    resources: n,
    avgBytes: n ? Math.round(sizes.reduce((a, b) => a + b, 0) / n) : 0,
    maxBytes: n ? Math.max(...sizes) : 0,
    allCopiesBytesPerResource: n ? Math.round(allCopies / n) : 0,
    distinct: distinct.size,
    largest,
  };
}

/**
 * Counts cluster status polls (GETs of a cluster answered while it was not Healthy, and the first Healthy answer) and
 * keeps the timeline of the API answers of the current operation.
 */
class ApiObserver {
  polls = 0;
  private readonly healthy = new Set<string>();
  private t0 = performance.now();
  timeline: Timeline = { afterHealthyRequests: 0 };

  startOp(): void {
    this.polls = 0;
    this.t0 = performance.now();
    this.timeline = { afterHealthyRequests: 0 };
  }

  onResponse = (r: RecordedResponse): void => {
    if (r.kind !== "api") return;
    const at = Math.round(performance.now() - this.t0) / 1000;
    const tl = this.timeline;
    tl.firstResponseS ??= at;
    tl.lastResponseS = at;
    if (tl.healthySeenS !== undefined) {
      tl.afterHealthyRequests++;
      tl.afterHealthyS = Math.round((at - tl.healthySeenS) * 1000) / 1000;
    }
    if (r.method === "POST" && r.route === "/clusters") tl.clusterCreatedS = at;
    if (r.method !== "GET" || r.route !== "/clusters/:clusterId" || r.statusCode !== 200) return;
    let ready: string | undefined;
    let id = "";
    try {
      const body = JSON.parse(r.body) as { uuid?: string; status?: { ready?: string } };
      ready = body.status?.ready;
      id = body.uuid ?? r.url;
    } catch {
      return;
    }
    if (ready !== "Healthy") this.polls++;
    else if (!this.healthy.has(id)) {
      this.healthy.add(id);
      this.polls++;
      tl.healthySeenS = at;
    }
  };
}

function readPhases(file: string, startEpochMs: number, wallMs: number): ProgramPhases | undefined {
  if (!fs.existsSync(file)) return undefined;
  const rel = (t: number) => Math.round(t - startEpochMs) / 1000;
  const ph: ProgramPhases = { endS: Math.round(wallMs) / 1000 };
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const [t, label] = line.split(" ");
    const at = Number(t);
    if (!label || !Number.isFinite(at)) continue;
    if (label === "start") ph.programStartS ??= rel(at);
    else if (label === "cluster") ph.clusterDoneS = rel(at);
    else if (label === "dependent") ph.lastDependentDoneS = Math.max(ph.lastDependentDoneS ?? 0, rel(at));
  }
  return ph;
}

async function runOp(
  s: BenchStack,
  op: OpName,
  updateCount: number,
  timelineFile: string,
): Promise<{ wallMs: number; result: string; changes: Record<string, number>; memory: MemorySample; load1: number; phases?: ProgramPhases }> {
  const onOutput = (line: string) => s.output.push(line);
  if (op === "update") {
    await s.stack.setConfig("rev", { value: "1" });
    await s.stack.setConfig("changed", { value: String(updateCount) });
  }
  const load1 = Math.round(os.loadavg()[0] * 100) / 100;
  fs.writeFileSync(timelineFile, "");
  const sampler = new ProviderMemorySampler();
  sampler.start();
  const startEpochMs = Date.now();
  const t = performance.now();
  let result = "";
  let changes: Record<string, number> = {};
  try {
    if (op === "preview") {
      const r = await s.stack.preview({ onOutput, color: "never" });
      result = "succeeded";
      changes = (r.changeSummary ?? {}) as Record<string, number>;
    } else {
      const r =
        op === "refresh"
          ? await s.stack.refresh({ onOutput, color: "never" })
          : op === "destroy"
            ? await s.stack.destroy({ onOutput, color: "never" })
            : await s.stack.up({ onOutput, color: "never" });
      result = r.summary.result;
      changes = (r.summary.resourceChanges ?? {}) as Record<string, number>;
    }
  } catch (err) {
    await sampler.stop();
    const tail = s.output.slice(-40).join("\n");
    throw new Error(`${op} failed: ${(err as Error).message.split("\n")[0]}\n--- engine output (last lines) ---\n${tail}`);
  }
  const wallMs = performance.now() - t;
  const memory = await sampler.stop();
  const phases = op === "up" || op === "update" ? readPhases(timelineFile, startEpochMs, wallMs) : undefined;
  return { wallMs, result, changes, memory, load1, ...(phases ? { phases } : {}) };
}

function stackConfig(size: number, emu?: Emulator) {
  return {
    ...(emu ? Object.fromEntries(Object.entries(EXTRA_CONFIG).map(([k, v]) => [k, { value: v }])) : {}),
    size: { value: String(size) },
    seed: { value: "bench-secret-seed-3c1f", secret: true },
    ...(emu
      ? {
          "camunda:clientId": { value: emu.credentials.clientId },
          "camunda:clientSecret": { value: emu.credentials.clientSecret, secret: true },
          "camunda:baseUrl": { value: emu.url },
          "camunda:oauthUrl": { value: emu.oauthUrl },
        }
      : {}),
  };
}

function progress(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

let packageDir: string | undefined;

function stateFigures(s: BenchStack, fig: OpFigures): void {
  const file = s.checkpointFile();
  fig.closure = closureFigures(fs.readFileSync(file, "utf8"));
  fig.stateFileBytes = fs.statSync(file).size;
}

/**
 * The provider stack and the floor stack, operation by operation in turns (provider up, floor up, provider preview,
 * ...), so that each pair runs under about the same load of the machine. A failure of one stack ends that stack's
 * series; the other goes on.
 */
async function benchStacks(size: number, updateCount: number, res: SizeResult, withProvider: boolean, withFloor: boolean): Promise<void> {
  const observer = new ApiObserver();
  const emu = await startEmulator({ provisioningMs: PROVISIONING_MS, faults: { latencyMs: LATENCY_MS }, onResponse: observer.onResponse });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcbench-tokens-"));
  const timelines = fs.mkdtempSync(path.join(os.tmpdir(), "pcbench-timeline-"));
  const provTimeline = path.join(timelines, "provider.txt");
  const floorTimeline = path.join(timelines, "floor.txt");
  let prov: BenchStack | undefined;
  let floor: BenchStack | undefined;
  const destroyed = { prov: false, floor: false };
  try {
    if (withProvider) {
      prov = await openStack({
        programDir: PROGRAM,
        packageDir,
        stackName: `bench${size}`,
        config: stackConfig(size, emu),
        env: { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, BENCH_TIMELINE_FILE: provTimeline },
      });
    }
    if (withFloor) {
      res.floor = {};
      // The same node_modules as the provider program (the package installed, the dependencies beside it), so that
      // the engine's own work on it (plugin discovery) counts in the floor too.
      floor = await openStack({
        programDir: FLOOR_PROGRAM,
        packageDir,
        stackName: `floor${size}`,
        config: stackConfig(size),
        env: { BENCH_TIMELINE_FILE: floorTimeline },
      });
    }
    let provOk = withProvider;
    let floorOk = withFloor;
    for (const op of OPS) {
      if (prov && provOk) {
        progress(`size ${size}: provider ${op}`);
        try {
          emu.resetStats();
          observer.startOp();
          const r = await runOp(prov, op, updateCount, provTimeline);
          const st: Stats = emu.stats();
          const fig: OpFigures = {
            op,
            ...r,
            tokenRequests: st.tokenRequests.total,
            tokenRateLimited: st.tokenRequests.rateLimited,
            apiRequests: st.apiRequests.total,
            byMethod: st.apiRequests.byMethod,
            byRoute: st.apiRequests.byRoute,
            byStatus: st.apiRequests.byStatus,
            clusterPolls: observer.polls,
            apiRequestsPerResource: st.apiRequests.total / size,
            apiRequestsPerResourceBeyondPolls: (st.apiRequests.total - observer.polls) / size,
            timeline: observer.timeline,
          };
          if (op === "up") stateFigures(prov, fig);
          if (op === "destroy") destroyed.prov = true;
          res.provider[op] = fig;
        } catch (err) {
          provOk = false;
          res.errors.push(`provider: ${(err as Error).message}`);
          progress(`size ${size}: provider ${op} failed: ${(err as Error).message}`);
        }
      }
      if (floor && floorOk && res.floor) {
        progress(`size ${size}: floor ${op}`);
        try {
          const r = await runOp(floor, op, updateCount, floorTimeline);
          const fig: OpFigures = { op, ...r };
          if (op === "up") stateFigures(floor, fig);
          if (op === "destroy") destroyed.floor = true;
          res.floor[op] = fig;
        } catch (err) {
          floorOk = false;
          res.errors.push(`floor: ${(err as Error).message}`);
          progress(`size ${size}: floor ${op} failed: ${(err as Error).message}`);
        }
      }
    }
  } finally {
    await prov?.close({ destroy: !destroyed.prov });
    await floor?.close({ destroy: !destroyed.floor });
    await emu.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(timelines, { recursive: true, force: true });
  }
}

/** Runs the stacks REPEAT times; per operation, keeps the figures of the run with the median wall time. */
async function benchStacksRepeated(size: number, updateCount: number, res: SizeResult, withProvider: boolean, withFloor: boolean): Promise<void> {
  if (REPEAT === 1) return benchStacks(size, updateCount, res, withProvider, withFloor);
  const runs: SizeResult[] = [];
  for (let i = 0; i < REPEAT; i++) {
    progress(`size ${size}: stacks, run ${i + 1} of ${REPEAT}`);
    const r: SizeResult = { ...res, provider: {}, floor: undefined, targets: [], errors: [] };
    await benchStacks(size, updateCount, r, withProvider, withFloor);
    runs.push(r);
    res.errors.push(...r.errors.map((e) => `run ${i + 1}: ${e}`));
  }
  const median = (figs: OpFigures[]): OpFigures | undefined => {
    if (!figs.length) return undefined;
    const sorted = [...figs].sort((a, b) => a.wallMs - b.wallMs);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], wallMsSamples: figs.map((f) => f.wallMs) };
  };
  for (const op of OPS) {
    const p = median(runs.map((r) => r.provider[op]).filter((f): f is OpFigures => f !== undefined));
    if (p) res.provider[op] = p;
    const f = median(runs.map((r) => r.floor?.[op]).filter((x): x is OpFigures => x !== undefined));
    if (f) (res.floor ??= {})[op] = f;
  }
}

async function benchCriticalPath(res: SizeResult): Promise<void> {
  progress(`size ${res.size}: API critical path`);
  const emu = await startEmulator({ provisioningMs: PROVISIONING_MS, faults: { latencyMs: LATENCY_MS } });
  try {
    res.criticalPath = await measureCriticalPath(emu);
  } finally {
    await emu.stop();
  }
}

async function benchSdk(res: SizeResult): Promise<void> {
  res.sdk = [];
  for (const style of ["sequential", "parallel"] as const) {
    progress(`size ${res.size}: SDK script (${style})`);
    const emu = await startEmulator({ provisioningMs: PROVISIONING_MS, faults: { latencyMs: LATENCY_MS } });
    try {
      res.sdk.push(await runSdkBaseline(emu, res.shape, style, SDK_POLL_MS));
    } finally {
      await emu.stop();
    }
  }
}

// ---- targets and output -------------------------------------------------------------------------------------------

const fmtS = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(2));
const fmtN = (n: number | undefined, digits = 0) => (n === undefined ? "-" : n.toFixed(digits));

function checkTargets(res: SizeResult): void {
  const p = res.provider;
  const t: TargetCheck[] = [];
  if (p.up?.tokenRequests !== undefined) {
    t.push({ name: "token requests: up (first operation)", figure: String(p.up.tokenRequests), target: `<= ${TARGET.tokensFirstOp}`, met: p.up.tokenRequests <= TARGET.tokensFirstOp });
  }
  for (const op of ["preview", "refresh", "update", "destroy"] as const) {
    const f = p[op];
    if (f?.tokenRequests === undefined) continue;
    t.push({
      name: `token requests: ${op} (disk cache, token still valid)`,
      figure: String(f.tokenRequests),
      target: String(TARGET.tokensLaterOps),
      met: f.tokenRequests <= TARGET.tokensLaterOps,
    });
  }
  if (p.preview?.apiRequests !== undefined) {
    t.push({ name: "API requests: no-change preview", figure: String(p.preview.apiRequests), target: String(TARGET.previewApiRequests), met: p.preview.apiRequests <= TARGET.previewApiRequests });
  }
  if (p.up?.apiRequestsPerResourceBeyondPolls !== undefined) {
    t.push({
      name: "API requests per resource: up, beyond cluster polls",
      figure: `${p.up.apiRequestsPerResourceBeyondPolls.toFixed(2)} (${(p.up.apiRequests ?? 0) - (p.up.clusterPolls ?? 0)}/${res.size}, +${p.up.clusterPolls} polls)`,
      target: `<= ${TARGET.upRequestsPerResource}`,
      met: p.up.apiRequestsPerResourceBeyondPolls <= TARGET.upRequestsPerResource,
    });
  }
  if (p.refresh?.byRoute) {
    const reads = Object.entries(p.refresh.byRoute).filter(([k]) => k.startsWith("GET "));
    const max = reads.reduce((m, [, v]) => Math.max(m, v), 0);
    const collections = ["GET /clusters/:clusterId", "GET /clusters/:clusterId/clients", "GET /clusters/:clusterId/secrets"];
    t.push({
      name: "refresh: reads of each collection (cluster, clients, secrets)",
      figure: `${collections.map((c) => p.refresh?.byRoute?.[c] ?? 0).join(" / ")} (max ${max}, ${p.refresh.apiRequests} requests)`,
      target: `${TARGET.refreshReadsPerCollection} each`,
      met: max <= TARGET.refreshReadsPerCollection,
    });
  }
  if (p.up?.closure) {
    t.push({
      name: "serialized provider closure per resource",
      figure: `${p.up.closure.avgBytes} B (max ${p.up.closure.maxBytes} B)`,
      target: `< ${TARGET.closureBytesPerResource} B`,
      met: p.up.closure.maxBytes < TARGET.closureBytesPerResource,
    });
  }
  if (p.up && res.floor?.up && res.criticalPath) {
    const ratio = p.up.wallMs / (res.floor.up.wallMs + res.criticalPath.totalMs);
    res.upTimeRatio = ratio;
    t.push({
      name: "up time / (engine floor + API critical path)",
      figure: `${ratio.toFixed(2)} (${fmtS(p.up.wallMs)} s / (${fmtS(res.floor.up.wallMs)} + ${fmtS(res.criticalPath.totalMs)}) s)`,
      target: `<= ${TARGET.upTimeRatio}`,
      met: ratio <= TARGET.upTimeRatio,
    });
  }
  res.targets = t;
}

function table(rows: string[][], align: ("l" | "r")[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (align[i] === "l" ? (c ?? "").padEnd(widths[i]) : (c ?? "").padStart(widths[i]))).join("  ").trimEnd())
    .join("\n");
}

function routes(byRoute: Record<string, number> | undefined): string {
  if (!byRoute) return "-";
  return Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} x${v}`)
    .join(", ");
}

function report(res: SizeResult): string {
  const lines: string[] = [];
  const sh = res.shape;
  lines.push(
    `=== size ${res.size}: 1 Cluster + 1 IpAllowlist + ${sh.clients} ZeebeClients + ${sh.secrets} ConnectorSecrets; ` +
      `the update changes ${res.updatedResources} secret values; latency ${LATENCY_MS} ms, provisioning ${PROVISIONING_MS} ms` +
      `${REPEAT > 1 ? `; median of ${REPEAT} runs` : ""} ===`,
  );
  const head = ["operation", "wall s", "floor s", "load", "tokens", "API", "GET", "POST", "PUT", "PATCH", "DELETE", "polls", "API/res", "(-polls)", "prov MiB", "floor MiB", "CPU s", "changes"];
  const rows: string[][] = [head];
  const label: Record<OpName, string> = {
    up: "up (from empty)",
    preview: "preview (no change)",
    refresh: "refresh",
    update: `up (update ${res.updatedResources})`,
    destroy: "destroy",
  };
  for (const op of OPS) {
    const f = res.provider[op];
    const fl = res.floor?.[op];
    if (!f && !fl) continue;
    const m = f?.byMethod ?? {};
    rows.push([
      label[op],
      fmtS(f?.wallMs),
      fmtS(fl?.wallMs),
      `${fmtN(f?.load1, 1)}/${fmtN(fl?.load1, 1)}`,
      fmtN(f?.tokenRequests),
      fmtN(f?.apiRequests),
      fmtN(m.GET ?? (f ? 0 : undefined)),
      fmtN(m.POST ?? (f ? 0 : undefined)),
      fmtN(m.PUT ?? (f ? 0 : undefined)),
      fmtN(m.PATCH ?? (f ? 0 : undefined)),
      fmtN(m.DELETE ?? (f ? 0 : undefined)),
      fmtN(f?.clusterPolls),
      fmtN(f?.apiRequestsPerResource, 2),
      fmtN(f?.apiRequestsPerResourceBeyondPolls, 2),
      fmtN(f?.memory.peakRssMiB, 1),
      fmtN(fl?.memory.peakRssMiB, 1),
      `${fmtN(f?.memory.cpuSeconds, 1)}/${fmtN(fl?.memory.cpuSeconds, 1)}`,
      f ? Object.entries(f.changes).filter(([k]) => k !== "same").map(([k, v]) => `${k} ${v}`).join(", ") || "none" : "-",
    ]);
  }
  for (const sdk of res.sdk ?? []) {
    for (const ph of ["create", "delete"] as const) {
      const f = sdk[ph];
      const m = f.byMethod;
      rows.push([
        `SDK ${sdk.style}: ${ph}`,
        fmtS(f.wallMs),
        "",
        "",
        String(f.tokenRequests),
        String(f.apiRequests),
        String(m.GET ?? 0),
        String(m.POST ?? 0),
        String(m.PUT ?? 0),
        String(m.PATCH ?? 0),
        String(m.DELETE ?? 0),
        ph === "create" ? String(f.byRoute["GET /clusters/:clusterId"] ?? 0) : "",
        (f.apiRequests / res.size).toFixed(2),
        ph === "create" ? ((f.apiRequests - (f.byRoute["GET /clusters/:clusterId"] ?? 0)) / res.size).toFixed(2) : "",
        "",
        "",
        "",
        "",
      ]);
    }
  }
  lines.push(table(rows, ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"]));
  lines.push(
    "(wall s: the provider through the engine; floor s: do-nothing dynamic resources; load: 1-min load average at the start, " +
      "provider/floor; polls: GET /clusters/:clusterId while provisioning, with the first Healthy one; API/res: API requests per " +
      "resource, (-polls) beyond polls; MiB: peak RSS of the dynamic-provider process; CPU s: its CPU time, provider/floor)",
  );
  const cp = res.criticalPath;
  if (cp) {
    lines.push(
      `API critical path (direct): ${fmtS(cp.totalMs)} s = token ${fmtS(cp.tokenMs)} + cluster create ${fmtS(cp.clusterCreateMs)} + ` +
        `provisioning ${fmtS(cp.provisioningMs)} (${cp.polls} back-to-back polls) + slowest dependent create ${fmtS(cp.slowestDependentMs)}`,
    );
  }
  const up = res.provider.up;
  const tl = up?.timeline;
  if (tl) {
    const s = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(2));
    lines.push(
      `up timeline (s from start): first API answer ${s(tl.firstResponseS)}, cluster created ${s(tl.clusterCreatedS)}, ` +
        `seen Healthy ${s(tl.healthySeenS)} (provisioning ${(PROVISIONING_MS / 1000).toFixed(2)}), then ${tl.afterHealthyRequests} requests in ` +
        `${s(tl.afterHealthyS)} (last answer ${s(tl.lastResponseS)}, engine done ${fmtS(up?.wallMs)})`,
    );
  }
  for (const op of ["up", "update"] as const) {
    const a = res.provider[op]?.phases;
    const b = res.floor?.[op]?.phases;
    const fmt = (p: ProgramPhases | undefined) => {
      if (!p) return "-";
      const d = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? "-" : (y - x).toFixed(2));
      return (
        `${d(0, p.programStartS)} to program start, ${d(p.programStartS, p.clusterDoneS)} to cluster done, ` +
        `${d(p.clusterDoneS, p.lastDependentDoneS)} to last dependent done, ${d(p.lastDependentDoneS, p.endS)} to engine exit`
      );
    };
    if (a || b) lines.push(`${op} phases (s), provider: ${fmt(a)}; floor: ${fmt(b)}`);
  }
  if (up?.closure) {
    lines.push(
      `up state: closure ${up.closure.avgBytes} B per resource (max ${up.closure.maxBytes} B, ${up.closure.distinct} distinct; ` +
        `${up.closure.allCopiesBytesPerResource} B of __provider per resource counting inputs and outputs); ` +
        `state file ${(up.stateFileBytes ?? 0).toLocaleString("en")} B (${Math.round((up.stateFileBytes ?? 0) / res.size)} B per resource)`,
    );
  }
  const fup = res.floor?.up;
  if (fup?.closure) {
    lines.push(
      `floor state: closure ${fup.closure.avgBytes} B per resource (max ${fup.closure.maxBytes} B); state file ${(fup.stateFileBytes ?? 0).toLocaleString("en")} B`,
    );
  }
  for (const op of OPS) {
    const f = res.provider[op];
    if (f) lines.push(`routes ${op}: ${routes(f.byRoute) || "none"}`);
  }
  if (res.targets.length) {
    lines.push("");
    const trows = [["target check", "figure", "target", ""]];
    for (const t of res.targets) trows.push([t.name, t.figure, t.target, t.met ? "met" : "MISSED"]);
    lines.push(table(trows, ["l", "l", "l", "l"]));
  }
  for (const e of res.errors) lines.push(`ERROR: ${e}`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = new Date();
  const pulumiVersion = execFileSync(path.join(engineBinDir(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
  progress(
    `sizes ${SIZES.join(", ")}; latency ${LATENCY_MS} ms; provisioning ${PROVISIONING_MS} ms; repeat ${REPEAT}; pulumi ${pulumiVersion}`,
  );
  const snapDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcbench-pkg-"));
  packageDir = await snapshotPackage(snapDir);
  const results: SizeResult[] = [];
  try {
    for (const size of SIZES) {
      const sh = shape(size);
      const updatedResources = Math.max(1, Math.min(sh.secrets, Math.round(size / 10)));
      const res: SizeResult = { size, shape: sh, updatedResources, provider: {}, targets: [], errors: [] };
      results.push(res);
      const parts: [string, () => Promise<void>][] = [
        ["stacks", () => benchStacksRepeated(size, updatedResources, res, !SKIP.has("provider"), !SKIP.has("floor"))],
        ["critical", () => benchCriticalPath(res)],
        ["sdk", () => benchSdk(res)],
      ];
      for (const [name, fn] of parts) {
        if (SKIP.has(name)) continue;
        try {
          await fn();
        } catch (err) {
          res.errors.push(`${name}: ${(err as Error).message}`);
          progress(`size ${size}: ${name} failed: ${(err as Error).message}`);
        }
      }
      checkTargets(res);
    }
  } finally {
    fs.rmSync(snapDir, { recursive: true, force: true });
  }

  const text = results.map(report).join("\n\n");
  const missed = results.flatMap((r) => r.targets.filter((t) => !t.met).map((t) => `size ${r.size}: ${t.name}`));
  process.stdout.write(`\n${text}\n\n`);
  const errors = results.flatMap((r) => r.errors.map((e) => `size ${r.size}: ${e.split("\n")[0]}`));
  if (missed.length) process.stdout.write(`targets missed (${missed.length}):\n  ${missed.join("\n  ")}\n`);
  if (errors.length) process.stdout.write(`errors (${errors.length}; targets of failed parts are not checked):\n  ${errors.join("\n  ")}\n`);
  if (!missed.length && !errors.length) process.stdout.write("all targets met\n");

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `bench-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  const doc = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      sizes: SIZES,
      latencyMs: LATENCY_MS,
      provisioningMs: PROVISIONING_MS,
      providerPollMs: process.env.PULUMI_CAMUNDA_POLL_MS ?? "1000 (default)",
      extraStackConfig: EXTRA_CONFIG,
      sdkPollMs: SDK_POLL_MS,
      repeat: REPEAT,
      tokenRateLimit: "emulator default",
      pulumiParallelism: "engine default",
    },
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), pulumi: pulumiVersion },
    targets: TARGET,
    results,
    missed,
    table: text,
  };
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  if (results.some((r) => r.errors.length)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
