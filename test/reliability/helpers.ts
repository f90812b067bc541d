/**
 * Shared pieces of the reliability and security suite: emulator and stack configuration for the `spec` program,
 * comparison of the emulator's state with the declared stack (duplicates, orphans, missing objects), secret-leak
 * scanning, driving the `pulumi` CLI directly (for crash tests), and the suite summary each file prints and writes
 * to bench-results/reliability/ at the end.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { Emulator, EmulatorStateSnapshot, FaultConfig, RecordedResponse, Stats } from "../../emulator";
import { REPO_ROOT, engineBinDir, withStack, type EngineStack, type RunStackOptions } from "../helpers/engine";

export const SPEC_PROGRAM = path.join(REPO_ROOT, "test/programs/spec");
export const INPUTS_PROGRAM = path.join(REPO_ROOT, "test/programs/reliability-inputs");

export const REGION = "Belgium, Europe (europe-west1)";
export const PLAN = "Trial Cluster";

// ---- the declared stack -----------------------------------------------------------------------------------------

export interface SpecClient {
  name: string;
  permissions?: string[];
}
export interface SpecSecret {
  name: string;
  secretConfigKey: string;
}
export interface Spec {
  cluster: { name: string; region: string; plan: string; stageLabel?: string; description?: string };
  clients: SpecClient[];
  allowlist?: { ip: string; description: string }[];
  secrets: SpecSecret[];
}

/** How many Pulumi resources (stack excluded) a spec declares. */
export function resourceCount(spec: Spec): number {
  return 1 + spec.clients.length + (spec.allowlist ? 1 : 0) + spec.secrets.length;
}

