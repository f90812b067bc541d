/**
 * Crash recovery (long, `npm run test:reliability`): `pulumi up` is SIGKILLed (its whole process tree: the CLI,
 * the language host, the program and the dynamic provider) at random moments, repeatedly, alternately while a
 * stack is created from nothing and while it is updated. Half the rounds kill after a random delay, the other half
 * a random 0–150 ms after the emulator answered a random one of the run's write requests (so that kills land
 * inside resource operations). A second scenario kills at the worst moments on purpose: the instant the Console
 * API has carried out a create (cluster, client, secret), a client delete or a secret update, before the provider
 * has even read the answer; and a few ms after a create's last request, while the provider hands the result to the
 * engine and the engine records it. After each crash the documented recovery runs —
 * `pulumi cancel --yes` when the killed run left its lock in the file backend (the engine's own advice), then
 * `pulumi refresh --yes --clear-pending-creates`, then `pulumi up` — and must converge: the emulator then holds
 * exactly the declared stack, with no duplicate and no orphan (an object in the emulator that no resource of the
 * Pulumi state stands for). Every divergence is reported with the exact sequence that led to it; orphans are then
 * removed so that the next round starts clean.
 *
 * PULUMI_CAMUNDA_CRASH_RUNS (default 12) and PULUMI_CAMUNDA_CRASH_SEED (default 4242) tune the rounds;
 * PULUMI_CAMUNDA_CRASH_DEBUG=1 prints the state and the emulator's clusters at each step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Emulator, EmulatorStateSnapshot, RecordedResponse } from "../../emulator";
import { startEmulator } from "../../emulator";
import { mulberry32 } from "../../emulator/faults";
import { withStack, withStacks, type EngineStack } from "../helpers/engine";
import {
  Recorder,
  SPEC_PROGRAM,
  anyAlive,
  compareWithPulumiState,
  compareWithSpec,
  describeDiscrepancies,
  engineEnv,
  exportedState,
  killTree,
  makeSpec,
  noDiscrepancy,
  runCli,
  secretValue,
  stackConfig,
  startCli,
  tempDir,
  type CliResult,
  type Spec,
} from "./helpers";

const rec = new Recorder(__filename);
const RUNS = Number(process.env.PULUMI_CAMUNDA_CRASH_RUNS ?? 12);
const SEED = Number(process.env.PULUMI_CAMUNDA_CRASH_SEED ?? 4242);
let emu: Emulator;
/** Called for each API response of the emulator, before the answer is sent. */
let onApi: ((r: RecordedResponse) => void) | undefined;

beforeAll(async () => {
  emu = await startEmulator({
    provisioningMs: 1500,
    faults: { latencyMs: 20, jitterMs: 40 },
    onResponse: (r) => {
      if (r.kind === "api") onApi?.(r);
    },
  });
});
afterAll(async () => {
  rec.finish();
  await emu?.stop();
});

interface Orphan {
  kind: "cluster" | "client" | "secret";
  clusterId: string;
  id: string;
  label: string;
}

/** Emulator objects no resource of the Pulumi state stands for. */
function orphansOf(state: EmulatorStateSnapshot, ids: Set<string>): Orphan[] {
  const out: Orphan[] = [];
  for (const c of state.clusters as unknown as { uuid: string; name: string }[]) {
    if (!ids.has(c.uuid)) out.push({ kind: "cluster", clusterId: c.uuid, id: c.uuid, label: `cluster ${c.name} (${c.uuid})` });
    for (const cl of state.clients[c.uuid] ?? []) {
      if (!ids.has(`${c.uuid}/${cl.clientId}`)) out.push({ kind: "client", clusterId: c.uuid, id: cl.clientId, label: `client ${cl.name} (${cl.clientId})` });
    }
    for (const name of Object.keys(state.secrets[c.uuid] ?? {})) {
      if (!ids.has(`${c.uuid}/${name}`)) out.push({ kind: "secret", clusterId: c.uuid, id: name, label: `secret ${name} on ${c.uuid}` });
    }
  }
  return out;
}

