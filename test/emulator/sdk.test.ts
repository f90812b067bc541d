/**
 * The official SDK's admin client (@camunda8/sdk AdminApiClient) against the emulator. The SDK treats a non-SaaS
 * token URL as Self-Managed and then sends ZEEBE_CLIENT_ID/SECRET for the CONSOLE audience, so both sets are given.
 */
import { Camunda8 } from "@camunda8/sdk";
import type { Emulator } from "../../emulator";
import { GENERATIONS } from "../../emulator/seed";
import { BELGIUM, STABLE, TRIAL, specViolations, startTestEmulator } from "./helpers";

let emu: Emulator;

beforeAll(async () => {
  // The real rate limit stays on: the SDK must get by with one cached token.
  emu = await startTestEmulator({ tokenRateLimit: { minIntervalMs: 1000, blockMs: 5000 }, provisioningMs: 60_000 });
});
afterAll(() => emu.stop());

function adminClient(e: Emulator) {
  const { clientId, clientSecret } = e.credentials;
  const c8 = new Camunda8({
    CAMUNDA_AUTH_STRATEGY: "OAUTH",
    CAMUNDA_CONSOLE_BASE_URL: e.url,
    CAMUNDA_OAUTH_URL: e.oauthUrl,
    CAMUNDA_CONSOLE_CLIENT_ID: clientId,
    CAMUNDA_CONSOLE_CLIENT_SECRET: clientSecret,
    ZEEBE_CLIENT_ID: clientId,
    ZEEBE_CLIENT_SECRET: clientSecret,
    CAMUNDA_CONSOLE_OAUTH_AUDIENCE: "api.cloud.camunda.io",
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
    CAMUNDA_LOG_LEVEL: "none",
  });
  return c8.getAdminApiClient();
}

it("creates and manages a cluster, a client, secrets and the IP allowlist through the SDK", async () => {
  const admin = adminClient(emu);

  const params = await admin.getParameters();
  expect(params.channels.map((c) => c.name)).toEqual(["Stable", "Alpha"]);
  expect(params.regions.map((r) => r.name)).toContain("Belgium, Europe (europe-west1)");

  const { clusterId } = await admin.createCluster({
    name: "sdk-cluster",
    planTypeId: TRIAL.uuid,
    channelId: STABLE.uuid,
    generationId: GENERATIONS.v88.uuid,
    regionId: BELGIUM.uuid,
  });
  expect((await admin.getCluster(clusterId)).status.ready).toBe("Creating");

  // The SDK does not retry 412: the cluster is not ready yet.
  const created = await admin.createClient({ clusterUuid: clusterId, clientName: "sdk-worker", permissions: ["Zeebe"] });
  expect(created.clientSecret).toHaveLength(64);
  await expect(admin.getClient(clusterId, created.clientId)).rejects.toThrow(/412/);

  // Provisioning is long so that the calls above see Creating on any machine; it ends here.
  emu.setClusterHealthy(clusterId);
  expect((await admin.getClusters()).filter((c) => c.uuid === clusterId).map((c) => c.status.ready)).toEqual(["Healthy"]);
  const details = await admin.getClient(clusterId, created.clientId);
  expect(details.ZEEBE_CLIENT_ID).toBe(created.clientId);
  expect(details.ZEEBE_ADDRESS).toBe(`${clusterId}.bru-2.zeebe.camunda.io:443`);
  expect((await admin.getClients(clusterId)).map((c) => c.name)).toEqual(["sdk-worker"]);

  await admin.createSecret({ clusterUuid: clusterId, secretName: "API_KEY", secretValue: "v1" });
  await admin.updateSecret(clusterId, "API_KEY", "v2");
  expect(await admin.getSecrets(clusterId)).toEqual({ API_KEY: "v2" });
  await admin.deleteSecret(clusterId, "API_KEY");
  expect(await admin.getSecrets(clusterId)).toEqual({});

  await admin.updateIpAllowlist(clusterId, [{ ip: "203.0.113.0/24", description: "ci" }]);
  // The SDK's Cluster type omits the allowlist fields the API sends.
  const allow = async (field: string) => ((await admin.getCluster(clusterId)) as unknown as Record<string, unknown>)[field];
  expect(await allow("ipallowlist")).toEqual([{ ip: "203.0.113.0/24", description: "ci" }]);
  await admin.whitelistIPs(clusterId, [{ ip: "203.0.113.7", description: "legacy" }]);
  expect(await allow("ipwhitelist")).toEqual([{ ip: "203.0.113.7", description: "legacy" }]);

  await admin.updateCluster(clusterId, { name: "sdk-renamed" });
  await admin.wakeCluster(clusterId);
  expect((await admin.getCluster(clusterId)).name).toBe("sdk-renamed");

  await admin.deleteClient(clusterId, created.clientId);
  expect(await admin.getClients(clusterId)).toEqual([]);
  await admin.deleteCluster(clusterId);
  expect(await admin.getClusters()).toEqual([]);

  // One token for the whole session, and no request was throttled.
  expect(emu.stats().tokenRequests).toMatchObject({ total: 1, ok: 1, rateLimited: 0 });
  expect(specViolations).toEqual([]);
});

