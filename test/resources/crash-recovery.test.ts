/**
 * What an interrupted run leaves behind is repaired by the next create of the very same resource, at the provider
 * level (the reliability suite does the same through the real engine with SIGKILL), and nothing else is ever taken:
 * a cluster created by a run that died while waiting for it is adopted, not created twice, but only by the resource
 * (owner) that journalled it and only when it matches the declaration; a client whose create response died with the
 * run is replaced (its secret is lost); same-named clients and secrets that existed before are left alone, even
 * after a dropped connection; a planted or forged journal entry is ignored.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { createConsoleClient, resetTokenProviders, resolveSettings } from "../../provider/api";
import { providers } from "../../provider/resources";
import { Journal, type JournalEntry } from "../../provider/resources/journal";
import { clearClaims } from "../../provider/resources/ownership";
import { clearReadCache } from "../../provider/resources/read-cache";

let emu: Emulator;
let cacheDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 300 });
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-journal-"));
  // A short retry budget: a create that keeps failing gives up within seconds.
  Object.assign(process.env, emu.env(), { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "100", CAMUNDA_CONSOLE_RETRY_BUDGET_SECONDS: "6" });
});
afterAll(async () => {
  process.env = saved;
  await emu.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.reset();
  emu.setFaults({});
  resetTokenProviders();
  clearReadCache();
  clearClaims();
  fs.rmSync(path.join(cacheDir, "pulumi-camunda-journal"), { recursive: true, force: true });
});

const owner = (name: string, stack = "dev", type = "Cluster") => JSON.stringify(["proj", stack, type, name]);
const journal = () => new Journal({ baseUrl: emu.url, parentDir: cacheDir, setting: "camunda:tokenCacheDir" });
const api = () => createConsoleClient(resolveSettings(() => undefined, process.env));
/** An entry as an interrupted run (another process) left it. */
const interrupted = (e: Omit<JournalEntry, "by">): JournalEntry => ({ ...e, by: "an-interrupted-run" });

async function params() {
  const p = await api().getParameters();
  return {
    regionId: p.regions[0].uuid,
    planTypeId: p.clusterPlanTypes[0].uuid,
    channelId: p.channels[0].uuid,
    generationId: p.channels[0].defaultGeneration.uuid,
    region: p.regions[0].name,
    plan: p.clusterPlanTypes[0].name,
    channel: p.channels[0].name,
  };
}

async function seedCluster(name: string): Promise<string> {
  const p = await params();
  const { clusterId } = await api().createCluster({ name, regionId: p.regionId, planTypeId: p.planTypeId, channelId: p.channelId, generationId: p.generationId });
  return clusterId;
}

async function healthyCluster(name: string): Promise<string> {
  const id = await seedCluster(name);
  emu.setClusterHealthy(id);
  return id;
}

const declaration = (name: string, p: Awaited<ReturnType<typeof params>>) => ({ name, regionId: p.regionId, planTypeId: p.planTypeId, channelId: p.channelId });

it("adopts the cluster an interrupted run of the same resource created, and only for that resource", async () => {
  const p = await params();
  const at = api().serverNow() - 1000;
  const clusterId = await seedCluster("orders");
  journal().record("cluster", owner("orders"), interrupted({ id: clusterId, at, declaration: declaration("orders", p), before: [] }));

  // Another stack's resource of the same declaration never sees that entry: it creates its own cluster.
  const other = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders", "prod") });
  expect(other.id).not.toBe(clusterId);

  const created = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders") });
  expect(created.id).toBe(clusterId);
  expect(emu.state().clusters).toHaveLength(2);
});

it("never adopts a cluster that does not match the declaration, existed before the intent, or is claimed by another entry", async () => {
  const p = await params();
  const older = await seedCluster("orders"); // existed before the intent (taken 10 s later)
  const at = api().serverNow() + 10_000;
  // An entry pointing at the older cluster (as a planted one would): it existed before, so it is not adopted.
  journal().record("cluster", owner("a"), interrupted({ id: older, at, declaration: declaration("orders", p), before: [] }));
  const a = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("a") });
  expect(a.id).not.toBe(older);

  // A cluster of another name is never taken for this declaration.
  const renamed = await seedCluster("payments");
  journal().record("cluster", owner("b"), interrupted({ id: renamed, at: api().serverNow() - 1000, declaration: declaration("orders", p), before: [] }));
  const b = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("b") });
  expect([older, renamed, a.id]).not.toContain(b.id);
  expect(emu.state().clusters).toHaveLength(4);
});

it("ignores an entry without a valid MAC (planted by someone who cannot read the journal's key)", async () => {
  const p = await params();
  const prod = await healthyCluster("orders");
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "pc-forger-"));
  const forger = new Journal({ baseUrl: emu.url, parentDir: elsewhere, setting: "x" });
  forger.record("cluster", owner("orders"), interrupted({ id: prod, at: api().serverNow() - 1000, declaration: declaration("orders", p), before: [] }));
  // Copy the forged entry to the file name the real journal uses for this owner.
  const real = journal();
  real.record("cluster", owner("orders"), interrupted({ at: Date.now(), declaration: {}, before: [] }));
  const realFile = path.join(real.dir, fs.readdirSync(real.dir).find((f) => f.startsWith("cluster-")) as string);
  const forged = path.join(forger.dir, fs.readdirSync(forger.dir).find((f) => f.startsWith("cluster-")) as string);
  fs.copyFileSync(forged, realFile);
  fs.rmSync(elsewhere, { recursive: true, force: true });
  expect(real.find("cluster", owner("orders"))).toBeUndefined();
  const created = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders") });
  expect(created.id).not.toBe(prod);
});

