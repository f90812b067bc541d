/**
 * The live service's answers that once kept stacks from settling (issue 11), through the real engine: an Alpha
 * cluster (autoUpdate ignored, reported false) was replaced on every up; a stage label the API does not return was
 * PATCHed on every run, and removing it never settled; the connection bundle lacked the 8.8 keys.
 */
import * as path from "node:path";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack, type EngineStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
const stacks = useEmulatorForStacks({ provisioningMs: 300 });
const cluster = { name: "fidelity", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster" };

function writes(): number {
  const m = stacks.emu.stats().apiRequests.byMethod;
  return (m.POST ?? 0) + (m.PUT ?? 0) + (m.PATCH ?? 0) + (m.DELETE ?? 0);
}

function changes(c: Record<string, number> | undefined): number {
  return Object.entries(c ?? {}).reduce((n, [op, v]) => (op === "same" ? n : n + v), 0);
}

/** A second up, a refresh and a preview: all without changes, and no write request. */
async function expectSettled(s: EngineStack): Promise<void> {
  stacks.emu.resetStats();
  expect(changes((await s.up()).summary.resourceChanges)).toBe(0);
  expect(changes((await s.refresh()).summary.resourceChanges)).toBe(0);
  expect(changes((await s.preview()).changeSummary)).toBe(0);
  expect(writes()).toBe(0);
}

it("an Alpha-channel cluster (autoUpdate ignored, reported false) settles after one up, and says why once", async () => {
  const spec = { cluster: { ...cluster, channel: "Alpha" } };
  await withStack({ programDir: PROGRAM, config: stacks.config(spec), env: stacks.env() }, async (s) => {
    await s.up();
    await expectSettled(s);
    expect(stacks.emu.state().clusters).toHaveLength(1);
    expect(s.output.join("\n")).toMatch(/the Console API reports autoUpdate false: automatic updates are ignored on this channel/);
  });
});

it("a stage label the API does not return settles; removing it settles too (the API cannot remove one)", async () => {
  for (const profiles of [["stageLabelNotReturned"], "document"] as const) {
    stacks.emu.reset();
    stacks.emu.setProfiles(profiles);
    await withStack({ programDir: PROGRAM, config: stacks.config({ cluster: { ...cluster, stageLabel: "dev" } }), env: stacks.env() }, async (s) => {
      await s.up();
      await expectSettled(s);
      await s.setConfig("spec", JSON.stringify({ cluster }));
      const removed = await s.up();
      expect(changes(removed.summary.resourceChanges)).toBe(1);
      expect(s.output.join("\n")).toMatch(/the Console API cannot remove a stage label; the cluster keeps "dev"/);
      await expectSettled(s);
    });
  }
});

it("the connection bundle carries the 8.8 keys beside the older ones", async () => {
  const spec = { cluster, clients: [{ name: "worker", permissions: ["Zeebe"] }] };
  await withStack({ programDir: PROGRAM, config: stacks.config(spec), env: stacks.env() }, async (s) => {
    const up = await s.up();
    const clusterId = up.outputs.clusterId.value as string;
    const env = (up.outputs.clients.value as Record<string, { env: Record<string, string> }>).worker.env;
    expect(env).toMatchObject({
      ZEEBE_ADDRESS: `${clusterId}.bru-2.zeebe.camunda.io:443`,
      ZEEBE_GRPC_ADDRESS: `grpcs://${clusterId}.bru-2.zeebe.camunda.io:443`,
      ZEEBE_REST_ADDRESS: `https://bru-2.zeebe.camunda.io/${clusterId}`,
      CAMUNDA_CLIENT_ID: env.ZEEBE_CLIENT_ID,
      CAMUNDA_CLIENT_SECRET: env.ZEEBE_CLIENT_SECRET,
      CAMUNDA_CREDENTIALS_SCOPES: "Zeebe",
    });
    expect(env.CAMUNDA_CLIENT_SECRET).toHaveLength(64);
  });
});

it("on 8.7+ clusters whose API refuses Operate and Tasklist, the client is created with what Console grants and settles", async () => {
  stacks.emu.setProfiles(["clientScopesRejected"]);
  const spec = { cluster, clients: [{ name: "worker", permissions: ["Zeebe", "Tasklist"] }] };
  await withStack({ programDir: PROGRAM, config: stacks.config(spec), env: stacks.env() }, async (s) => {
    const up = await s.up();
    expect(s.output.join("\n")).toMatch(/the Console API refused the Tasklist permission .*creating it with Zeebe/);
    expect((up.outputs.clients.value as Record<string, { permissions: string[] }>).worker.permissions).toEqual(["Zeebe"]);
    await expectSettled(s);
  });
});
