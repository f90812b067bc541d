/**
 * The live service's states and answers at the provider level (issue 11): a cluster Suspended during its create is
 * woken, one that waits for input fails at once (and stays in the stack), a 404 right after the create is waited
 * out; a missing scope answered with 401 is named without a second token request; JSON error bodies are read; a new
 * client's connection details that answer 412 or 404 for a moment do not fail its create.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator, type RecordedResponse } from "../../emulator";
import { resetTokenProviders, TOKEN_REQUEST_SPACING_MS } from "../../provider/api";
import { providers } from "../../provider/resources";
import { clearClaims } from "../../provider/resources/ownership";
import { clearReadCache } from "../../provider/resources/read-cache";

let emu: Emulator;
let cacheDir: string;
const saved = { ...process.env };
/** Called for each API response, before it is sent. */
let onApi: ((r: RecordedResponse) => void) | undefined;

beforeAll(async () => {
  emu = await startEmulator({
    provisioningMs: 600,
    profileTuning: { consistencyLagMs: 1500 },
    onResponse: (r) => {
      if (r.kind === "api") onApi?.(r);
    },
  });
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-states-"));
  Object.assign(process.env, emu.env(), { CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "100" });
});
afterAll(async () => {
  process.env = saved;
  await emu.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.reset();
  onApi = undefined;
  resetTokenProviders();
  clearReadCache();
  clearClaims();
});

const REGION = "Belgium, Europe (europe-west1)";
const owner = (name: string) => JSON.stringify(["proj", "dev", "Cluster", name]);
const clusterId = (r: RecordedResponse) => (JSON.parse(r.body) as { clusterId: string }).clusterId;

it("wakes a cluster that is Suspended while it is created, and waits until it is Healthy", async () => {
  onApi = (r) => {
    if (r.method === "POST" && r.route === "/clusters") setImmediate(() => emu.setClusterStatus(clusterId(r), "Suspended"));
  };
  const created = await providers.cluster.create({ name: "paused", region: REGION, plan: "Trial Cluster", __owner: owner("paused") });
  expect(created.outs.status).toBe("Healthy");
  expect(emu.stats().apiRequests.byRoute["PUT /clusters/:clusterId/wake"]).toBe(1);
});

