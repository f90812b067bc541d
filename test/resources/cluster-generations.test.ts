/**
 * Cluster generations and encryption at the provider level: a pinned generation the cluster runs is no change, an
 * upgrade is never replayed nor taken past the declared generation, a failed upgrade stays planned, a paused cluster is
 * woken for it, the default encryption declared is no change. Each failed on 151b4fb.
 */
import { providers } from "../../provider/resources";
import { api, h, owner, setup } from "../helpers/lost-answer";

setup();

const V87 = "Camunda 8.7.x";
const V88 = "Camunda 8.8.x";

async function base(name: string, extra: Record<string, unknown> = {}) {
  const p = await api().getParameters();
  return { name, region: p.regions[0].name, plan: p.clusterPlanTypes[0].name, __owner: owner("Cluster", name), ...extra };
}

async function createCluster(raw: Record<string, unknown>) {
  const checked = await providers.cluster.check({}, raw);
  expect(checked.failures ?? []).toEqual([]);
  return providers.cluster.create(checked.inputs);
}

it("autoUpdate:false — pinning the generation the cluster already runs plans no replacement", async () => {
  const raw = await base("pin", { autoUpdate: false });
  const created = await createCluster(raw);
  expect(created.outs.generationName).toBe(V88);
  // The program now pins the generation explicitly: the one the cluster runs.
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: V88 })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
});

it("autoUpdate:false — the same generation spelt as its uuid plans no replacement", async () => {
  const raw = await base("pin2", { autoUpdate: false, generation: V88 });
  const created = await createCluster(raw);
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: created.outs.generationId })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
});

it("generation upgrade: a lost answer to PUT /upgrade does not fail the update (nor upgrade twice)", async () => {
  const raw = await base("upg", { autoUpdate: false, generation: V87 });
  const created = await createCluster(raw);
  expect(created.outs.generationName).toBe(V87);
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: V88 })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
  // The service upgrades the cluster (8.7 → 8.8), its answer is lost; the client replays the PUT, which moves the
  // cluster to the *next* generation again (here: none left, so 400 "no upgrade available").
  h.loseAnswer = { method: "PUT", path: /\/upgrade$/, times: 1 };
  const updated = await providers.cluster.update(created.id, created.outs, news);
  expect(updated.outs?.generationName).toBe(V88);
});

it("a name change on a cluster upgraded out of band sends no PUT /upgrade towards an older declared generation", async () => {
  const raw = await base("oob", { autoUpdate: false, generation: V87 });
  const created = await createCluster(raw);
  await api().upgradeCluster(created.id); // a person upgraded it in the Console (8.7 → 8.8)
  h.emu.setClusterHealthy(created.id);
  const news = (await providers.cluster.check(created.outs, { ...raw, name: "oob-renamed" })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
  // Only the name changed: the rename must not turn into an upgrade attempt (on a channel with a further generation
  // the loop `while (generation !== target)` would upgrade the cluster *past* what is declared).
  await expect(providers.cluster.update(created.id, created.outs, news)).resolves.toBeDefined();
});

it("an upgrade that failed is not recorded as done: after a refresh the next preview still plans it", async () => {
  const raw = await base("gate", { autoUpdate: false, generation: V87 });
  const created = await createCluster(raw);
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: V88 })).inputs;
  h.emu.setClusterStatus(created.id, "Unhealthy"); // PUT /upgrade answers 412 until the retry budget (6 s) is spent
  let failure: { properties?: Record<string, unknown> } | undefined;
  try {
    await providers.cluster.update(created.id, created.outs, news);
  } catch (e) {
    failure = e as never;
  }
  expect(failure?.properties).toBeDefined(); // what the engine records for the failed update
  h.emu.setClusterHealthy(created.id); // recovers; still on 8.7
  const read = await providers.cluster.read(created.id, failure!.properties!);
  expect(read.props?.generationName).toBe(V87);
  const again = (await providers.cluster.check(read.inputs ?? {}, { ...raw, generation: V88 })).inputs;
  const d = await providers.cluster.diff(created.id, read.props!, again);
  expect(d.changes).toBe(true); // the cluster runs 8.7, 8.8 is declared
});