function removeOrphans(orphans: Orphan[]): void {
  for (const o of orphans.filter((x) => x.kind === "cluster")) emu.deleteCluster(o.id);
  for (const o of orphans.filter((x) => x.kind !== "cluster" && emu.state().clusters.some((c) => (c as { uuid: string }).uuid === x.clusterId))) {
    if (o.kind === "client") emu.deleteClient(o.clusterId, o.id);
    else emu.deleteSecret(o.clusterId, o.id);
  }
}

/** The distinct error messages of a CLI run (the text after "error:"), shortened. */
function errorLines(r: CliResult): string {
  const messages = `${r.stdout}\n${r.stderr}`
    .split("\n")
    .map((l) => /error:\s*(.*)$/.exec(l)?.[1]?.trim())
    .filter((m): m is string => !!m && m !== "update failed");
  return [...new Set(messages)].slice(0, 3).map((m) => m.slice(0, 300)).join(" | ");
}

/**
 * The stack's checkpoint. A SIGKILL can leave the file backend's checkpoint unreadable ("failed to load checkpoint:
 * EOF": the blob's `.attrs` side file left empty), a Pulumi file-backend matter, not the provider's. That is
 * recorded and repaired like a user would: empty `.attrs` files are removed (they hold no information), and if the
 * checkpoint is still unreadable the newest readable copy the backend kept (`<stack>.json.bak`, then
 * `.pulumi/backups/`) is imported, so that the recovery can go on.
 */
async function readState(s: EngineStack, seq: string[], engineIssues: string[]): Promise<Awaited<ReturnType<typeof exportedState>>> {
  try {
    return await exportedState(s);
  } catch (err) {
    const reason = String((err as Error).message).split("\n").find((l) => /^error:/.test(l.trim())) ?? String(err).slice(0, 200);
    const root = path.join(s.backendDir, ".pulumi");
    const walk = (d: string): string[] =>
      fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
    const stackFiles = walk(path.join(root, "stacks")).map((f) => `${path.relative(root, f)} (${fs.statSync(f).size} B)`);
    const repairs: string[] = [];
    for (const f of walk(path.join(root, "stacks")).filter((x) => x.endsWith(".attrs") && fs.statSync(x).size === 0)) {
      fs.rmSync(f);
      repairs.push(`removed the empty ${path.relative(root, f)}`);
    }
    let state: Awaited<ReturnType<typeof exportedState>> | undefined;
    try {
      state = await exportedState(s);
    } catch {
      const candidates = [
        ...walk(path.join(root, "stacks")).filter((f) => f.endsWith(".json.bak")),
        ...walk(path.join(root, "backups")).filter((f) => f.endsWith(".json")).sort().reverse(),
      ];
      for (const f of candidates) {
        try {
          const checkpoint = JSON.parse(fs.readFileSync(f, "utf8")) as { checkpoint?: { latest?: unknown } };
          if (!checkpoint.checkpoint?.latest) continue;
          const file = path.join(path.dirname(s.backendDir), `import-${Date.now()}.json`);
          fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: checkpoint.checkpoint.latest }));
          const imp = await runCli(s, ["stack", "import", "--file", file, "--force"]);
          if (imp.code === 0) {
            repairs.push(`imported ${path.relative(root, f)}`);
            state = await exportedState(s);
            break;
          }
        } catch {
          // try the next copy
        }
      }
    }
    const issue = `checkpoint unreadable after the SIGKILL (${reason.trim()}; files: ${stackFiles.join(", ")}); ${repairs.join(", ") || "not repaired"}`;
    engineIssues.push(issue);
    rec.finding(`Pulumi file backend: ${issue}`);
    seq.push(issue);
    if (!state) throw err;
    return state;
  }
}

