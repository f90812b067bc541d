/**
 * The convergence matrix (issue 11): programs users run — the quickstart, the multi-env example, the bench shape, the whole estate (test/programs/estate) —
 * through the real engine against the emulator under each live-shape profile: `up`, `up`, `refresh`, `preview`, with
 * the changes and replacements each reports and the emulator's write requests after the first `up` counted. Every
 * cell must be 0/0/0. The TypeScript examples are transpiled once (the examples test runs them as TypeScript).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import ts from "typescript";
import type { Emulator } from "../../emulator";
import { REPO_ROOT, withStack } from "./engine";

export interface MatrixProgram {
  name: string;
  dir: string;
  config: ConfigMap;
}

/** A transpiled copy of an example (index.ts → index.js, Pulumi.yaml pointing at it). */
function transpiledExample(example: string, into: string): string {
  const src = path.join(REPO_ROOT, "examples", example);
  const out = path.join(into, example);
  fs.mkdirSync(out, { recursive: true });
  const code = ts.transpileModule(fs.readFileSync(path.join(src, "index.ts"), "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  fs.writeFileSync(path.join(out, "index.js"), code);
  const yaml = fs.readFileSync(path.join(src, "Pulumi.yaml"), "utf8").replace(/^runtime:.*$/m, "runtime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js");
  fs.writeFileSync(path.join(out, "Pulumi.yaml"), yaml);
  return out;
}

/** The four programs, ready to run (call once per test file; the folder is removed by `cleanup`). */
const ESTATE = {
  cluster: { name: "estate", region: "Frankfurt, Europe (eu-central-1)", plan: "Advanced", channel: "Stable", generation: "Camunda 8.7.x", autoUpdate: false, encryption: "External", hardwarePackages: 1 },
  encryption: { primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
  members: [{ email: "Ops.Lead@example.com", roles: ["admin", "developer"] }],
  backupSchedule: { schedule: "0  2 * * *" },
  backups: [{ resourceName: "before-upgrade", trigger: "8.7" }],
  monitoring: {},
  monitoringClients: [{ username: "prometheus", rotation: "2026-q4" }],
  secureConnectivity: { allowedPrincipals: ["123456789012"], allowedRegions: ["eu-central-1"] },
  lookups: true,
};

export function matrixPrograms(): { programs: MatrixProgram[]; cleanup: () => void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pc-matrix-"));
  const programs: MatrixProgram[] = [
    { name: "quickstart", dir: transpiledExample("quickstart", tmp), config: {} },
    {
      name: "multi-env",
      dir: transpiledExample("multi-env", tmp),
      config: {
        "camunda-envs:region": { value: "London, Europe (europe-west2)" },
        "camunda-envs:plan": { value: "Trial Cluster" },
        "camunda-envs:clients": { value: JSON.stringify(["payments-worker", "billing-worker"]) },
        "camunda-envs:allowlist": { value: JSON.stringify([{ ip: "203.0.113.0/24", description: "office" }]) },
        "camunda-envs:secretNames": { value: JSON.stringify(["SLACK_TOKEN"]) },
        "camunda-envs:secrets": { value: JSON.stringify({ SLACK_TOKEN: "matrix-slack-value" }), secret: true },
      },
    },
    {
      name: "bench shape (10)",
      dir: path.join(REPO_ROOT, "test/programs/bench"),
      config: { size: { value: "10" }, seed: { value: "matrix-seed", secret: true } },
    },
    {
      // The rest of the Console API: a BYOK cluster and its keys, a member, a schedule, a backup, monitoring and its
      // client, secure connectivity, the lookups.
      name: "estate",
      dir: path.join(REPO_ROOT, "test/programs/estate"),
      config: { "camunda-estate:spec": { value: JSON.stringify(ESTATE) } },
    },
  ];
  return { programs, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

export interface CellResult {
  program: string;
  profile: string;
  changes: number;
  replacements: number;
  writes: number;
  /** What changed, for the failure message. */
  detail: string;
}

function counted(changes: Record<string, number> | undefined): { changes: number; replacements: number; what: string } {
  let n = 0;
  let r = 0;
  const what: string[] = [];
  for (const [op, count] of Object.entries(changes ?? {})) {
    if (op === "same" || !count) continue;
    n += count;
    if (op === "replace" || op === "create-replacement" || op === "delete-replaced") r += count;
    what.push(`${op} ${count}`);
  }
  return { changes: n, replacements: r, what: what.join(", ") };
}

function writeCount(emu: Emulator): { n: number; what: string } {
  const byRoute = emu.stats().apiRequests.byRoute;
  const writes = Object.entries(byRoute).filter(([route]) => !route.startsWith("GET "));
  return { n: writes.reduce((sum, [, c]) => sum + c, 0), what: writes.map(([route, c]) => `${route} ×${c}`).join(", ") };
}

/** One cell: a fresh emulator state under `profiles`, then up, up, refresh, preview. */
export async function runCell(
  emu: Emulator,
  program: MatrixProgram,
  profile: string,
  profiles: string[] | "document" | "live",
  env: Record<string, string>,
): Promise<CellResult> {
  emu.reset();
  emu.setProfiles(profiles);
  return withStack({ programDir: program.dir, config: program.config, env: { ...env, ...emu.env() }, skipDestroy: true }, async (s) => {
    await s.up();
    emu.resetStats();
    const steps = [
      ["up", counted((await s.up()).summary.resourceChanges)],
      ["refresh", counted((await s.refresh()).summary.resourceChanges)],
      ["preview", counted((await s.preview()).changeSummary)],
    ] as const;
    const writes = writeCount(emu);
    const detail = [
      ...steps.filter(([, c]) => c.changes > 0).map(([op, c]) => `${op}: ${c.what}`),
      writes.n ? `writes: ${writes.what}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return {
      program: program.name,
      profile,
      changes: steps.reduce((n, [, c]) => n + c.changes, 0),
      replacements: steps.reduce((n, [, c]) => n + c.replacements, 0),
      writes: writes.n,
      detail,
    };
  });
}

/** The matrix as a table, one row per profile, one column per program: `changes/replacements/writes`. */
export function matrixTable(results: CellResult[]): string {
  const programs = [...new Set(results.map((r) => r.program))];
  const profiles = [...new Set(results.map((r) => r.profile))];
  const width = Math.max(...profiles.map((p) => p.length), 7);
  const head = `${"profile".padEnd(width)} | ${programs.map((p) => p.padEnd(18)).join(" | ")}`;
  const rows = profiles.map((profile) => {
    const cells = programs.map((program) => {
      const r = results.find((x) => x.profile === profile && x.program === program);
      return (r ? `${r.changes}/${r.replacements}/${r.writes}` : "-").padEnd(18);
    });
    return `${profile.padEnd(width)} | ${cells.join(" | ")}`;
  });
  return ["changes/replacements/writes after the first up (up, refresh, preview):", head, "-".repeat(head.length), ...rows].join("\n");
}

/** Writes the cells to bench-results/convergence/<name>.json. */
export function saveMatrix(name: string, results: CellResult[]): void {
  const dir = path.join(REPO_ROOT, "bench-results/convergence");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(results, null, 2) + "\n");
}