/** A unique-looking secret value for secret `i` (easy to search for in state files and logs). */
export function secretValue(tag: string, i: number): string {
  return `rel-${tag}-secret-${i}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * A spec of one cluster with `clients` clients, an allowlist and `secrets` connector secrets; the secret values are
 * returned keyed by config key (they go in secret stack config, never in the spec).
 */
export function makeSpec(
  tag: string,
  opts: { clients: number; secrets: number; allowlist?: boolean },
): { spec: Spec; values: Record<string, string> } {
  const values: Record<string, string> = {};
  const secrets: SpecSecret[] = [];
  for (let i = 0; i < opts.secrets; i++) {
    const key = `sv${i}`;
    values[key] = secretValue(tag, i);
    secrets.push({ name: `SECRET_${i}`, secretConfigKey: key });
  }
  const permissionSets = [undefined, ["Zeebe"], ["Zeebe", "Tasklist"], ["Operate", "Optimize"]];
  return {
    spec: {
      cluster: { name: `${tag}-cluster`, region: REGION, plan: PLAN, stageLabel: "dev" },
      clients: Array.from({ length: opts.clients }, (_, i) => {
        const permissions = permissionSets[i % permissionSets.length];
        return { name: `${tag}-client-${i}`, ...(permissions ? { permissions } : {}) };
      }),
      ...(opts.allowlist === false
        ? {}
        : { allowlist: [
            { ip: "203.0.113.0/24", description: "office" },
            { ip: "198.51.100.7", description: "ci runner" },
          ] }),
      secrets,
    },
    values,
  };
}

/** Everything the program and the provider need: the spec, the Console API settings and the secret values. */
export function stackConfig(emu: Emulator, spec: Spec, values: Record<string, string>): ConfigMap {
  const config: ConfigMap = {
    spec: { value: JSON.stringify(spec) },
    "camunda:clientId": { value: emu.credentials.clientId },
    "camunda:clientSecret": { value: emu.credentials.clientSecret, secret: true },
    "camunda:baseUrl": { value: emu.url },
    "camunda:oauthUrl": { value: emu.oauthUrl },
  };
  for (const [k, v] of Object.entries(values)) config[k] = { value: v, secret: true };
  return config;
}

/**
 * The environment of every engine run: short cluster polls, a private token cache, and the Console variables
 * emptied (an empty variable counts as unset), so that nothing from the caller's environment is used.
 */
export function engineEnv(cacheDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CAMUNDA_TOKEN_CACHE_DIR: cacheDir,
    PULUMI_CAMUNDA_POLL_MS: "200",
    CAMUNDA_CONSOLE_CLIENT_ID: "",
    CAMUNDA_CONSOLE_CLIENT_SECRET: "",
    CAMUNDA_CONSOLE_BASE_URL: "",
    CAMUNDA_OAUTH_URL: "",
    CAMUNDA_CONSOLE_OAUTH_AUDIENCE: "",
    CAMUNDA_CONSOLE_MAX_RPS: "",
    CAMUNDA_CONSOLE_MAX_CONCURRENCY: "",
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "",
    ...extra,
  };
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed when the file's Recorder finishes. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pc-rel-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * `withStack` for a whole test file: resolves once the stack exists; `close()` ends the callback (destroying the
 * stack unless `skipDestroy`) and removes every temporary folder.
 */
export async function openStack(opts: RunStackOptions): Promise<{ s: EngineStack; close: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let ready!: (s: EngineStack) => void;
  const opened = new Promise<EngineStack>((r) => (ready = r));
  const finished = withStack(opts, async (s) => {
    ready(s);
    await released;
  });
  const s = await Promise.race([opened, finished.then(() => Promise.reject(new Error("the stack closed before it opened")))]);
  return {
    s,
    close: async () => {
      release();
      await finished;
    },
  };
}

/** Runs a preview that must fail; returns the error lines (of the error message and the engine output). */
export async function failingPreview(s: EngineStack): Promise<string[]> {
  s.output.length = 0;
  const err = await s.preview().then(
    () => undefined,
    (e: Error) => e,
  );
  if (!err) throw new Error(`the preview succeeded; output:\n${s.output.join("\n")}`);
  const text = `${err.message}\n${s.output.join("\n")}`;
  return text.split("\n").filter((l) => /\berror\b/i.test(l));
}

/** The write requests (POST, PUT, PATCH, DELETE) the emulator has seen since its statistics were last reset. */
export function writeRequests(emu: Emulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(emu.stats().apiRequests.byMethod).filter(([m]) => ["POST", "PUT", "PATCH", "DELETE"].includes(m)),
  );
}

// ---- emulator state vs. the declared stack ---------------------------------------------------------------------

export interface Discrepancies {
  /** The same declared object more than once (e.g. two clusters of the declared name). */
  duplicates: string[];
  /** Objects in the emulator that are not declared (or not in the Pulumi state). */
  orphans: string[];
  /** Declared objects the emulator does not have. */
  missing: string[];
  /** Declared objects whose content differs (secret value, allowlist, permissions, cluster name). */
  mismatched: string[];
}

export function noDiscrepancy(d: Discrepancies): boolean {
  return d.duplicates.length + d.orphans.length + d.missing.length + d.mismatched.length === 0;
}

export function describeDiscrepancies(d: Discrepancies): string {
  return (["duplicates", "orphans", "missing", "mismatched"] as const)
    .filter((k) => d[k].length > 0)
    .map((k) => `${k}: ${d[k].join("; ")}`)
    .join("\n");
}

type ClusterView = { uuid: string; name: string; ipallowlist?: { ip: string; description: string }[]; status?: { ready?: string } };

/** Compares the emulator's objects with the spec: exactly one cluster, the declared clients, allowlist and secrets. */
export function compareWithSpec(
  state: EmulatorStateSnapshot,
  spec: Spec,
  values: Record<string, string>,
): Discrepancies {
  const d: Discrepancies = { duplicates: [], orphans: [], missing: [], mismatched: [] };
  const clusters = state.clusters as unknown as ClusterView[];
  const mine = clusters.filter((c) => c.name === spec.cluster.name);
  for (const c of clusters) if (c.name !== spec.cluster.name) d.orphans.push(`cluster ${c.name} (${c.uuid})`);
  if (mine.length === 0) {
    d.missing.push(`cluster ${spec.cluster.name}`);
    return d;
  }
  if (mine.length > 1) d.duplicates.push(`cluster ${spec.cluster.name} ×${mine.length} (${mine.map((c) => c.uuid).join(", ")})`);
  for (const cluster of mine) {
    const clients = state.clients[cluster.uuid] ?? [];
    for (const want of spec.clients) {
      const got = clients.filter((c) => c.name === want.name);
      if (got.length === 0 && mine.length === 1) d.missing.push(`client ${want.name}`);
      if (got.length > 1) d.duplicates.push(`client ${want.name} ×${got.length}`);
      if (got.length === 1 && want.permissions && [...got[0].permissions].sort().join() !== [...want.permissions].sort().join()) {
        d.mismatched.push(`client ${want.name} permissions ${got[0].permissions.join(",")}`);
      }
    }
    for (const c of clients) {
      if (!spec.clients.some((w) => w.name === c.name)) d.orphans.push(`client ${c.name} (${c.clientId}) on ${cluster.uuid}`);
    }
    const secrets = state.secrets[cluster.uuid] ?? {};
    for (const want of spec.secrets) {
      if (!(want.name in secrets)) {
        if (mine.length === 1) d.missing.push(`secret ${want.name}`);
      } else if (secrets[want.name] !== values[want.secretConfigKey]) {
        d.mismatched.push(`secret ${want.name} has another value`);
      }
    }
    for (const name of Object.keys(secrets)) {
      if (!spec.secrets.some((w) => w.name === name)) d.orphans.push(`secret ${name} on ${cluster.uuid}`);
    }
    const allow = (cluster.ipallowlist ?? []).map((e) => `${e.ip} ${e.description}`).sort();
    const wantAllow = (spec.allowlist ?? []).map((e) => `${e.ip} ${e.description}`).sort();
    if (JSON.stringify(allow) !== JSON.stringify(wantAllow)) d.mismatched.push(`allowlist ${JSON.stringify(allow)}`);
  }
  return d;
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
}

/** The resources of a stack's checkpoint (`pulumi stack export`), and its pending operations. */
export async function exportedState(s: EngineStack): Promise<{ resources: StateResource[]; pending: { type: string; urn: string }[] }> {
  const dep = await s.stack.exportStack();
  const d = dep.deployment as { resources?: StateResource[]; pending_operations?: { type: string; resource: { urn: string } }[] };
  return {
    resources: d.resources ?? [],
    pending: (d.pending_operations ?? []).map((p) => ({ type: p.type, urn: p.resource.urn })),
  };
}

/**
 * Objects in the emulator that no resource of the Pulumi state stands for (orphans), and state resources whose
 * object is gone (dangling). Ids: cluster uuid, `<clusterId>/<clientId>`, `<clusterId>/<secretName>`.
 */
export function compareWithPulumiState(state: EmulatorStateSnapshot, resources: StateResource[]): { orphans: string[]; dangling: string[] } {
  const ids = (kind: string) => new Set(resources.filter((r) => r.type.endsWith(`camunda:${kind}`)).map((r) => r.id ?? ""));
  const clusterIds = ids("Cluster");
  const clientIds = ids("ZeebeClient");
  const secretIds = ids("ConnectorSecret");
  const orphans: string[] = [];
  const present = new Set<string>();
  for (const c of state.clusters as unknown as ClusterView[]) {
    present.add(c.uuid);
    if (!clusterIds.has(c.uuid)) orphans.push(`cluster ${c.name} (${c.uuid})`);
    for (const cl of state.clients[c.uuid] ?? []) {
      present.add(`${c.uuid}/${cl.clientId}`);
      if (!clientIds.has(`${c.uuid}/${cl.clientId}`)) orphans.push(`client ${cl.name} (${c.uuid}/${cl.clientId})`);
    }
    for (const name of Object.keys(state.secrets[c.uuid] ?? {})) {
      present.add(`${c.uuid}/${name}`);
      if (!secretIds.has(`${c.uuid}/${name}`)) orphans.push(`secret ${name} (${c.uuid}/${name})`);
    }
  }
  const dangling = [...clusterIds, ...clientIds, ...secretIds].filter((id) => !present.has(id));
  return { orphans, dangling };
}

// ---- secrets -----------------------------------------------------------------------------------------------------

/** A JSON Web Token (header.payload.signature, base64url): what an access token looks like. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

export interface Leak {
  source: string;
  what: string;
}

/** Every occurrence of a secret value or a JWT-looking string in the given texts. */
export function findLeaks(texts: { source: string; text: string }[], secrets: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  for (const { source, text } of texts) {
    for (const [label, value] of Object.entries(secrets)) {
      if (value.length >= 6 && text.includes(value)) leaks.push({ source, what: label });
    }
    for (const m of text.matchAll(JWT_PATTERN)) leaks.push({ source, what: `JWT ${m[0].slice(0, 12)}…` });
  }
  return leaks;
}

/** Records the secrets the emulator hands out: access tokens and client secrets (from the response bodies). */
export class SecretCollector {
  readonly values = new Map<string, string>();

  readonly onResponse = (r: RecordedResponse): void => {
    if (r.statusCode < 200 || r.statusCode >= 300 || !r.body.startsWith("{")) return;
    try {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      if (r.kind === "token" && typeof body.access_token === "string") this.values.set(`access token #${this.values.size}`, body.access_token);
      if (r.kind === "api" && typeof body.clientSecret === "string") {
        this.values.set(`client secret of ${String(body.name ?? body.clientId)}`, body.clientSecret);
      }
    } catch {
      // not JSON
    }
  };

  record(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

/** The text of every file under `dir` (recursively; unreadable files skipped). */
export function filesText(dir: string): { source: string; text: string }[] {
  const out: { source: string; text: string }[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (fs.statSync(p).size < 20_000_000) out.push({ source: p, text: fs.readFileSync(p, "utf8") });
        } catch {
          // gone or unreadable
        }
      }
    }
  };
  walk(dir);
  return out;
}