function lockFiles(s: EngineStack): string[] {
  const dir = path.join(s.backendDir, ".pulumi", "locks");
  const walk = (d: string): string[] =>
    fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
  return walk(dir);
}

const describeWrite = (r: RecordedResponse) => `${r.method} ${r.route ?? r.url} → ${r.statusCode}`;

type KillPlan =
  | { kind: "time"; ms: number }
  | { kind: "write"; nth: number; extraMs: number }
  | { kind: "at"; label: string; match: (r: RecordedResponse) => boolean; delayMs?: number };

interface Crasher {
  /** One round: `prepare` (destroy or a spec change), an up killed as planned, the recovery, the convergence check. */
  round(label: string, prepare: () => Promise<string>, plan: KillPlan): Promise<boolean>;
  findings: string[];
  engineIssues: string[];
}

/** Crash rounds on one stack; every divergence is recorded with its sequence, then cleaned up. */
function crasher(s: EngineStack, spec: Spec, values: Record<string, string>): Crasher {
  const findings: string[] = [];
  const engineIssues: string[] = [];
  const round = async (label: string, prepare: () => Promise<string>, plan: KillPlan): Promise<boolean> => {
    const seq: string[] = [await prepare()];
    const dbg = async (at: string) => {
      if (!process.env.PULUMI_CAMUNDA_CRASH_DEBUG) return;
      const n = (await readState(s, seq, engineIssues)).resources.length;
      process.stdout.write(`DEBUG ${label} ${at}: state ${n} resources, emulator clusters ${JSON.stringify(emu.state().clusters.map((c) => c.uuid))}\n`);
    };
    await dbg("before the up");

    const started = Date.now();
    const run = startCli(s, ["up", "--yes", "--skip-preview"]);
    let tree: number[] = [];
    let killedAt = 0;
    let when = "";
    const kill = () => {
      if (tree.length === 0) {
        killedAt = Date.now() - started;
        tree = killTree(run.child);
      }
    };
    const timer = new AbortController();
    if (plan.kind === "time") {
      when = `after ${plan.ms} ms`;
      sleep(plan.ms, undefined, { signal: timer.signal }).then(kill, () => undefined);
    } else if (plan.kind === "write") {
      let writes = 0;
      when = `${plan.extraMs} ms after write #${plan.nth} (not reached)`;
      onApi = (r) => {
        if (r.method === "GET" || ++writes !== plan.nth) return;
        onApi = undefined;
        when = `${plan.extraMs} ms after write #${plan.nth} (${describeWrite(r)})`;
        sleep(plan.extraMs, undefined, { signal: timer.signal }).then(kill, () => undefined);
      };
    } else {
      const at = plan.delayMs ? `${plan.delayMs} ms after` : "the instant";
      when = `${at} the Console API answered ${plan.label} (not reached)`;
      onApi = (r) => {
        if (!plan.match(r)) return;
        onApi = undefined;
        when = `${at} the Console API answered ${describeWrite(r)}`;
        // With no delay: from inside the emulator, before its answer reaches the provider.
        if (plan.delayMs) sleep(plan.delayMs, undefined, { signal: timer.signal }).then(kill, () => undefined);
        else kill();
      };
    }
    await run.done;
    timer.abort();
    onApi = undefined;
    if (tree.length === 0) {
      seq.push(`up finished before the kill (${when})`);
    } else {
      await sleep(300);
      const alive = anyAlive(tree);
      if (alive.length > 0) {
        findings.push(`${label}: processes survived the SIGKILL of the tree: ${alive.join(", ")}`);
        for (const p of alive) process.kill(p, "SIGKILL");
      }
      const st = await readState(s, seq, engineIssues);
      const atCrash = orphansOf(emu.state(), new Set(st.resources.map((r) => r.id ?? "")));
      seq.push(
        `SIGKILL ${when}, ${killedAt} ms into the run (${tree.length} processes; pending: ${st.pending.map((p) => `${p.type} ${p.urn.split("::").pop()}`).join(", ") || "none"}` +
          `; not in state yet: ${atCrash.map((o) => o.label).join(", ") || "nothing"}${lockFiles(s).length ? `; ${lockFiles(s).length} lock file(s) left` : ""})`,
      );
    }

    await dbg("after the kill");
    if (lockFiles(s).length > 0) {
      const cancel = await runCli(s, ["cancel", "--yes"]);
      seq.push(`cancel (exit ${cancel.code}${cancel.code ? `: ${errorLines(cancel)}` : ""})`);
    }
    const refresh = await runCli(s, ["refresh", "--yes", "--clear-pending-creates"]);
    seq.push(`refresh --clear-pending-creates (exit ${refresh.code}${refresh.code ? `: ${errorLines(refresh)}` : ""})`);
    await dbg("after refresh");
    const up = await runCli(s, ["up", "--yes", "--skip-preview"]);
    seq.push(`up (exit ${up.code}${up.code ? `: ${errorLines(up)}` : ""})`);

    const state = emu.state({ revealSecrets: true });
    const resources = (await readState(s, seq, engineIssues)).resources;
    const d = compareWithSpec(state, spec, values);
    const vsPulumi = compareWithPulumiState(state, resources);
    const converged = up.code === 0 && noDiscrepancy(d) && vsPulumi.orphans.length === 0 && vsPulumi.dangling.length === 0;
    const line = `${label}: ${seq.join(" → ")}`;
    process.stdout.write(`crash: ${line} → ${converged ? "converged" : "DIVERGED"}\n`);
    if (!converged) {
      rec.data.duplicates += d.duplicates.length;
      rec.data.orphans += new Set([...d.orphans, ...vsPulumi.orphans]).size;
      const what = [
        describeDiscrepancies(d).replace(/\n/g, "; "),
        vsPulumi.orphans.length ? `not in the Pulumi state: ${vsPulumi.orphans.join("; ")}` : "",
        vsPulumi.dangling.length ? `dangling: ${vsPulumi.dangling.join("; ")}` : "",
      ]
        .filter(Boolean)
        .join(" / ");
      findings.push(`${line} → ${what || "the up failed"}`);
      rec.finding(`${line} → ${what || "the up failed"}`);
      // Start the next round clean: remove the orphans, then let an up repair the rest.
      removeOrphans(orphansOf(emu.state(), new Set(resources.map((r) => r.id ?? ""))));
      const repair = await runCli(s, ["up", "--yes", "--skip-preview", "--refresh"]);
      if (repair.code !== 0) {
        await runCli(s, ["destroy", "--yes", "--skip-preview"]);
        removeOrphans(orphansOf(emu.state(), new Set()));
      }
    }
    return converged;
  };
  return { round, findings, engineIssues };
}

