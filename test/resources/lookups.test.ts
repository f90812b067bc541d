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