// ---- the CLI, driven directly ----------------------------------------------------------------------------------

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `pulumi <args>` for the stack in its own process group (so that the whole tree can be killed). */
export function startCli(s: EngineStack, args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const started = Date.now();
  const child = spawn(path.join(engineBinDir(), "pulumi"), [...args, "--stack", s.stack.name, "--non-interactive", "--color", "never"], {
    cwd: s.workDir,
    env: { ...process.env, ...s.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
    child.on("error", (err) => resolve({ code: -1, signal: null, stdout, stderr: `${stderr}\n${err.message}`, ms: Date.now() - started }));
  });
  return { child, done };
}

export function runCli(s: EngineStack, args: string[]): Promise<CliResult> {
  return startCli(s, args).done;
}

/** Every descendant process id of `pid` (from /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/**
 * SIGKILLs a CLI started by `startCli`: its process group and every descendant (the language host, the program,
 * the dynamic provider), by their ids. Returns the ids killed.
 */
export function killTree(child: ChildProcess): number[] {
  const pid = child.pid;
  if (pid === undefined) return [];
  const tree = [pid, ...descendants(pid)];
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // group already gone
  }
  for (const p of tree) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return tree;
}

/** Whether any of these processes is still alive (zombies excluded). */
export function anyAlive(pids: number[]): number[] {
  return pids.filter((p) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  });
}

