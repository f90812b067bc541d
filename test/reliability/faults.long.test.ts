/**
 * Reliability under Console API faults (long version, `npm run test:reliability`): a 30-resource stack (one
 * cluster, 12 clients, an allowlist, 16 connector secrets) must come up in ONE `pulumi up` while 10 %, 20 % and
 * 30 % of the API requests fail (5xx, 429 with Retry-After, 412 not-ready, dropped connections, secret 409 "change
 * in progress", slow responses, lingering deleted secrets), each with its own seed; then an update, a re-add of
 * deleted (still lingering) secrets, and a destroy to an empty emulator. Never a duplicate cluster, client or
 * secret. Every step runs even when an earlier one failed; the failures are reported together at the end.
 */
import type { Emulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import { withStack, type EngineStack } from "../helpers/engine";
import {
  Recorder,
  SPEC_PROGRAM,
  compareWithPulumiState,
  compareWithSpec,
  describeDiscrepancies,
  engineEnv,
  errorFaults,
  exportedState,
  faultMix,
  makeSpec,
  noDiscrepancy,
  resourceCount,
  secretValue,
  stackConfig,
  tempDir,
} from "./helpers";

const rec = new Recorder(__filename);
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 1000 });
});
afterAll(async () => {
  rec.finish();
  await emu?.stop();
});

const RUNS: { share: number; seed: number }[] = [
  { share: 0.1, seed: 101 },
  { share: 0.2, seed: 202 },
  { share: 0.3, seed: 303 },
];

for (const run of RUNS) {
  rec.scenario(
    `30 resources under ${Math.round(run.share * 100)} % API faults (seed ${run.seed}): one up, update, re-add lingering secrets, destroy`,
    async () => {
      rec.reset(emu);
      emu.setFaults(faultMix(run.share, run.seed));
      const tag = `f${run.seed}`;
      const { spec, values } = makeSpec(tag, { clients: 12, secrets: 16 });
      expect(resourceCount(spec)).toBe(30);
      const problems: string[] = [];
      const timings: string[] = [];

      const check = async (s: EngineStack, step: string) => {
        const state = emu.state({ revealSecrets: true });
        const d = compareWithSpec(state, spec, values);
        const vsPulumi = compareWithPulumiState(state, (await exportedState(s)).resources);
        rec.data.duplicates += d.duplicates.length;
        rec.data.orphans += new Set([...d.orphans, ...vsPulumi.orphans]).size;
        if (!noDiscrepancy(d) || vsPulumi.orphans.length || vsPulumi.dangling.length) {
          const text = `${step}: ${describeDiscrepancies(d)} ${vsPulumi.orphans.length || vsPulumi.dangling.length ? JSON.stringify(vsPulumi) : ""}`.trim();
          problems.push(text);
          rec.finding(`seed ${run.seed}, ${Math.round(run.share * 100)} % faults, ${text}`);
        }
      };
      const step = async (name: string, fn: () => Promise<{ summary: { result?: string } }>) => {
        const t = Date.now();
        try {
          const r = await fn();
          if (r.summary.result !== "succeeded") problems.push(`${name}: ${r.summary.result}`);
        } catch (err) {
          const msg = String((err as Error).message);
          const lines = msg.split("\n").filter((l) => /error/i.test(l)).slice(0, 6).join(" | ");
          problems.push(`${name} failed: ${lines || msg.slice(0, 500)}`);
          rec.finding(`seed ${run.seed}, ${Math.round(run.share * 100)} % faults: ${name} failed: ${lines.slice(0, 600)}`);
        }
        timings.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
      };

      await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir(`${tag}-cache`)) }, async (s) => {
        await step("up (30 resources, one run)", () => s.up());
        await check(s, "after the first up");

        // Update: 4 new secret values, 4 secrets and 2 clients removed, 2 clients added.
        for (let i = 0; i < 4; i++) {
          values[`sv${i}`] = secretValue(tag, 100 + i);
          await s.setConfig(`sv${i}`, values[`sv${i}`], true);
        }
        const removed = spec.secrets.splice(12, 4);
        spec.clients.splice(10, 2, { name: `${tag}-client-x`, permissions: ["Zeebe"] }, { name: `${tag}-client-y` });
        await s.setConfig("spec", JSON.stringify(spec));
        await step("update", () => s.up());
        await check(s, "after the update");

        // Re-add the 4 secrets while their deleted versions linger.
        spec.secrets.push(...removed);
        await s.setConfig("spec", JSON.stringify(spec));
        await step("re-add lingering secrets", () => s.up());
        await check(s, "after re-adding the secrets");

        await step("destroy", () => s.destroy());
        const left = emu.state();
        if (left.clusters.length > 0) problems.push(`after destroy: ${left.clusters.length} cluster(s) left`);
        emu.setFaults({});
      });

      const faults = emu.stats().faultsInjected;
      const api = emu.stats().apiRequests.total;
      process.stdout.write(
        `faults (long, ${Math.round(run.share * 100)} %, seed ${run.seed}): ${errorFaults(faults)} of ${api} API requests failed ` +
          `(${JSON.stringify(faults)}); ${timings.join(", ")}\n`,
      );
      expect(errorFaults(faults)).toBeGreaterThan(api * run.share * 0.3);
      expect(problems).toEqual([]);
    },
    { timeoutMs: 900_000, emu: () => emu },
  );
}