/** Destroys the stack (so that the next up creates everything). */
async function destroyFirst(s: EngineStack, findings: string[]): Promise<string> {
  const d = await runCli(s, ["destroy", "--yes", "--skip-preview"]);
  if (d.code !== 0 || emu.state().clusters.length > 0) {
    findings.push(`destroy before a round failed or left clusters: ${errorLines(d)}`);
    removeOrphans(orphansOf(emu.state(), new Set()));
  }
  return `destroy (exit ${d.code})`;
}

/** An update: one client renamed (a replacement: new client, then the old one deleted) and one secret value changed. */
async function changeSpec(s: EngineStack, spec: Spec, values: Record<string, string>, n: number): Promise<string> {
  const i = n % spec.clients.length;
  spec.clients[i] = { ...spec.clients[i], name: `crash-client-${i}-r${n}` };
  const key = `sv${n % spec.secrets.length}`;
  values[key] = secretValue("crash", n);
  await s.setConfig(key, values[key], true);
  await s.setConfig("spec", JSON.stringify(spec));
  return `update (client ${i} renamed, ${key} changed)`;
}

function report(c: Crasher, rounds: number): void {
  process.stdout.write(`crash: ${rounds} rounds, ${c.findings.length} diverged\n${c.findings.map((f) => `  - ${f}`).join("\n")}\n`);
  if (c.engineIssues.length) process.stdout.write(`crash: Pulumi engine issues (not the provider's):\n${c.engineIssues.map((f) => `  - ${f}`).join("\n")}\n`);
}