it("replaces a client whose create response died with the run, and leaves same-named clients of others alone", async () => {
  const clusterId = await healthyCluster("c");
  const orphan = await api().createClient(clusterId, { clientName: "worker" });
  journal().record("client", owner("worker", "dev", "ZeebeClient"), interrupted({ id: orphan.clientId, at: Date.now(), declaration: { clusterId, name: "worker" }, before: [] }));
  const created = await providers.zeebeClient.create({ clusterId, name: "worker", __owner: owner("worker", "dev", "ZeebeClient") });
  expect(created.outs.clientId).not.toBe(orphan.clientId);
  expect(String(created.outs.clientSecret)).toHaveLength(64);
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([created.outs.clientId]);

  // A client the program never created keeps its name: the create fails with a hint, nothing is deleted.
  const foreign = await api().createClient(clusterId, { clientName: "reporting" });
  await expect(providers.zeebeClient.create({ clusterId, name: "reporting", __owner: owner("reporting", "dev", "ZeebeClient") })).rejects.toThrow(
    /Client names must be unique\. A client of this name already exists on the cluster: choose another name or adopt it with ZeebeClient\.get/,
  );
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toContain(foreign.clientId);
});

it("a dropped create connection never takes a person's same-named client", async () => {
  const clusterId = await healthyCluster("c");
  const persons = await api().createClient(clusterId, { clientName: "worker" });
  emu.setFaults({ dropConnection: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/clients" }] } });
  const run = providers.zeebeClient.create({ clusterId, name: "worker", __owner: owner("worker", "dev", "ZeebeClient") });
  setTimeout(() => emu.setFaults({}), 300);
  await expect(run).rejects.toThrow(/Client names must be unique/);
  expect(emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([persons.clientId]);
});

it("a secret that existed before is neither overwritten nor adopted unless adoptExisting says so", async () => {
  const clusterId = await healthyCluster("s");
  await api().createSecret(clusterId, "TOKEN", "hand-made");
  await expect(providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared", __owner: owner("t", "dev", "ConnectorSecret") })).rejects.toThrow(
    /already exists on the cluster and this resource did not create it: choose another name, or set `adoptExisting: true`/,
  );
  expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "hand-made" });

  // With a dropped connection too.
  emu.setFaults({ dropConnection: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/secrets" }] } });
  setTimeout(() => emu.setFaults({}), 300);
  await expect(providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared", __owner: owner("t", "dev", "ConnectorSecret") })).rejects.toThrow(/already exists/);
  expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "hand-made" });

  const adopted = await providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared", adoptExisting: true, __owner: owner("t", "dev", "ConnectorSecret") });
  expect(adopted.outs).toMatchObject({ adopted: true, value: "declared" });
  expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "declared" });
});

it("adopts the secret its own interrupted run created, and recovers its own lost POST", async () => {
  const clusterId = await healthyCluster("s2");
  const o = owner("t", "dev", "ConnectorSecret");
  const j = journal();
  j.record("secret", o, interrupted({ at: Date.now(), declaration: { clusterId, name: "TOKEN" }, before: [], fingerprint: j.fingerprintOf("what-the-killed-run-wrote") }));
  await api().createSecret(clusterId, "TOKEN", "what-the-killed-run-wrote"); // the killed run's POST
  const created = await providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared", __owner: o });
  expect(created.id).toBe(`${clusterId}/TOKEN`);
  expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "declared" });

  emu.setFaults({ dropConnection: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/secrets" }] } });
  setTimeout(() => emu.setFaults({}), 300);
  const other = await providers.connectorSecret.create({ clusterId, name: "OTHER", value: "v", __owner: owner("o", "dev", "ConnectorSecret") });
  expect(other.id).toBe(`${clusterId}/OTHER`);
});

it("adopts the cluster a run killed before the Console API's answer arrived (only the intent was journalled)", async () => {
  const p = await params();
  const o = owner("intent");
  journal().record("cluster", o, interrupted({ at: api().serverNow() - 1000, declaration: declaration("intent", p), before: [] }));
  const clusterId = await seedCluster("intent"); // what the killed run's POST created
  const created = await providers.cluster.create({ name: "intent", region: p.region, plan: p.plan, __owner: o });
  expect(created.id).toBe(clusterId);
  expect(emu.state().clusters).toHaveLength(1);
});

