/**
 * Lifecycle through the real engine and the emulator: in-place updates vs replacements, refresh after out-of-band
 * changes and deletes, reading existing objects with `get`, credentials from the environment, and bad input that
 * fails the preview before anything is written.
 */
import * as path from "node:path";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack, type EngineStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
const VALUE1 = "lifecycle-value-one-3c2b";
const VALUE2 = "lifecycle-value-two-8e7f";

const stacks = useEmulatorForStacks({ provisioningMs: 800 });
const ENV = () => stacks.env();
const config = (spec: unknown) => stacks.config(spec, { v1: { value: VALUE1, secret: true }, v2: { value: VALUE2, secret: true } });

const base = {
  cluster: { name: "life", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster", stageLabel: "dev" },
  clients: [{ name: "worker", permissions: ["Zeebe"] }],
  allowlist: [{ ip: "203.0.113.0/24", description: "office" }],
  secrets: [{ name: "TOKEN", secretConfigKey: "v1" }],
};

async function setSpec(s: EngineStack, spec: unknown): Promise<void> {
  await s.setConfig("spec", JSON.stringify(spec));
}

function writes(): number {
  const m = stacks.emu.stats().apiRequests.byMethod;
  return (m.POST ?? 0) + (m.PUT ?? 0) + (m.PATCH ?? 0) + (m.DELETE ?? 0);
}

describe("lifecycle", () => {
  it("updates name, description, stage label, secret values and allowlists in place; replaces clients and clusters", async () => {
    await withStack({ programDir: PROGRAM, config: config(base), env: ENV() }, async (s) => {
      const first = await s.up();
      const clusterId = first.outputs.clusterId.value as string;
      const clientId = (first.outputs.clients.value as Record<string, { clientId: string }>).worker.clientId;

      // In place: cluster name/description/stage, secret value, allowlist entries.
      await setSpec(s, {
        ...base,
        cluster: { ...base.cluster, name: "life-renamed", description: "orders", stageLabel: "test" },
        allowlist: [...base.allowlist, { ip: "198.51.100.7", description: "vpn" }],
        secrets: [{ name: "TOKEN", secretConfigKey: "v2" }],
      });
      stacks.emu.resetStats();
      const upd = await s.up();
      expect(upd.summary.resourceChanges).toMatchObject({ update: 3 });
      expect(upd.summary.resourceChanges?.replace ?? 0).toBe(0);
      expect(upd.outputs.clusterId.value).toBe(clusterId);
      expect(stacks.emu.stats().apiRequests.byMethod.POST ?? 0).toBe(0);
      const st = stacks.emu.state({ revealSecrets: true });
      expect(st.clusters).toHaveLength(1);
      expect(st.clusters[0]).toMatchObject({ name: "life-renamed", description: "orders", labels: ["test"] });
      expect((st.clusters[0] as { ipallowlist: unknown[] }).ipallowlist).toHaveLength(2);
      expect(st.secrets[clusterId]).toEqual({ TOKEN: VALUE2 });
      expect(st.clients[clusterId].map((c) => c.clientId)).toEqual([clientId]);

      // Replace: a client's permissions (same name: deleted before it is created again).
      await setSpec(s, {
        ...base,
        cluster: { ...base.cluster, name: "life-renamed", description: "orders", stageLabel: "test" },
        allowlist: [...base.allowlist, { ip: "198.51.100.7", description: "vpn" }],
        clients: [{ name: "worker", permissions: ["Zeebe", "Operate"] }],
        secrets: [{ name: "TOKEN", secretConfigKey: "v2" }],
      });
      const rep = await s.up();
      expect(rep.summary.resourceChanges?.replace).toBe(1);
      const newClient = (rep.outputs.clients.value as Record<string, { clientId: string; permissions: string[] }>).worker;
      expect(newClient.clientId).not.toBe(clientId);
      expect(newClient.permissions).toEqual(["Zeebe", "Operate"]);
      expect(stacks.emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([newClient.clientId]);

      // Replace: the region replaces the cluster and, through its id, everything on it; nothing is left behind.
      await setSpec(s, { ...base, cluster: { ...base.cluster, region: "London, Europe (europe-west2)" } });
      const moved = await s.up();
      expect(moved.outputs.clusterId.value).not.toBe(clusterId);
      const after = stacks.emu.state({ revealSecrets: true });
      expect(after.clusters).toHaveLength(1);
      expect((after.clusters[0] as { region: { name: string } }).region.name).toBe("London, Europe (europe-west2)");
      const newId = moved.outputs.clusterId.value as string;
      expect(after.clients[newId]).toHaveLength(1);
      expect(after.secrets[newId]).toEqual({ TOKEN: VALUE1 });

      await s.destroy();
      expect(stacks.emu.state().clusters).toHaveLength(0);
    });
  });

  it("refresh detects out-of-band changes and deletes; the next up repairs them", async () => {
    await withStack({ programDir: PROGRAM, config: config(base), env: ENV() }, async (s) => {
      const first = await s.up();
      const clusterId = first.outputs.clusterId.value as string;
      const clientId = (first.outputs.clients.value as Record<string, { clientId: string }>).worker.clientId;

      stacks.emu.deleteClient(clusterId, clientId);
      stacks.emu.setSecretValue(clusterId, "TOKEN", "changed-in-the-console");
      stacks.emu.patchCluster(clusterId, { name: "renamed-in-the-console" });
      stacks.emu.setIpAllowlist(clusterId, []);
      const refresh = await s.refresh();
      expect(refresh.summary.resourceChanges).toMatchObject({ delete: 1, update: 3 });
      const repaired = await s.up();
      expect(repaired.summary.resourceChanges).toMatchObject({ create: 1, update: 3 });
      const st = stacks.emu.state({ revealSecrets: true });
      expect(st.clusters[0]).toMatchObject({ name: "life" });
      expect(st.secrets[clusterId]).toEqual({ TOKEN: VALUE1 });
      expect((st.clusters[0] as { ipallowlist: unknown[] }).ipallowlist).toHaveLength(1);
      expect(st.clients[clusterId]).toHaveLength(1);

      // The whole cluster deleted in the Console: refresh drops it and everything on it; up recreates them.
      stacks.emu.deleteCluster(clusterId);
      const gone = await s.refresh();
      expect(gone.summary.resourceChanges?.delete).toBe(4); // the cluster, its client, allowlist and secret
      const again = await s.up();
      expect(again.summary.resourceChanges?.create).toBe(4);
      expect(stacks.emu.state().clusters).toHaveLength(1);
    });
  });

  it("reads existing clusters and clients with get, and takes credentials from the environment", async () => {
    // An existing cluster with a client, made outside Pulumi.
    let clusterId = "";
    let clientId = "";
    await withStack({ programDir: PROGRAM, config: config({ cluster: base.cluster, clients: base.clients }), env: ENV(), skipDestroy: true }, async (s) => {
      const up = await s.up();
      clusterId = up.outputs.clusterId.value as string;
      clientId = (up.outputs.clients.value as Record<string, { clientId: string }>).worker.clientId;
    });
    const spec = { existingClusterId: clusterId, clients: [{ name: "attached" }], getClient: `${clusterId}/${clientId}` };
    const env = { ...ENV(), ...stacks.emu.env() };
    await withStack({ programDir: PROGRAM, config: { spec: { value: JSON.stringify(spec) } }, env }, async (s) => {
      const up = await s.up();
      expect(up.outputs.clusterName.value).toBe("life");
      expect(up.outputs.gotClientName.value).toBe("worker");
      const gotEnv = up.outputs.gotClientEnv.value as Record<string, string>;
      expect(gotEnv.ZEEBE_CLIENT_ID).toBe(clientId);
      expect(gotEnv.ZEEBE_CLIENT_SECRET).toBe(""); // a secret is shown only once, at creation
      expect(stacks.emu.state().clients[clusterId].map((c) => c.name).sort()).toEqual(["attached", "worker"]);
      await s.destroy();
      // Destroying the stack removes what it created, not the cluster it only read.
      expect(stacks.emu.state().clusters).toHaveLength(1);
      expect(stacks.emu.state().clients[clusterId].map((c) => c.name)).toEqual(["worker"]);
    });
  });

  async function previewError(s: EngineStack): Promise<string> {
    const err = await s.preview().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeDefined();
    return `${err?.message}\n${s.output.join("\n")}`;
  }

  it("fails the preview on bad input, naming the field and the fix, with no write request", async () => {
    await withStack({ programDir: PROGRAM, config: config({ cluster: { ...base.cluster, region: "Atlantis" } }), env: ENV() }, async (s) => {
      stacks.emu.resetStats();
      const text = await previewError(s);
      expect(text).toMatch(/Cluster\.region: "Atlantis" is not a region; use one of .*"Belgium, Europe \(europe-west1\)"/);
      expect(writes()).toBe(0);

      // A valid cluster with one bad dependent at a time (the engine stops at the first failing check).
      const cases: [object, RegExp][] = [
        [{ clients: [{ name: "has space" }] }, /ZeebeClient\.name: name must not contain spaces/],
        [
          { clients: [{ name: "w", permissions: ["Zeebe", "Root"] }] },
          /ZeebeClient\.permissions\[1\]: permissions: "Root" is not a permission; use any of Zeebe, Operate, Tasklist, Optimize, Secrets/,
        ],
        [{ allowlist: [{ ip: "300.1.2.3/33" }] }, /IpAllowlist\.entries\[0\]\.ip: ip "300\.1\.2\.3\/33" is not an IPv4\/IPv6 address or CIDR block/],
        [{ allowlist: [{ ip: "10.0.0.1" }, { ip: "10.0.0.1/32" }] }, /ip "10\.0\.0\.1\/32" is listed twice \(entries\[0\] and entries\[1\]\)/],
        [{ secrets: [{ name: "X".repeat(50), secretConfigKey: "v1" }] }, /ConnectorSecret\.name: name is 50 characters or longer/],
      ];
      for (const [extra, message] of cases) {
        await setSpec(s, { cluster: base.cluster, ...extra });
        expect(await previewError(s)).toMatch(message);
      }
      expect(writes()).toBe(0);
      expect(stacks.emu.state().clusters).toHaveLength(0);
    });
  });

  it("fails clearly on bad credentials after exactly one token request", async () => {
    const cfg = { ...config(base), "camunda:clientSecret": { value: "wrong-secret-4f4f", secret: true } };
    await withStack({ programDir: PROGRAM, config: cfg, env: { ...ENV(), CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" } }, async (s) => {
      stacks.emu.resetStats();
      const err = await s.up().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeDefined();
      const text = `${err?.message}\n${s.output.join("\n")}`;
      expect(text).toContain(`The token service refused the Console API client "${stacks.emu.credentials.clientId}" (from stack config camunda:clientId)`);
      expect(text).not.toContain("wrong-secret-4f4f");
      expect(stacks.emu.stats().tokenRequests.total).toBe(1);
      expect(writes()).toBe(0);
    });
  });
});