rec.scenario(
  `SIGKILL of pulumi up at random moments (${RUNS} rounds, seed ${SEED}): refresh --clear-pending-creates then up always converges, no duplicates, no orphans`,
  async () => {
    const random = mulberry32(SEED);
    const { spec, values } = makeSpec("crash", { clients: 3, secrets: 3 });
    await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir("crash-cache")) }, async (s) => {
      // The CLI supports the documented recovery.
      const help = await runCli(s, ["refresh", "--help"]);
      expect(help.stdout).toContain("--clear-pending-creates");

      // Calibration: how long an undisturbed up from nothing takes.
      const base = await runCli(s, ["up", "--yes", "--skip-preview"]);
      expect({ code: base.code, errors: errorLines(base) }).toEqual({ code: 0, errors: "" });
      process.stdout.write(`crash: an undisturbed up takes ${base.ms} ms\n`);

      const c = crasher(s, spec, values);
      for (let n = 1; n <= RUNS; n++) {
        const fromScratch = n % 2 === 1;
        // Kill after a random delay, or a random 0–150 ms after a random one of the run's write requests.
        const byWrite = n % 4 === 2 || n % 4 === 3;
        const expectedWrites = fromScratch ? 8 : 3; // cluster, 3 clients, allowlist, 3 secrets | new client, old client, secret
        const plan: KillPlan = byWrite
          ? { kind: "write", nth: 1 + Math.floor(random() * expectedWrites), extraMs: Math.round(random() * 150) }
          : { kind: "time", ms: Math.round(300 + random() * Math.max(500, base.ms * 0.9 - 300)) };
        await c.round(
          `round ${n} (${fromScratch ? "create from nothing" : "update"})`,
          () => (fromScratch ? destroyFirst(s, c.findings) : changeSpec(s, spec, values, n)),
          plan,
        );
      }
      const destroy = await s.destroy();
      expect(destroy.summary.result).toBe("succeeded");
      expect(emu.state().clusters).toHaveLength(0);
      report(c, RUNS);
      expect(c.findings).toEqual([]);
    });
  },
  { timeoutMs: 1_800_000, emu: () => emu },
);

const isPost = (route: string) => (r: RecordedResponse) => r.method === "POST" && r.route === route && r.statusCode < 300;