it("surfaces a 401 from the token endpoint for bad credentials", async () => {
  const other = await startTestEmulator({ demoCredential: { clientId: "someone", clientSecret: "right" } });
  try {
    const c8 = new Camunda8({
      CAMUNDA_AUTH_STRATEGY: "OAUTH",
      CAMUNDA_CONSOLE_BASE_URL: other.url,
      CAMUNDA_OAUTH_URL: other.oauthUrl,
      CAMUNDA_CONSOLE_CLIENT_ID: "someone",
      CAMUNDA_CONSOLE_CLIENT_SECRET: "wrong",
      ZEEBE_CLIENT_ID: "someone",
      ZEEBE_CLIENT_SECRET: "wrong",
      CAMUNDA_CONSOLE_OAUTH_AUDIENCE: "api.cloud.camunda.io",
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_OAUTH_FAIL_ON_ERROR: true,
      CAMUNDA_LOG_LEVEL: "none",
    });
    await expect(c8.getAdminApiClient().getClusters()).rejects.toThrow(/401/);
    expect(other.stats().tokenRequests.unauthorized).toBeGreaterThanOrEqual(1);
  } finally {
    await other.stop();
  }
});

/**
 * Every method of the official SDK's admin client, in one session, against the emulator under its default profiles
 * and under `live` (issue 13: the emulator serves all 43 operations of the document).
 */
describe.each(["default", "live"] as const)("every AdminApiClient method under the %s profiles", (profiles) => {
  it("succeeds", async () => {
    const e = await startTestEmulator({ tokenRateLimit: { minIntervalMs: 1000, blockMs: 5000 }, provisioningMs: 0, profiles, profileTuning: { consistencyLagMs: 0, clientDetailsLagMs: 0, apiRequestsPerSecond: 1000 } });
    try {
      const admin = adminClient(e);
      const called = new Set<string>();
      const call = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        called.add(name);
        return run();
      };
      const aws = (await call("getParameters", () => admin.getParameters())).regions.find((r) => r.name === "Frankfurt, Europe (eu-central-1)");
      const { clusterId } = await call("createCluster", () =>
        admin.createCluster({ name: "every", planTypeId: TRIAL.uuid, channelId: STABLE.uuid, generationId: GENERATIONS.v87.uuid, regionId: aws?.uuid ?? BELGIUM.uuid }),
      );
      await call("getClusters", () => admin.getClusters());
      await call("getCluster", () => admin.getCluster(clusterId));
      await call("updateCluster", () => admin.updateCluster(clusterId, { name: "every-renamed", stageLabel: "dev" }));
      await call("wakeCluster", () => admin.wakeCluster(clusterId));
      await call("upgradeCluster", () => admin.upgradeCluster(clusterId));
      const client = await call("createClient", () => admin.createClient({ clusterUuid: clusterId, clientName: "every", permissions: ["Zeebe"] }));
      await call("getClients", () => admin.getClients(clusterId));
      await call("getClient", () => admin.getClient(clusterId, client.clientId));
      await call("deleteClient", () => admin.deleteClient(clusterId, client.clientId));
      await call("createSecret", () => admin.createSecret({ clusterUuid: clusterId, secretName: "S", secretValue: "v" }));
      await call("getSecrets", () => admin.getSecrets(clusterId));
      await call("updateSecret", () => admin.updateSecret(clusterId, "S", "w"));
      await call("deleteSecret", () => admin.deleteSecret(clusterId, "S"));
      await call("updateIpAllowlist", () => admin.updateIpAllowlist(clusterId, [{ ip: "10.0.0.1", description: "x" }]));
      await call("whitelistIPs", () => admin.whitelistIPs(clusterId, [{ ip: "10.0.0.2", description: "y" }]));
      await call("getUsers", () => admin.getUsers());
      await call("createMember", () => admin.createMember("every@example.com", ["developer" as never]));
      await call("deleteMember", () => admin.deleteMember("every@example.com"));
      await call("getIpRanges", () => admin.getIpRanges());
      await call("activateSecureConnectivity", () => admin.activateSecureConnectivity(clusterId, { allowedPrincipals: ["arn:aws:iam::123456789012:root"], allowedRegions: ["eu-central-1"] }));
      const status = await call("getSecureConnectivityStatus", () => admin.getSecureConnectivityStatus(clusterId));
      expect(JSON.stringify(status)).toContain("arn:aws:iam::123456789012:root");
      await call("deactivateSecureConnectivity", () => admin.deactivateSecureConnectivity(clusterId));
      await call("activateMonitoring", () => admin.activateMonitoring(clusterId));
      const mc = await call("createMonitoringClient", () => admin.createMonitoringClient(clusterId, "prometheus"));
      await call("getMonitoringClients", () => admin.getMonitoringClients(clusterId));
      await call("rotateMonitoringClientPassword", () => admin.rotateMonitoringClientPassword(clusterId, mc.uuid));
      await call("deleteMonitoringClient", () => admin.deleteMonitoringClient(clusterId, mc.uuid));
      await call("deactivateMonitoring", () => admin.deactivateMonitoring(clusterId));
      const backup = await call("createBackup", () => admin.createBackup(clusterId));
      await call("getBackups", () => admin.getBackups(clusterId));
      await call("deleteBackup", () => admin.deleteBackup(clusterId, backup.uuid));
      expect((await call("getActivityEvents", () => admin.getActivityEvents())).length).toBeGreaterThan(10);
      expect(await call("getActivityEventsCsv", () => admin.getActivityEventsCsv())).toMatch(/timestamp,service,orgId/);
      await call("deleteCluster", () => admin.deleteCluster(clusterId));

      // Every public method of the client was called.
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(admin)).filter(
        (m) => m !== "constructor" && typeof (admin as unknown as Record<string, unknown>)[m] === "function" && !m.startsWith("_") && !["getHeaders", "getGotClient"].includes(m),
      );
      expect(methods.length).toBeGreaterThanOrEqual(36);
      expect(methods.filter((m) => !called.has(m))).toEqual([]);
      expect(specViolations).toEqual([]);
    } finally {
      await e.stop();
    }
  });
});
