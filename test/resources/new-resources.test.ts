/** The new resources of the Console API: convergence under live, get, lost answers, preview unknowns, check messages. */
import { providers } from "../../provider/resources";
import { api, h, healthyCluster, owner, setup, UNKNOWN } from "../helpers/lost-answer";

setup();

type P = (typeof providers)[keyof typeof providers];

/** create → read → diff(read props, same checked inputs): no change (an up then refresh then preview). */
async function converges(p: P, raw: Record<string, unknown>) {
  const checked = await p.check({}, raw);
  expect(checked.failures ?? []).toEqual([]);
  const created = await p.create(checked.inputs);
  const d1 = await p.diff(created.id, created.outs, (await p.check(checked.inputs, raw)).inputs);
  const read = await p.read(created.id, created.outs);
  expect(read.id).toBe(created.id);
  const d2 = await p.diff(created.id, read.props as never, (await p.check(read.inputs ?? {}, raw)).inputs);
  return { created, read, d1, d2 };
}

describe("convergence of each new resource under the live profiles", () => {
  beforeEach(() => h.emu.setProfiles("live"));
  it("Member, BackupSchedule, Backup, ExternalMonitoring, MonitoringClient, SecureConnectivity converge", async () => {
    const clusterId = await healthyCluster("conv");
    const cases: [P, Record<string, unknown>][] = [
      [providers.member, { email: "Ann@Example.com", roles: ["developer", "admin"], __owner: owner("Member", "ann") }],
      [providers.backupSchedule, { clusterId, schedule: "0 2 * * *", __owner: owner("BackupSchedule", "s") }],
      [providers.backup, { clusterId, trigger: "v1", __owner: owner("Backup", "b") }],
      [providers.externalMonitoring, { clusterId, __owner: owner("ExternalMonitoring", "m") }],
      [providers.monitoringClient, { clusterId, username: "prom", rotation: "1", __owner: owner("MonitoringClient", "c") }],
      [providers.secureConnectivity, { clusterId, allowedPrincipals: ["123456789012"], allowedRegions: ["eu-central-1"], __owner: owner("SecureConnectivity", "pl") }],
    ];
    const out: Record<string, unknown> = {};
    for (const [p, raw] of cases) {
      const r = await converges(p, raw);
      out[JSON.stringify(raw).slice(0, 30)] = { d1: r.d1.changes, d2: r.d2.changes };
    }
    expect(Object.values(out).every((v) => (v as { d1: boolean; d2: boolean }).d1 === false && (v as { d2: boolean }).d2 === false)).toBe(true);
  });
});

it("F9 MonitoringClient: a lost create answer leaves no orphan client (with a live password nobody holds)", async () => {
  const clusterId = await healthyCluster("mc");
  const o = owner("MonitoringClient", "prom");
  h.loseAnswer = { method: "POST", path: /monitoring\/clients$/, times: 1 };
  let created: Awaited<ReturnType<typeof providers.monitoringClient.create>> | undefined;
  try {
    created = await providers.monitoringClient.create({ clusterId, username: "prometheus", __owner: o });
  } catch {
    // the next up of the same resource
    created = await providers.monitoringClient.create({ clusterId, username: "prometheus", __owner: o });
  }
  const listed = await api().listMonitoringClients(clusterId);
  expect(listed.clients.map((c) => c.uuid)).toEqual([created.outs.clientUuid]);
});

it("F10 Cluster: an unknown generation at preview (autoUpdate false) does not plan a replacement", async () => {
  const p = await api().getParameters();
  const o = owner("Cluster", "g");
  const raw = { name: "g", region: p.regions[0].name, plan: p.clusterPlanTypes[0].name, autoUpdate: false, __owner: o };
  const created = await providers.cluster.create((await providers.cluster.check({}, raw)).inputs);
  const news = (await providers.cluster.check(created.outs, { ...raw, generation: UNKNOWN })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
});

it("F11 Cluster: an unknown in-place input (stageLabel) at preview does not plan a replacement", async () => {
  const p = await api().getParameters();
  const o = owner("Cluster", "u");
  const raw = { name: "u", region: p.regions[0].name, plan: p.clusterPlanTypes[0].name, __owner: o };
  const created = await providers.cluster.create((await providers.cluster.check({}, raw)).inputs);
  const news = (await providers.cluster.check(created.outs, { ...raw, stageLabel: UNKNOWN })).inputs;
  const d = await providers.cluster.diff(created.id, created.outs, news);
  expect(d.replaces).toEqual([]);
});

it("F12 get (read with no props) of each new resource returns it", async () => {
  const clusterId = await healthyCluster("get");
  await api().setBackupSchedule(clusterId, "0 2 * * *");
  await api().setMonitoring(clusterId, true);
  const mc = await api().createMonitoringClient(clusterId, "prom");
  const b = await api().createBackup(clusterId);
  await api().setSecureConnectivity(clusterId, { allowedPrincipals: ["123456789012"], allowedRegions: [] });
  await api().upsertMember("zed@example.com", ["analyst"]);
  const got = {
    schedule: (await providers.backupSchedule.read(clusterId, {})).props,
    monitoring: (await providers.externalMonitoring.read(clusterId, {})).props,
    client: (await providers.monitoringClient.read(`${clusterId}/${mc.uuid}`, {})).props,
    backup: (await providers.backup.read(`${clusterId}/${b.uuid}`, {})).props,
    connectivity: (await providers.secureConnectivity.read(clusterId, {})).props,
    member: (await providers.member.read("zed@example.com", {})).props,
  };
  for (const v of Object.values(got)) expect(v).toBeDefined();
});

it("F13 check messages name the field AND the fix for the new resources' simple fields", async () => {
  const clusterId = "c-1";
  const reasons = [
    ...((await providers.backup.check({}, { clusterId, trigger: 3 })).failures ?? []),
    ...((await providers.backup.check({}, { clusterId, waitTimeoutMinutes: 0 })).failures ?? []),
    ...((await providers.monitoringClient.check({}, { clusterId, username: "p", rotation: 2 })).failures ?? []),
    ...((await providers.secureConnectivity.check({}, { clusterId, allowedPrincipals: "123456789012" })).failures ?? []),
  ].map((f) => f.reason);
  console.log(reasons.join("\n"));
  for (const r of reasons) expect(r).toMatch(/:.*(must|use|give|pass|remove|set|e\.g\.)/);
});

it("F14 ClusterEncryption on a BYOK cluster outside AWS: the preview says it cannot be done, not 'use a key of europe-west1'", async () => {
  const clusterId = await healthyCluster("gcp-byok", { encryption: "External" });
  const checked = await providers.clusterEncryption.check({}, {
    clusterId,
    primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    __owner: owner("ClusterEncryption", "k"),
  });
  const reasons = (checked.failures ?? []).map((f) => f.reason).join("\n");
  console.log(reasons);
  expect(reasons).toMatch(/AWS/);
});

it("a Backup that ends Failed (with a completion time) fails its create, naming the backup", async () => {
  const clusterId = await healthyCluster("failing-backup");
  h.emu.failBackups(clusterId);
  const checked = await providers.backup.check({}, { clusterId, trigger: "v1", __owner: owner("Backup", "b") });
  await expect(providers.backup.create(checked.inputs)).rejects.toThrow(/Backup .* of cluster .* failed \(Failed\)/);
});
