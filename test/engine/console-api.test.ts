/**
 * The rest of the Console API through the real engine (issue 13): members, a backup schedule and an on-demand backup,
 * external monitoring and its client, secure connectivity and the BYOK keys of a cluster created with
 * `encryption: "External"`, beside a cluster upgraded in place and resized. Each: create, a no-change preview with no
 * API request, updates in place (the cluster keeps its uuid across a generation upgrade), refresh with no change,
 * destroy leaving the emulator as it was; the monitoring password masked in outputs and absent from the raw state;
 * bad input failing the preview before anything is written.
 */
import * as path from "node:path";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/estate");
const FRANKFURT = "Frankfurt, Europe (eu-central-1)";
const KEY_1 = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_2 = "arn:aws:kms:eu-central-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

const stacks = useEmulatorForStacks({ provisioningMs: 1500 });

const estate = {
  cluster: { name: "estate", region: FRANKFURT, plan: "Advanced", channel: "Stable", generation: "Camunda 8.7.x", autoUpdate: false, encryption: "External", hardwarePackages: 1 },
  encryption: { primaryKeyArn: KEY_1 },
  members: [{ email: "Ops.Lead@example.com", roles: ["admin"] }],
  backupSchedule: { schedule: "0 2 * * *" },
  backups: [{ resourceName: "before-upgrade", trigger: "8.7" }],
  monitoring: {},
  monitoringClients: [{ username: "prometheus", rotation: "2026-q4" }],
  secureConnectivity: { allowedPrincipals: ["123456789012"], allowedRegions: ["eu-central-1"] },
  lookups: true,
};

/** Writes (non-GET API requests) the emulator saw since its stats were last reset. */
function writes(): Record<string, number> {
  const byRoute = stacks.emu.stats().apiRequests.byRoute;
  return Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.startsWith("GET ")));
}

