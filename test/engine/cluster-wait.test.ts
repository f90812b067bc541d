/**
 * A cluster whose create timed out (`waitTimeoutMinutes`) stays in the stack, and the next `pulumi up` goes on
 * waiting for it before anything is created on it (issue 10, item 7), through the real engine.
 */
import * as path from "node:path";
import type { RecordedResponse } from "../../emulator";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
/** The status of the cluster each time a client was created on it. */
const statusAtClientCreate: string[] = [];
const stacks = useEmulatorForStacks({
  provisioningMs: 9_000,
  onResponse: (r: RecordedResponse) => {
    if (r.kind === "api" && r.method === "POST" && r.route === "/clusters/:clusterId/clients" && r.statusCode === 200) {
      const id = r.url.split("/")[2];
      const cluster = stacks.emu.state().clusters.find((c) => (c as { uuid: string }).uuid === id) as { status?: { ready?: string } } | undefined;
      statusAtClientCreate.push(cluster?.status?.ready ?? "gone");
    }
  },
});

it("the next up waits for a cluster left Creating by a timed-out create, and its dependents wait for it", async () => {
  const spec = {
    cluster: { name: "slow", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster", waitTimeoutMinutes: 0.05 },
    clients: [{ name: "worker" }],
  };
  await withStack({ programDir: PROGRAM, config: stacks.config(spec), env: stacks.env() }, async (s) => {
    const err = await s.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(`${err?.message}`).toMatch(/is still Creating after 0\.05 minutes\. It was created and is kept in the stack: run `pulumi up` again to keep waiting/);
    expect(stacks.emu.state().clusters).toHaveLength(1);
    expect(statusAtClientCreate).toEqual([]);

    // Long enough now: the cluster becomes Healthy about 6 s into this up.
    await s.setConfig("spec", JSON.stringify({ ...spec, cluster: { ...spec.cluster, waitTimeoutMinutes: 5 } }));
    const up = await s.up();
    expect(up.outputs.clusterStatus.value).toBe("Healthy");
    expect(statusAtClientCreate).toEqual(["Healthy"]);
    expect(stacks.emu.state().clusters).toHaveLength(1);
    await s.preview({ expectNoChanges: true });
  });
});
