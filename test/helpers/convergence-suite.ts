/**
 * One half of the convergence matrix as a jest suite (the two halves run in parallel on the two jest workers):
 * every program under every profile of `rows`, each cell its own test, the table printed and saved at the end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { matrixPrograms, matrixTable, runCell, saveMatrix, type CellResult } from "./convergence";

export type MatrixRow = [label: string, profiles: string[] | "document" | "live"];

export function convergenceSuite(name: string, rows: MatrixRow[]): void {
  let emu: Emulator;
  let cacheDir: string;
  const { programs, cleanup } = matrixPrograms();
  const results: CellResult[] = [];
  beforeAll(async () => {
    // Auto-pause (clusterLifecycle) is tested on its own: in the matrix a cluster must not pause between two runs.
    emu = await startEmulator({ provisioningMs: 300, profileTuning: { consistencyLagMs: 1200 } });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-matrix-cache-"));
  });
  afterAll(async () => {
    process.stdout.write(`\nconvergence matrix (${name}):\n${matrixTable(results)}\n`);
    saveMatrix(name, results);
    await emu?.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    cleanup();
  });
  const cells = rows.flatMap(([label, profiles]) => programs.map((program) => ({ label, profiles, program })));
  it.each(cells.map((c) => [`${c.label} × ${c.program.name}`, c] as const))("%s: 0 changes, 0 replacements, 0 writes", async (_title, c) => {
    const r = await runCell(emu, c.program, c.label, c.profiles, { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "150" });
    results.push(r);
    expect({ changes: r.changes, replacements: r.replacements, writes: r.writes, detail: r.detail }).toEqual({ changes: 0, replacements: 0, writes: 0, detail: "" });
  });
}