describe("the whole Console API through the real engine", () => {
  it("creates, converges, updates in place (upgrade keeping the uuid), refreshes and destroys the estate", async () => {
    const seededMembers = stacks.emu.state().members.map((m) => m.email);
    await withStack({ programDir: PROGRAM, config: stacks.config(estate), env: stacks.env(), skipDestroy: true }, async (s) => {
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      const o = up.outputs;
      const clusterId = o.clusterId.value as string;
      // As it was when its create returned: a BYOK cluster's create does not wait for the keys its ClusterEncryption sets.
      expect(o.clusterStatus.value).toMatch(/Creating|WaitingForInput|Healthy/);
      expect(o.encryptionStatus.value).toBe("Ready");
      expect(o.generationName.value).toBe("Camunda 8.7.x");
      expect(o.members.value).toEqual([{ email: "ops.lead@example.com", roles: ["admin"], invitePending: true }]);
      expect(o.backups.value).toEqual([{ backupId: expect.any(String), status: expect.stringMatching(/complete/i) }]);
      expect(o.metricsEndpoint.value).toMatch(/^https?:\/\//);
      expect(o.connectivity.value).toMatchObject({ allowedPrincipals: ["123456789012"], serviceName: expect.any(String) });
      expect(o.ipRanges.value["web-modeler"].length).toBeGreaterThan(0);
      expect(o.clusterByName.value).toBe(clusterId);
      // The monitoring password: a secret in the outputs, nowhere in the raw state (stack, history, backups).
      expect(o.monitoringPassword.secret).toBe(true);
      const password = o.monitoringPassword.value as string;
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(s.rawBackendText()).not.toContain(password);

      const live = stacks.emu.state();
      expect(live.clusters).toHaveLength(1);
      expect(live.backupSchedules[clusterId]).toBe("0 2 * * *");
      expect(live.backups[clusterId]).toHaveLength(1);
      expect(live.members.map((m) => m.email)).toContain("ops.lead@example.com");

      // A second up and a preview: no change, and the preview makes no API request.
      expect((await s.up()).summary.resourceChanges).toEqual({ same: 9 });
      stacks.emu.resetStats();
      await s.preview({ expectNoChanges: true });
      // Only the program's own lookups ask (they run on every preview); the resources make no request.
      expect(stacks.emu.stats().apiRequests.byRoute).toEqual({ "GET /meta/ip-ranges": 1, "GET /clusters": 1 });

      // In place: the generation (upgraded, the uuid kept), the size, roles, schedule, a rotated password and key.
      const changed = {
        ...estate,
        cluster: { ...estate.cluster, generation: "Camunda 8.8.x", hardwarePackages: 2 },
        encryption: { primaryKeyArn: KEY_2 },
        members: [{ email: "ops.lead@example.com", roles: ["admin", "analyst"] }],
        backupSchedule: { schedule: "30 3 * * *" },
        monitoringClients: [{ username: "prometheus", rotation: "2027-q1" }],
      };
      await s.setConfig("spec", JSON.stringify(changed));
      stacks.emu.resetStats();
      const upd = await s.up();
      expect(upd.summary.resourceChanges).toEqual({ same: 4, update: 5 });
      expect(upd.outputs.clusterId.value).toBe(clusterId);
      expect(upd.outputs.generationName.value).toBe("Camunda 8.8.x");
      expect(writes()).toMatchObject({
        "PUT /clusters/:clusterId/upgrade": 1,
        "PATCH /clusters/:clusterId": 1,
        "PUT /clusters/:clusterId/encryption": 1,
        "POST /members/:email": 1,
        "PUT /clusters/:clusterId/backups/schedule": 1,
      });
      expect(Object.keys(writes()).some((r) => r.startsWith("DELETE ") || r === "POST /clusters")).toBe(false);
      const rotated = upd.outputs.monitoringPassword.value as string;
      expect(rotated).not.toBe(password);
      const after = stacks.emu.state();
      expect(after.clusters[0]).toMatchObject({ uuid: clusterId, generation: { name: "Camunda 8.8.x" } });
      expect(after.backupSchedules[clusterId]).toBe("30 3 * * *");
      expect(after.members.find((m) => m.email === "ops.lead@example.com")?.roles).toEqual(["admin", "analyst"]);

      // Refresh: nothing changed out of band, nothing to change; and the next preview is empty.
      const refresh = await s.refresh();
      expect(refresh.summary.resourceChanges).toEqual({ same: 9 });
      await s.preview({ expectNoChanges: true });

      // Destroy: the emulator as it was.
      stacks.emu.resetStats();
      expect((await s.destroy()).summary.resourceChanges).toEqual({ delete: 9 });
      const end = stacks.emu.state();
      expect(end.clusters).toEqual([]);
      expect(end.members.map((m) => m.email).sort()).toEqual([...seededMembers].sort());
      expect(writes()).toMatchObject({
        "DELETE /clusters/:clusterId/backups/schedule": 1,
        "DELETE /clusters/:clusterId/backups/:backupId": 1,
        "DELETE /clusters/:clusterId/monitoring": 1,
        "DELETE /clusters/:clusterId/monitoring/clients/:clientUuid": 1,
        "DELETE /clusters/:clusterId/secure-connectivity": 1,
        "DELETE /members/:email": 1,
        "DELETE /clusters/:clusterId": 1,
      });
    });
  });

  it("fails the preview on bad input, naming the field and its fix, before anything is written", async () => {
    const cluster = { name: "bad", region: FRANKFURT, plan: "Trial Cluster" };
    const cases: [unknown, RegExp][] = [
      [{ cluster, members: [{ email: "not-an-address", roles: ["admin"] }] }, /Member\.email: email must be an e-mail address, e\.g\. "jane@example\.com"/],
      [{ cluster, backupSchedule: { schedule: "*/5 * * * *" } }, /schedule "\*\/5 \* \* \* \*" runs more often than every 15 minutes/],
      [{ cluster, encryption: { primaryKeyArn: "arn:aws:kms:eu-central-1:12:key/x" } }, /primaryKeyArn "arn:aws:kms:eu-central-1:12:key\/x" is not an AWS KMS key ARN, e\.g\./],
    ];
    await withStack({ programDir: PROGRAM, config: stacks.config(cases[0][0]), env: stacks.env() }, async (s) => {
      stacks.emu.resetStats();
      for (const [spec, message] of cases) {
        await s.setConfig("spec", JSON.stringify(spec));
        const failed = await s.preview().then(
          () => "",
          (e: unknown) => String(e),
        );
        expect(failed).toMatch(message);
      }
      expect(writes()).toEqual({});
    });
  });
});