// ---- fault configurations ------------------------------------------------------------------------------------------

/**
 * A mix of every fault kind such that about `share` of the API requests fail: 5xx, 429 (Retry-After 1 s) and
 * dropped connections on any request, 412 on GETs, 409 "change in progress" on secret writes; plus 15–55 ms of
 * latency on every response and deleted secrets that stay visible for 15 s.
 */
export function faultMix(share: number, seed: number, extra: Partial<FaultConfig> = {}): FaultConfig {
  return {
    latencyMs: 15,
    jitterMs: 40,
    serverError: { rate: share * 0.35 },
    rateLimit: { rate: share * 0.25, retryAfterSeconds: 1 },
    dropConnection: { rate: share * 0.2 },
    notReady: { rate: share * 0.2 },
    secretConflict: { rate: share * 0.2 },
    secretLingerMs: 15_000,
    seed,
    ...extra,
  };
}

/** The number of injected faults that answered a request with an error (latency excluded). */
export function errorFaults(f: Stats["faultsInjected"]): number {
  return f.serverError + f.rateLimit + f.dropConnection + f.notReady + f.secretConflict;
}

// ---- the summary -------------------------------------------------------------------------------------------------

export interface ScenarioRecord {
  name: string;
  passed: boolean;
  ms: number;
  error?: string;
}