it("declaring encryption: \"Provider\" (the documented default) on a cluster created without it plans no replacement", async () => {
  const raw = await base("enc");
  const created = await createCluster(raw);
  expect((await api().getCluster(created.id)).encryption).toMatchObject({ type: "Provider" });
  const news = (await providers.cluster.check(created.outs, { ...raw, encryption: "Provider" })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
});

it("a generation upgrade of a Suspended (auto-paused) cluster wakes it and upgrades, rather than failing on 412", async () => {
  const raw = await base("paused", { autoUpdate: false, generation: V87 });
  const created = await createCluster(raw);
  h.emu.setClusterStatus(created.id, "Suspended"); // a dev/Trial cluster auto-paused (camunda-docs clusters.md)
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: V88 })).inputs;
  const updated = await providers.cluster.update(created.id, created.outs, news);
  expect(updated.outs?.generationName).toBe(V88);
});

it("a lost upgrade answer followed by stale reads (eventual consistency) is not replayed: one PUT /upgrade, the update ends on 8.8", async () => {
  const p = await api().getParameters();
  const raw = { name: "stale", region: p.regions[0].name, plan: p.clusterPlanTypes[0].name, autoUpdate: false, generation: "Camunda 8.7.x", __owner: owner("Cluster", "stale") };
  const checked = await providers.cluster.check({}, raw);
  const created = await providers.cluster.create(checked.inputs);
  expect(created.outs.generationName).toBe("Camunda 8.7.x");
  const stale = Buffer.from(JSON.stringify(await api().getCluster(created.id)));

  // The live service is eventually consistent: for 8 s after the upgrade, reads of the cluster still show 8.7 Healthy.
  let staleUntil = 0;
  let upgradePuts = 0;
  h.intercept = (req, res) => {
    if (req.method === "PUT" && /\/upgrade$/.test(req.url ?? "")) {
      upgradePuts++;
      staleUntil = Date.now() + 8000;
    }
    if (req.method !== "GET" || req.url !== `/clusters/${created.id}` || Date.now() >= staleUntil) return false;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(stale);
    return true;
  };
  h.loseAnswer = { method: "PUT", path: /\/upgrade$/, times: 1 };

  const news = (await providers.cluster.check(created.outs, { ...raw, generation: "Camunda 8.8.x" })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
  const updated = await providers.cluster.update(created.id, created.outs, news);
  expect(updated.outs?.generationName).toBe("Camunda 8.8.x");
  expect(upgradePuts).toBe(1);
}, 60_000);

it("flipping autoUpdate on the Alpha channel (where it is ignored) is recorded in place, never a replacement, both ways", async () => {
  const p = await api().getParameters();
  for (const [from, to] of [[true, false], [false, true]] as const) {
    const raw = { name: `alpha-${from}`, region: p.regions[0].name, plan: p.clusterPlanTypes[0].name, channel: "Alpha", autoUpdate: from, __owner: owner("Cluster", `alpha-${from}`) };
    const created = await createCluster(raw);
    expect((await api().getCluster(created.id)).autoUpdate).toBe(false);
    const news = (await providers.cluster.check(created.outs, { ...raw, autoUpdate: to })).inputs;
    const d = await providers.cluster.diff(created.id, created.outs, news);
    expect({ changes: d.changes, replaces: d.replaces }).toEqual({ changes: true, replaces: [] });
    h.emu.resetStats();
    const updated = await providers.cluster.update(created.id, created.outs, news);
    expect(updated.outs?.autoUpdate).toBe(to);
    expect(Object.keys(h.emu.stats().apiRequests.byRoute).filter((r) => !r.startsWith("GET "))).toEqual([]);
    const again = await providers.cluster.diff(created.id, updated.outs!, news);
    expect(again.changes).toBe(false);
  }
});
