/**
 * What an interrupted run leaves behind is repaired by the next create, at the provider level (the reliability suite
 * does the same through the real engine with SIGKILL): a cluster created by a run that died while waiting for it is
 * adopted, not created twice; a client whose create response died with the run is replaced (its secret is lost);
 * a same-named client the program never created is left alone; a connector secret that exists is adopted.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { createConsoleClient, resetTokenProviders, resolveSettings } from "../../provider/api";
import { providers } from "../../provider/resources";
import { journalFind, journalRecord } from "../../provider/resources/journal";

let emu: Emulator;
let cacheDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 300 });
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-journal-"));
  Object.assign(process.env, emu.env(), { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "100" });
});
afterAll(async () => {
  process.env = saved;
  await emu.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.reset();
  resetTokenProviders();
  fs.rmSync(path.join(cacheDir, "pulumi-camunda-journal"), { recursive: true, force: true });
});

const scope = () => ({ baseUrl: emu.url, clientId: emu.credentials.clientId, cacheDir });
const api = () => createConsoleClient(resolveSettings(() => undefined, process.env));

async function seedCluster(name: string): Promise<{ clusterId: string; body: Record<string, string> }> {
  const p = await api().getParameters();
  const body = {
    name,
    regionId: p.regions[0].uuid,
    planTypeId: p.clusterPlanTypes[0].uuid,
    channelId: p.channels[0].uuid,
    generationId: p.channels[0].defaultGeneration.uuid,
  };
  const { clusterId } = await api().createCluster(body);
  return { clusterId, body };
}

it("adopts the cluster an interrupted run created for the same declaration", async () => {
  const { clusterId, body } = await seedCluster("orders");
  journalRecord(scope(), "cluster", [body.name, body.regionId, body.planTypeId, body.channelId], { id: clusterId, at: Date.now(), by: "an-interrupted-run" });
  const p = await api().getParameters();
  const created = await providers.cluster.create({
    name: "orders",
    region: p.regions[0].name,
    plan: p.clusterPlanTypes[0].name,
    channel: p.channels[0].name,
  });
  expect(created.id).toBe(clusterId);
  expect(emu.state().clusters).toHaveLength(1);

  // Without a journal entry a same-named cluster is someone else's: a new one is created.
  const second = await providers.cluster.create({ name: "orders", region: p.regions[0].name, plan: p.clusterPlanTypes[0].name });
  expect(second.id).not.toBe(clusterId);
  expect(emu.state().clusters).toHaveLength(2);
});

it("replaces a client whose create response died with the run, and leaves other same-named clients alone", async () => {
  const { clusterId } = await seedCluster("c");
  await new Promise((r) => setTimeout(r, 400)); // Healthy
  const orphan = await api().createClient(clusterId, { clientName: "worker" });
  journalRecord(scope(), "client", [clusterId, "worker"], { id: orphan.clientId, at: Date.now(), by: "an-interrupted-run" });
  const created = await providers.zeebeClient.create({ clusterId, name: "worker" });
  expect(created.outs.clientId).not.toBe(orphan.clientId);
  expect(String(created.outs.clientSecret)).toHaveLength(64);
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([created.outs.clientId]);

  // A client the program never created keeps its name: the create fails with a hint, nothing is deleted.
  const foreign = await api().createClient(clusterId, { clientName: "reporting" });
  await expect(providers.zeebeClient.create({ clusterId, name: "reporting" })).rejects.toThrow(
    /Client names must be unique\. A client of this name already exists on the cluster: choose another name or adopt it with ZeebeClient\.get/,
  );
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toContain(foreign.clientId);
});

it("adopts a connector secret that exists and sets the declared value", async () => {
  const { clusterId } = await seedCluster("s");
  await api().createSecret(clusterId, "TOKEN", "stale-value");
  const created = await providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared-value" });
  expect(created.id).toBe(`${clusterId}/TOKEN`);
  expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "declared-value" });
});

it("adopts the cluster a run killed before the Console API's answer arrived (only the intent was journalled)", async () => {
  const p = await api().getParameters();
  const identity = ["intent", p.regions[0].uuid, p.clusterPlanTypes[0].uuid, p.channels[0].uuid];
  journalRecord(scope(), "cluster", identity, { at: Date.now(), by: "an-interrupted-run" });
  const { clusterId } = await seedCluster("intent"); // what the killed run's POST created
  const created = await providers.cluster.create({ name: "intent", region: p.regions[0].name, plan: p.clusterPlanTypes[0].name });
  expect(created.id).toBe(clusterId);
  expect(emu.state().clusters).toHaveLength(1);
});

it("replaces a client a run killed before the answer arrived (only the intent was journalled)", async () => {
  const { clusterId } = await seedCluster("c2");
  await new Promise((r) => setTimeout(r, 400));
  journalRecord(scope(), "client", [clusterId, "worker"], { at: Date.now(), by: "an-interrupted-run" });
  const orphan = await api().createClient(clusterId, { clientName: "worker" });
  const created = await providers.zeebeClient.create({ clusterId, name: "worker" });
  expect(created.outs.clientId).not.toBe(orphan.clientId);
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([created.outs.clientId]);
});

it("keeps a client's journal entry until the engine shows it recorded the client, then forgets it", async () => {
  const { clusterId } = await seedCluster("c3");
  await new Promise((r) => setTimeout(r, 400));
  const created = await providers.zeebeClient.create({ clusterId, name: "kept" });
  const entry = journalFind(scope(), "client", [clusterId, "kept"]);
  expect(entry?.id).toBe(created.outs.clientId); // a kill now would still find it
  await providers.zeebeClient.diff(created.id, created.outs, { clusterId, name: "kept" });
  expect(journalFind(scope(), "client", [clusterId, "kept"])).toBeUndefined();
});