export interface FileSummary {
  file: string;
  runId: string;
  mode: "fast" | "long";
  finishedAt: string;
  scenarios: ScenarioRecord[];
  faultsInjected: Stats["faultsInjected"];
  apiRequests: number;
  tokenRequests: number;
  badInputsTried: number;
  duplicates: number;
  orphans: number;
  leakedSecrets: number;
  findings: string[];
}

const MODE: "fast" | "long" = process.env.PULUMI_CAMUNDA_LONG_TESTS === "1" ? "long" : "fast";
/** The jest run: every worker of one run shares its parent (the jest process); a run in band is its own process. */
const RUN_ID = String(process.env.JEST_WORKER_ID ? process.ppid : process.pid);
export const SUMMARY_DIR = path.join(REPO_ROOT, "bench-results", "reliability", MODE);

function zeroFaults(): Stats["faultsInjected"] {
  return { latency: 0, serverError: 0, rateLimit: 0, dropConnection: 0, notReady: 0, secretConflict: 0, lingeringSecretReads: 0 };
}

/**
 * Collects what a test file did (scenarios, faults, bad inputs, duplicates, orphans, leaks, findings) and, in
 * `finish()` (afterAll), writes it to bench-results/reliability/<mode>/<file>.json and prints this file's summary
 * and the total of every file of the same jest run that has finished so far.
 */
export class Recorder {
  readonly data: FileSummary;

  constructor(file: string) {
    this.data = {
      file: path.basename(file),
      runId: RUN_ID,
      mode: MODE,
      finishedAt: "",
      scenarios: [],
      faultsInjected: zeroFaults(),
      apiRequests: 0,
      tokenRequests: 0,
      badInputsTried: 0,
      duplicates: 0,
      orphans: 0,
      leakedSecrets: 0,
      findings: [],
    };
  }

  /** Adds the emulator's counters to the totals (call before every reset of its statistics). */
  absorb(emu: Emulator): void {
    const st = emu.stats();
    for (const k of Object.keys(st.faultsInjected) as (keyof Stats["faultsInjected"])[]) this.data.faultsInjected[k] += st.faultsInjected[k];
    this.data.apiRequests += st.apiRequests.total;
    this.data.tokenRequests += st.tokenRequests.total;
  }

  resetStats(emu: Emulator): void {
    this.absorb(emu);
    emu.resetStats();
  }

  reset(emu: Emulator): void {
    this.absorb(emu);
    emu.reset();
  }

  finding(text: string): void {
    if (!this.data.findings.includes(text)) this.data.findings.push(text);
    process.stdout.write(`reliability finding: ${text}\n`);
  }

  /** `it(name, fn)` that records the outcome and run time, and absorbs the emulator's counters at the end. */
  scenario(name: string, fn: () => Promise<void>, opts: { timeoutMs?: number; emu?: () => Emulator } = {}): void {
    it(
      name,
      async () => {
        const started = Date.now();
        try {
          await fn();
          this.data.scenarios.push({ name, passed: true, ms: Date.now() - started });
        } catch (err) {
          this.data.scenarios.push({ name, passed: false, ms: Date.now() - started, error: String((err as Error).message ?? err).slice(0, 2000) });
          throw err;
        } finally {
          const emu = opts.emu?.();
          if (emu) this.resetStats(emu);
        }
      },
      opts.timeoutMs,
    );
  }

