/**
 * One half of the convergence matrix as a jest suite (the two halves run in parallel on the two jest workers), each
 * cell its own test, the table printed and saved at the end. `npm test` runs every profile with the quickstart (it
 * has every resource kind) and the document and `live` rows with all four programs; `npm run test:convergence`
 * (PULUMI_CAMUNDA_FULL_MATRIX=1) runs every program under every profile.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { matrixPrograms, matrixTable, runCell, saveMatrix, type CellResult } from "./convergence";

export type MatrixRow = [label: string, profiles: string[] | "document" | "live"];

const FULL = process.env.PULUMI_CAMUNDA_FULL_MATRIX === "1";

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
    saveMatrix(`${name}${FULL ? "-full" : ""}`, results);
    await emu?.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    cleanup();
  });
  const everyProgram = (profiles: MatrixRow[1]) => FULL || profiles === "document" || profiles === "live";
  const cells = rows.flatMap(([label, profiles]) =>
    programs.filter((_p, i) => i === 0 || everyProgram(profiles)).map((program) => ({ label, profiles, program })),
  );
  it.each(cells.map((c) => [`${c.label} × ${c.program.name}`, c] as const))("%s: 0 changes, 0 replacements, 0 writes", async (_title, c) => {
    const r = await runCell(emu, c.program, c.label, c.profiles, { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "150" });
    results.push(r);
    expect({ changes: r.changes, replacements: r.replacements, writes: r.writes, detail: r.detail }).toEqual({ changes: 0, replacements: 0, writes: 0, detail: "" });
  });
}