it("fails at once on a cluster that waits for input, keeping it in the stack", async () => {
  onApi = (r) => {
    if (r.method === "POST" && r.route === "/clusters") setImmediate(() => emu.setClusterStatus(clusterId(r), "WaitingForInput"));
  };
  const started = Date.now();
  const err = (await providers.cluster
    .create({ name: "byok", region: REGION, plan: "Trial Cluster", waitTimeoutMinutes: 5, __owner: owner("byok") })
    .catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(err.message).toMatch(/is WaitingForInput: it waits for input in the Console \(for example an external encryption key\)/);
  expect(err.id).toBe((emu.state().clusters[0] as { uuid: string }).uuid);
  expect(err.properties).toMatchObject({ __awaiting: true, autoUpdate: true, name: "byok" });
});

it("waits out a new cluster's 404 and a new client's missing details (eventual consistency, 412)", async () => {
  emu.setProfiles(["eventualConsistency", "clientDetailsNotReady", "createdClientWithoutLinks"]);
  const cluster = await providers.cluster.create({ name: "eventual", region: REGION, plan: "Trial Cluster", __owner: owner("eventual") });
  expect(cluster.outs.status).toBe("Healthy");
  const client = await providers.zeebeClient.create({ clusterId: cluster.id, name: "w", __owner: JSON.stringify(["proj", "dev", "ZeebeClient", "w"]) });
  expect(client.outs.zeebeAddress).toBe(`${cluster.id}.bru-2.zeebe.camunda.io:443`);
  expect(String(client.outs.clientSecret)).toHaveLength(64);
  // And a read right after the create finds the client, though the listing does not show it yet.
  clearReadCache();
  const read = await providers.zeebeClient.read(client.id, client.outs);
  expect(read.id).toBe(client.id);
});

it("names the missing scope of a 401 for a fresh token, with one token request", async () => {
  emu.setProfiles(["missingScope401", "jsonErrors"]);
  const cluster = await providers.cluster.create({ name: "scoped", region: REGION, plan: "Trial Cluster", __owner: owner("scoped") });
  emu.addCredential({ clientId: "no-secrets", clientSecret: "no-secrets-secret", scopes: ["Cluster", "Zeebe Client"] });
  const config: Record<string, string> = { "camunda:clientId": "no-secrets", "camunda:clientSecret": "no-secrets-secret", "camunda:tokenDiskCache": "false" };
  try {
    providers.connectorSecret.configure({ config: { get: (k: string) => config[k] } });
    await new Promise((r) => setTimeout(r, TOKEN_REQUEST_SPACING_MS)); // the previous token request's throttle slot
    emu.resetStats();
    const err = (await providers.connectorSecret.read(`${cluster.id}/TOKEN`, {}).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 401: Unauthorized: this API client lacks the "Connector Secrets" scope\. A token issued moments ago was refused: the Console API credentials lack the "Connector Secrets" scope/);
    expect(emu.stats().tokenRequests.total).toBe(1);
  } finally {
    providers.connectorSecret.configure({ config: { get: () => undefined } });
  }
});

it("fails the create of a client granted none of its declared scopes (8.7+ clusters), leaving no client behind; reports the withheld ones of a partial grant", async () => {
  emu.setProfiles(["clientScopesDropped"]);
  const c = await providers.cluster.create({ name: "m", region: REGION, plan: "Trial Cluster", __owner: owner("m") });
  const ins = { clusterId: c.id, name: "ops", permissions: ["Operate", "Tasklist"], __owner: JSON.stringify(["proj", "dev", "ZeebeClient", "ops"]) };
  await expect(providers.zeebeClient.create(ins)).rejects.toThrow(/granted none of the requested permissions \(Operate, Tasklist\).*cluster's own Identity/);
  expect(emu.state().clients[c.id] ?? []).toEqual([]);
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  try {
    const made = await providers.zeebeClient.create({ ...ins, name: "mixed", permissions: ["Zeebe", "Operate"], __owner: JSON.stringify(["proj", "dev", "ZeebeClient", "mixed"]) });
    expect(made.outs.permissions).toEqual(["Zeebe"]);
    expect((made.outs.env as Record<string, string>).CAMUNDA_CREDENTIALS_SCOPES).toBe("Zeebe");
  } finally {
    log.mockRestore();
  }
  expect(lines.join("\n")).toMatch(/granted Zeebe of the requested Zeebe, Operate: .*Operate access is managed/);
});

it("creates a BYOK cluster without waiting for its keys, and the ClusterEncryption that sets them waits until it is Healthy", async () => {
  emu.setProfiles(["clusterLifecycle"]);
  const ins = { name: "byok-keys", region: "Frankfurt, Europe (eu-central-1)", plan: "Trial Cluster", encryption: "External", __owner: owner("byok-keys") };
  const cluster = await providers.cluster.create(ins);
  expect(["Creating", "WaitingForInput"]).toContain(cluster.outs.status);
  // Its next diff has nothing to wait for: the keys are the ClusterEncryption's.
  expect((await providers.cluster.diff(cluster.id, cluster.outs, (await providers.cluster.check(ins, ins)).inputs)).changes).toBe(false);
  // Provisioned, it waits for its keys.
  await new Promise((r) => setTimeout(r, 900));
  expect(emu.state().clusters[0]).toMatchObject({ status: { ready: "WaitingForInput" }, encryption: { status: "ExternalEncryptionKeyNotSupplied" } });
  const key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const enc = await providers.clusterEncryption.create({ clusterId: cluster.id, primaryKeyArn: key, __owner: JSON.stringify(["proj", "dev", "ClusterEncryption", "k"]) });
  expect(enc.outs.status).toBe("Ready");
  expect(emu.state().clusters[0]).toMatchObject({ status: { ready: "Healthy" }, encryption: { type: "External", status: "Ready" } });
  // A key of another region fails at preview, naming both regions.
  const wrong = { clusterId: cluster.id, primaryKeyArn: key.replace(/eu-central-1/, "us-east-1"), __owner: JSON.stringify(["proj", "dev", "ClusterEncryption", "k"]) };
  const checked = await providers.clusterEncryption.check({}, wrong);
  expect(checked.failures?.map((f) => f.reason).join("\n")).toMatch(/the key is in us-east-1, the cluster in eu-central-1/);
});