  finish(): void {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    this.data.finishedAt = new Date().toISOString();
    fs.mkdirSync(SUMMARY_DIR, { recursive: true });
    const file = path.join(SUMMARY_DIR, this.data.file.replace(/\.ts$/, ".json"));
    fs.writeFileSync(file, JSON.stringify(this.data, null, 2) + "\n");
    const all = fs
      .readdirSync(SUMMARY_DIR)
      .filter((f) => f.endsWith(".json") && f !== "summary.json")
      .map((f) => {
        try {
          return JSON.parse(fs.readFileSync(path.join(SUMMARY_DIR, f), "utf8")) as FileSummary;
        } catch {
          return undefined;
        }
      })
      .filter((x): x is FileSummary => x !== undefined && x.runId === RUN_ID);
    const total = aggregate(all);
    fs.writeFileSync(path.join(SUMMARY_DIR, "summary.json"), JSON.stringify(total, null, 2) + "\n");
    process.stdout.write(`${render(`reliability (${MODE}) ${this.data.file}`, aggregate([this.data]))}\n`);
    if (all.length > 1) process.stdout.write(`${render(`reliability (${MODE}) run total, ${all.length} files so far`, total)}\n`);
    process.stdout.write(`reliability summary written to ${path.relative(REPO_ROOT, file)} and ${path.relative(REPO_ROOT, path.join(SUMMARY_DIR, "summary.json"))}\n`);
  }
}

interface Totals {
  runId: string;
  mode: string;
  files: string[];
  scenariosRun: number;
  scenariosPassed: number;
  scenariosFailed: string[];
  faultsInjected: Stats["faultsInjected"] & { total: number };
  apiRequests: number;
  tokenRequests: number;
  badInputsTried: number;
  duplicates: number;
  orphans: number;
  leakedSecrets: number;
  findings: string[];
}

function aggregate(files: FileSummary[]): Totals {
  const faults = zeroFaults();
  for (const f of files) for (const k of Object.keys(faults) as (keyof typeof faults)[]) faults[k] += f.faultsInjected[k];
  const scenarios = files.flatMap((f) => f.scenarios.map((s) => ({ ...s, file: f.file })));
  return {
    runId: RUN_ID,
    mode: MODE,
    files: files.map((f) => f.file),
    scenariosRun: scenarios.length,
    scenariosPassed: scenarios.filter((s) => s.passed).length,
    scenariosFailed: scenarios.filter((s) => !s.passed).map((s) => `${s.file}: ${s.name}`),
    faultsInjected: { ...faults, total: errorFaults(faults) },
    apiRequests: files.reduce((n, f) => n + f.apiRequests, 0),
    tokenRequests: files.reduce((n, f) => n + f.tokenRequests, 0),
    badInputsTried: files.reduce((n, f) => n + f.badInputsTried, 0),
    duplicates: files.reduce((n, f) => n + f.duplicates, 0),
    orphans: files.reduce((n, f) => n + f.orphans, 0),
    leakedSecrets: files.reduce((n, f) => n + f.leakedSecrets, 0),
    findings: files.flatMap((f) => f.findings.map((x) => `${f.file}: ${x}`)),
  };
}

function render(title: string, t: Totals): string {
  const f = t.faultsInjected;
  const lines = [
    `==== ${title} ====`,
    `scenarios run: ${t.scenariosRun} (passed ${t.scenariosPassed}, failed ${t.scenariosFailed.length})`,
    ...t.scenariosFailed.map((s) => `  FAILED ${s}`),
    `faults injected: ${f.total} (5xx ${f.serverError}, 429 ${f.rateLimit}, dropped ${f.dropConnection}, 412 ${f.notReady}, ` +
      `secret 409 ${f.secretConflict}; plus ${f.latency} delayed responses and ${f.lingeringSecretReads} lingering-secret reads)`,
    `API requests: ${t.apiRequests}, token requests: ${t.tokenRequests}`,
    `bad inputs tried: ${t.badInputsTried}`,
    `duplicates found: ${t.duplicates}   orphans found: ${t.orphans}   leaked secrets found: ${t.leakedSecrets}`,
    ...(t.findings.length ? ["findings:", ...t.findings.map((x) => `  - ${x}`)] : []),
  ];
  return lines.join("\n");
}