rec.scenario(
  "SIGKILL the instant the Console API carried out a write, or just after a create's last request: every next run converges",
  async () => {
    const { spec, values } = makeSpec("crash", { clients: 3, secrets: 3 });
    await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir("crash-at-cache")) }, async (s) => {
      const c = crasher(s, spec, values);
      const healthy = (r: RecordedResponse) => r.method === "GET" && r.route === "/clusters/:clusterId" && /"ready":"Healthy"/.test(r.body);
      const targets: { label: string; fromScratch: boolean; match: (r: RecordedResponse) => boolean; delayMs?: number }[] = [
        { label: "cluster create", fromScratch: true, match: isPost("/clusters") },
        { label: "client create", fromScratch: true, match: isPost("/clusters/:clusterId/clients") },
        { label: "secret create", fromScratch: true, match: isPost("/clusters/:clusterId/secrets") },
        { label: "allowlist update", fromScratch: true, match: (r) => r.method === "PUT" && r.route === "/clusters/:clusterId/ipallowlist" },
        // Shortly after a create's last request: the provider returns to the engine, which records the resource.
        { label: "the cluster's first Healthy read", fromScratch: true, match: healthy, delayMs: 15 },
        { label: "the cluster's first Healthy read", fromScratch: true, match: healthy, delayMs: 60 },
        { label: "client create", fromScratch: true, match: isPost("/clusters/:clusterId/clients"), delayMs: 30 },
        { label: "replacement client create", fromScratch: false, match: isPost("/clusters/:clusterId/clients") },
        { label: "replaced client delete", fromScratch: false, match: (r) => r.method === "DELETE" && r.route === "/clusters/:clusterId/clients/:clientId" },
        { label: "secret value update", fromScratch: false, match: (r) => r.method === "PUT" && r.route === "/clusters/:clusterId/secrets/:secretName" },
      ];
      let n = 100;
      for (const t of targets) {
        if (!t.fromScratch && emu.state().clusters.length === 0) await runCli(s, ["up", "--yes", "--skip-preview"]);
        await c.round(
          `kill ${t.delayMs ? `${t.delayMs} ms after` : "at"} ${t.label}`,
          () => (t.fromScratch ? destroyFirst(s, c.findings) : changeSpec(s, spec, values, ++n)),
          { kind: "at", label: t.label, match: t.match, delayMs: t.delayMs },
        );
      }
      const destroy = await s.destroy();
      expect(destroy.summary.result).toBe("succeeded");
      expect(emu.state().clusters).toHaveLength(0);
      report(c, targets.length);
      expect(c.findings).toEqual([]);
    });
  },
  { timeoutMs: 1_800_000, emu: () => emu },
);

const TWO_RUNS = Number(process.env.PULUMI_CAMUNDA_CRASH_TWO_RUNS ?? 6);

/** The emulator's state restricted to one cluster (to compare each stack's cluster with the spec on its own). */
function onlyCluster(state: EmulatorStateSnapshot, clusterId: string): EmulatorStateSnapshot {
  return {
    ...state,
    clusters: state.clusters.filter((c) => (c as unknown as { uuid: string }).uuid === clusterId),
    clients: { [clusterId]: state.clients[clusterId] ?? [] },
    secrets: { [clusterId]: state.secrets[clusterId] ?? {} },
  };
}

