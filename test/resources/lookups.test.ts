/** The lookups programs use: cluster creation parameters by name, with errors listing the valid names. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { resetTokenProviders } from "../../provider/api";
import { getChannel, getClusterParameters, getPlanType, getRegion } from "../../sdk/parameters";

let emu: Emulator;
let cacheDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator();
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-lookups-"));
  Object.assign(process.env, emu.env(), { CAMUNDA_TOKEN_CACHE_DIR: cacheDir });
  resetTokenProviders();
});
afterAll(async () => {
  process.env = saved;
  await emu.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

it("finds regions, plan types and channels by name or uuid, reading the parameters once", async () => {
  const region = await getRegion("Belgium, Europe (europe-west1)");
  expect(region.uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect((await getRegion(region.uuid)).name).toBe(region.name);
  expect((await getPlanType("Trial Cluster")).name).toBe("Trial Cluster");
  const stable = await getChannel("Stable");
  expect(stable.allowedGenerations.map((g) => g.uuid)).toContain(stable.defaultGeneration.uuid);
  expect((await getClusterParameters()).regions.length).toBeGreaterThan(3);
  expect(emu.stats().apiRequests.byRoute["GET /clusters/parameters"]).toBe(1);
});

it("names the valid choices when a name is unknown", async () => {
  await expect(getRegion("Atlantis")).rejects.toThrow(/No region named "Atlantis"; the regions are .*"Belgium, Europe \(europe-west1\)"/);
});

describe("estate lookups", () => {
  // Imported here so the parameters tests above keep their own request counts.
  const lookups: typeof import("../../sdk/lookups") = require("../../sdk/lookups");
  const { programClient }: typeof import("../../sdk/program-client") = require("../../sdk/program-client");

  it("reads Camunda's egress addresses without any credential or token", async () => {
    const before = emu.stats();
    const saved2 = { id: process.env.CAMUNDA_CONSOLE_CLIENT_ID, secret: process.env.CAMUNDA_CONSOLE_CLIENT_SECRET };
    delete process.env.CAMUNDA_CONSOLE_CLIENT_ID;
    delete process.env.CAMUNDA_CONSOLE_CLIENT_SECRET;
    try {
      const ranges = await lookups.getIpRanges();
      expect(ranges["web-modeler"]).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/\d+$/)]));
    } finally {
      process.env.CAMUNDA_CONSOLE_CLIENT_ID = saved2.id;
      process.env.CAMUNDA_CONSOLE_CLIENT_SECRET = saved2.secret;
    }
    expect(emu.stats().tokenRequests.total).toBe(before.tokenRequests.total);
  });

  it("finds a cluster by name, and names the clusters there are when none or several match", async () => {
    const client = programClient();
    const params = await client.getParameters();
    const body = (name: string) => ({
      name,
      planTypeId: params.clusterPlanTypes[0].uuid,
      regionId: params.regions[0].uuid,
      channelId: params.channels[0].uuid,
      generationId: params.channels[0].defaultGeneration.uuid,
    });
    const { clusterId } = await client.createCluster(body("orders"));
    await client.createCluster(body("twin"));
    await client.createCluster(body("twin"));
    const found = await lookups.getCluster({ name: "orders" });
    expect(found.id).toBe(clusterId);
    expect(found.region.uuid).toBe(params.regions[0].uuid);
    await expect(lookups.getCluster({ name: "billing" })).rejects.toThrow(/no cluster named "billing"; the organization's clusters are .*"orders"/);
    await expect(lookups.getCluster({ name: "twin" })).rejects.toThrow(/2 clusters are named "twin" .*look one up by its uuid/);
  });

  it("lists the activity log, oldest first, filtered by object", async () => {
    const all = await lookups.getActivity();
    expect(all.length).toBeGreaterThanOrEqual(3);
    const times = all.map((e) => e.timestamp ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const orders = (await lookups.getCluster({ name: "orders" })).id;
    const about = await lookups.getActivity({ entityId: orders });
    expect(about.length).toBeGreaterThan(0);
    expect(about.every((e) => e.entityId === orders)).toBe(true);
    expect(await lookups.getActivity({ since: new Date(Date.now() + 60_000) })).toEqual([]);
  });
});
