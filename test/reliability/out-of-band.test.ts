/**
 * Out-of-band changes (as if made in the Console UI) between runs: deleted clients and secrets, a changed secret
 * value, a replaced IP allowlist, a renamed cluster, and finally a deleted cluster. `pulumi refresh` must see each
 * one, and the next `up` must bring the emulator back to exactly the declared stack — with the emulator's default
 * profiles and under `live` (every live-shape profile at once: there the allowlist is not shown, so a change to it
 * cannot be seen and is not made, and a deleted secret lingers in listings for a moment).
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
  exportedState,
  makeSpec,
  noDiscrepancy,
  stackConfig,
  tempDir,
  type Spec,
} from "./helpers";

const rec = new Recorder(__filename);
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 1000, profileTuning: { consistencyLagMs: 1000 } });
});
afterAll(async () => {
  rec.finish();
  await emu?.stop();
});

async function expectConverged(s: EngineStack, spec: Spec, values: Record<string, string>, step: string): Promise<void> {
  const state = emu.state({ revealSecrets: true });
  const d = compareWithSpec(state, spec, values);
  const vsPulumi = compareWithPulumiState(state, (await exportedState(s)).resources);
  rec.data.duplicates += d.duplicates.length;
  rec.data.orphans += new Set([...d.orphans, ...vsPulumi.orphans]).size;
  if (!noDiscrepancy(d) || vsPulumi.orphans.length || vsPulumi.dangling.length) {
    rec.finding(`${step}: ${describeDiscrepancies(d)} ${JSON.stringify(vsPulumi)}`);
  }
  expect({ step, emulator: describeDiscrepancies(d), ...vsPulumi }).toEqual({ step, emulator: "", orphans: [], dangling: [] });
}

/** The preview's planned operations (the stack itself and unchanged resources left out). */
function planned(changes: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(changes ?? {}).filter(([k, v]) => k !== "same" && v > 0));
}

for (const profiles of ["default", "live"] as const) rec.scenario(
  `${profiles} profiles: refresh detects deleted and changed clients, secrets, allowlist and cluster; the next up repairs them; a deleted cluster is re-created`,
  async () => {
    emu.reset();
    emu.setProfiles(profiles);
    const allowlistShown = !emu.profiles().includes("allowlistHidden");
    const { spec, values } = makeSpec("oob", { clients: 2, secrets: 2 });
    await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir("oob-cache")) }, async (s) => {
      expect((await s.up()).summary.result).toBe("succeeded");
      await expectConverged(s, spec, values, "first up");
      const clusterId = (emu.state().clusters[0] as { uuid: string }).uuid;
      const client0 = emu.state().clients[clusterId].find((c) => c.name === "oob-client-0");

      // Round 1: one change of every kind.
      expect(emu.deleteClient(clusterId, client0?.clientId ?? "")).toBe(true);
      expect(emu.deleteSecret(clusterId, "SECRET_0")).toBe(true);
      emu.setSecretValue(clusterId, "SECRET_1", "changed-in-the-console-3b7e");
      if (allowlistShown) emu.setIpAllowlist(clusterId, [{ ip: "0.0.0.0/0", description: "opened in the console" }]);
      emu.patchCluster(clusterId, { name: "renamed-in-the-console", description: "edited" });
      // The deleted secret may still be listed for a moment (eventual consistency, under live).
      if (emu.profiles().includes("eventualConsistency")) await new Promise((r) => setTimeout(r, 3500));

      const refresh = await s.refresh();
      expect(refresh.summary.result).toBe("succeeded");
      const after = await exportedState(s);
      const names = after.resources.map((r) => r.urn.split("::").pop());
      expect(names).not.toContain("oob-client-0");
      expect(names).not.toContain("secret-SECRET_0");
      // What refresh found drives the next plan: two creates, three in-place updates (two where the allowlist is hidden).
      const updates = allowlistShown ? 3 : 2;
      const preview = await s.preview();
      expect(planned(preview.changeSummary)).toEqual({ create: 2, update: updates });
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      expect(planned(up.summary.resourceChanges)).toEqual({ create: 2, update: updates });
      await expectConverged(s, spec, values, "up after out-of-band changes");
      expect((emu.state().clusters[0] as { description?: string }).description ?? "").toBe("");

      // Round 2: the whole cluster deleted in the console.
      expect(emu.deleteCluster(clusterId)).toBe(true);
      const refresh2 = await s.refresh();
      expect(refresh2.summary.result).toBe("succeeded");
      expect((await exportedState(s)).resources.filter((r) => r.type.includes("camunda:"))).toEqual([]);
      const up2 = await s.up();
      expect(up2.summary.result).toBe("succeeded");
      expect(planned(up2.summary.resourceChanges)).toEqual({ create: 6 });
      await expectConverged(s, spec, values, "up after the cluster was deleted");
      expect((emu.state().clusters[0] as { uuid: string }).uuid).not.toBe(clusterId);

      expect((await s.destroy()).summary.result).toBe("succeeded");
      expect(emu.state().clusters).toHaveLength(0);
    });
  },
  { timeoutMs: 170_000, emu: () => emu },
);