rec.scenario(
  `two stacks of one project in one folder with one credential and one declaration, one SIGKILLed while both run (${TWO_RUNS} rounds): each converges to its own objects, the other's are never touched`,
  async () => {
    const random = mulberry32(SEED + 1);
    const made = [makeSpec("crash", { clients: 2, secrets: 2 }), makeSpec("crash", { clients: 2, secrets: 2 })];
    // One declaration for both stacks (names identical), each with its own secret values.
    const specs = [made[0].spec, structuredClone(made[0].spec)];
    const values = [made[0].values, made[1].values];
    const cache = tempDir("crash-two-cache");
    await withStacks(
      { programDir: SPEC_PROGRAM, configs: [stackConfig(emu, specs[0], values[0]), stackConfig(emu, specs[1], values[1])], env: engineEnv(cache) },
      ["dev", "prod"],
      async (stacks) => {
        const findings: string[] = [];
        const idsOf = async (s: EngineStack) => new Set((await exportedState(s)).resources.map((r) => r.id ?? "").filter(Boolean));
        for (let n = 1; n <= TWO_RUNS; n++) {
          const v = n % 2; // the victim alternates
          const victim = stacks[v];
          const bystander = stacks[1 - v];
          const seq: string[] = [];
          const fromScratch = n % 3 !== 0;
          if (fromScratch) {
            for (const s of stacks) await runCli(s, ["destroy", "--yes", "--skip-preview"]);
            seq.push("both destroyed");
          } else {
            seq.push(await changeSpec(victim, specs[v], values[v], n));
          }
          const byStanderBefore = fromScratch ? undefined : await idsOf(bystander);
          // Both ups at once; the victim's is killed at a random moment or just after a random write of its own.
          const victimRun = startCli(victim, ["up", "--yes", "--skip-preview"]);
          const bystanderRun = startCli(bystander, ["up", "--yes", "--skip-preview"]);
          const delay = Math.round(400 + random() * 4000);
          await sleep(delay);
          const tree = killTree(victimRun.child);
          await victimRun.done;
          const other = await bystanderRun.done;
          seq.push(`victim ${victim.stack.name} SIGKILLed ${delay} ms in (${tree.length} processes), bystander up exit ${other.code}`);
          await sleep(300);
          for (const p of anyAlive(tree)) process.kill(p, "SIGKILL");
          if (lockFiles(victim).length > 0) await runCli(victim, ["cancel", "--yes"]);
          const refresh = await runCli(victim, ["refresh", "--yes", "--clear-pending-creates"]);
          const up = await runCli(victim, ["up", "--yes", "--skip-preview"]);
          seq.push(`victim refresh (exit ${refresh.code}), up (exit ${up.code}${up.code ? `: ${errorLines(up)}` : ""})`);

          const state = emu.state({ revealSecrets: true });
          const problems: string[] = [];
          if (other.code !== 0) problems.push(`the bystander's up failed: ${errorLines(other)}`);
          if (up.code !== 0) problems.push("the victim's recovery up failed");
          const resources = [...(await exportedState(stacks[0])).resources, ...(await exportedState(stacks[1])).resources];
          const vsPulumi = compareWithPulumiState(state, resources);
          if (vsPulumi.orphans.length) problems.push(`not in either stack's state: ${vsPulumi.orphans.join("; ")}`);
          if (vsPulumi.dangling.length) problems.push(`dangling: ${vsPulumi.dangling.join("; ")}`);
          for (const [i, s] of stacks.entries()) {
            const cluster = (await exportedState(s)).resources.find((r) => r.type.endsWith("camunda:Cluster"));
            if (!cluster?.id) {
              problems.push(`${s.stack.name} holds no cluster`);
              continue;
            }
            const d = compareWithSpec(onlyCluster(state, cluster.id), specs[i], values[i]);
            if (!noDiscrepancy(d)) problems.push(`${s.stack.name}: ${describeDiscrepancies(d).replace(/\n/g, "; ")}`);
          }
          const clusterIds = resources.filter((r) => r.type.endsWith("camunda:Cluster")).map((r) => r.id);
          if (new Set(clusterIds).size !== 2) problems.push(`the two stacks hold clusters ${clusterIds.join(", ")} (not two distinct ones)`);
          if (byStanderBefore) {
            const after = await idsOf(bystander);
            const lost = [...byStanderBefore].filter((id) => !after.has(id));
            if (lost.length) problems.push(`the bystander lost ${lost.join(", ")}`);
          }
          const line = `two stacks, round ${n}: ${seq.join(" → ")}`;
          process.stdout.write(`crash: ${line} → ${problems.length ? `DIVERGED: ${problems.join(" / ")}` : "converged"}\n`);
          if (problems.length) {
            findings.push(`${line} → ${problems.join(" / ")}`);
            rec.finding(`${line} → ${problems.join(" / ")}`);
            rec.data.orphans += vsPulumi.orphans.length;
            for (const s of stacks) await runCli(s, ["destroy", "--yes", "--skip-preview"]);
            removeOrphans(orphansOf(emu.state(), new Set()));
          }
        }
        for (const s of stacks) expect((await s.destroy()).summary.result).toBe("succeeded");
        expect(emu.state().clusters).toHaveLength(0);
        process.stdout.write(`crash: two stacks, ${TWO_RUNS} rounds, ${findings.length} diverged\n${findings.map((f) => `  - ${f}`).join("\n")}\n`);
        expect(findings).toEqual([]);
      },
    );
  },
  { timeoutMs: 1_800_000, emu: () => emu },
);