it("keeps a client's journal entry until the engine shows it recorded the client, then keeps only a tombstone", async () => {
  const clusterId = await healthyCluster("c3");
  const o = owner("kept", "dev", "ZeebeClient");
  const created = await providers.zeebeClient.create({ clusterId, name: "kept", __owner: o });
  expect(journal().find("client", o)?.id).toBe(created.outs.clientId); // a kill now would still find it
  await providers.zeebeClient.diff(created.id, created.outs, { clusterId, name: "kept", __owner: o });
  // Nothing for a next create to adopt; the id stays claimed, so that no other resource takes it.
  expect(journal().interrupted("client", o)).toBeUndefined();
  expect(journal().find("client", o)).toMatchObject({ id: created.outs.clientId, recorded: true });
  expect(journal().others("client", owner("other", "dev", "ZeebeClient")).map((e) => e.id)).toContain(created.outs.clientId);
});

describe("what the review found (each once adopted, overwrote or deleted what another made)", () => {
  it("a create that failed leaves no intent: a later same-named cluster of another stack is never adopted", async () => {
    const p = await params();
    emu.setFaults({ serverError: { rate: 1, routes: [{ method: "POST", route: "/clusters" }] } });
    await expect(providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders") })).rejects.toThrow(/503/);
    emu.setFaults({});
    expect(journal().find("cluster", owner("orders"))).toBeUndefined();
    const prods = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders", "prod") });
    const devs = await providers.cluster.create({ name: "orders", region: p.region, plan: p.plan, __owner: owner("orders") });
    expect(devs.id).not.toBe(prods.id);
  }, 120_000);

  it("an intent without an id vouches only for what appeared within the time its create could take", async () => {
    const p = await params();
    // A run killed eleven minutes ago, before the answer arrived; a person created a same-named cluster just now.
    const at = api().serverNow() - 11 * 60_000;
    journal().record("cluster", owner("late"), interrupted({ at, declaration: declaration("late", p), before: [] }));
    const persons = await seedCluster("late");
    const created = await providers.cluster.create({ name: "late", region: p.region, plan: p.plan, __owner: owner("late") });
    expect(created.id).not.toBe(persons);

    // Clients have no creation time: an old intent vouches for no same-named client (it is left alone: the create fails).
    const clusterId = await healthyCluster("c4");
    const o = owner("w", "dev", "ZeebeClient");
    journal().record("client", o, interrupted({ at: Date.now() - 11 * 60_000, declaration: { clusterId, name: "worker" }, before: [] }));
    const personsClient = await api().createClient(clusterId, { clientName: "worker" });
    await expect(providers.zeebeClient.create({ clusterId, name: "worker", __owner: o })).rejects.toThrow(/Client names must be unique/);
    expect(emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([personsClient.clientId]);
  });

  it("an interrupted secret create vouches only for a secret holding the value it sent", async () => {
    const clusterId = await healthyCluster("s3");
    const o = owner("t", "dev", "ConnectorSecret");
    const j = journal();
    j.record("secret", o, interrupted({ at: Date.now(), declaration: { clusterId, name: "TOKEN" }, before: [], fingerprint: j.fingerprintOf("killed-run-value") }));
    await api().createSecret(clusterId, "TOKEN", "persons-value");
    await expect(providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "declared", __owner: o })).rejects.toThrow(/already exists/);
    expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "persons-value" });
  });

  it("a first-attempt duplicate is never this create's, whatever an older listing showed", async () => {
    const clusterId = await healthyCluster("s4");
    const a = providers.connectorSecret.create({ clusterId, name: "A", value: "a", __owner: owner("a", "dev", "ConnectorSecret") });
    await a;
    await api().createSecret(clusterId, "B", "persons-value");
    await expect(providers.connectorSecret.create({ clusterId, name: "B", value: "mine", __owner: owner("b", "dev", "ConnectorSecret") })).rejects.toThrow(/already exists/);
    expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ A: "a", B: "persons-value" });
  });

  it("a secret moved to another resource of the program (adopted there) is not deleted with the old resource", async () => {
    const clusterId = await healthyCluster("s5");
    const oldOwner = owner("old", "dev", "ConnectorSecret");
    const newOwner = owner("new", "dev", "ConnectorSecret");
    const made = await providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "v", __owner: oldOwner });
    const checked = await providers.connectorSecret.check({}, { clusterId, name: "TOKEN", value: "v", adoptExisting: true, __owner: newOwner });
    expect(checked.failures ?? []).toEqual([]);
    await providers.connectorSecret.create({ clusterId, name: "TOKEN", value: "v", adoptExisting: true, __owner: newOwner });
    await providers.connectorSecret.delete(made.id, made.outs);
    expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "v" });
  });

  it("the diff of the object being replaced keeps the replacement's intent (an interrupted run's)", async () => {
    const p = await params();
    const o = owner("moving");
    const old = await providers.cluster.create({ name: "moving", region: p.region, plan: p.plan, __owner: o });
    // The replacement's create (another region) was killed before its answer: only its intent is journalled.
    journal().record("cluster", o, interrupted({ at: api().serverNow() - 1000, declaration: { ...declaration("moving", p), regionId: "elsewhere" }, before: [] }));
    await providers.cluster.diff(old.id, old.outs, { name: "moving", region: p.region, plan: p.plan, __owner: o });
    expect(journal().find("cluster", o)?.declaration.regionId).toBe("elsewhere");
  });
});
