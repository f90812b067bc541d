/**
 * Convergence of each resource of the rest of the Console API under each emulator profile on its own (and "live",
 * "document"), at provider level: create → diff(same inputs) → read → diff(program inputs vs refreshed outputs) and
 * diff(refreshed inputs) must all say "no changes". A BYOK cluster this stack made never needs adoptExisting.
 */
import { PROFILE_NAMES } from "../../emulator";
import { providers } from "../../provider/resources";
import { api, h, owner, setup } from "../helpers/lost-answer";

setup();

const KEY = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
type P = (typeof providers)[keyof typeof providers];

async function converge(label: string, p: P, raw: Record<string, unknown>, problems: string[]): Promise<string | undefined> {
  const checked = await p.check({}, raw);
  if (checked.failures?.length) {
    problems.push(`${label}: check failed ${JSON.stringify(checked.failures)}`);
    return undefined;
  }
  let created;
  try {
    created = await p.create(checked.inputs);
  } catch (e) {
    problems.push(`${label}: create threw ${(e as Error).message}`);
    return undefined;
  }
  const d1 = await p.diff(created.id, created.outs, (await p.check(checked.inputs, raw)).inputs);
  if (d1.changes) problems.push(`${label}: diff after create says changes ${JSON.stringify(d1)}`);
  const r = await p.read(created.id, created.outs);
  if (!r.id) {
    problems.push(`${label}: read right after create says gone`);
    return created.id;
  }
  const again = (await p.check(r.inputs ?? {}, raw)).inputs;
  const d2 = await p.diff(created.id, r.props!, again);
  if (d2.changes) problems.push(`${label}: diff after refresh says changes ${JSON.stringify(d2)}`);
  if (r.inputs) {
    const d3 = await p.diff(created.id, r.props!, r.inputs);
    if (d3.changes) problems.push(`${label}: refreshed inputs differ from refreshed outputs ${JSON.stringify(d3)}`);
  }
  return created.id;
}

const cases = [...PROFILE_NAMES, "live", "document"] as const;

it.each(cases)("every new resource converges under the profile %s alone", async (profile) => {
  h.emu.setProfiles(profile === "live" || profile === "document" ? profile : [profile]);
  const problems: string[] = [];
  const p = await api().getParameters();
  const aws = p.regions.find((r) => r.name.includes("eu-central-1"))!;
  const base = { region: aws.name, plan: p.clusterPlanTypes[1].name };
  // A BYOK cluster made by this stack, then its keys.
  const byok = await converge("Cluster(External)", providers.cluster, { name: `byok-${profile}`.slice(0, 50), ...base, encryption: "External", stageLabel: "prod", __owner: owner("Cluster", "byok") }, problems);
  if (byok) await converge("ClusterEncryption", providers.clusterEncryption, { clusterId: byok, primaryKeyArn: KEY, __owner: owner("ClusterEncryption", "k") }, problems);
  const plain = await converge("Cluster(pinned)", providers.cluster, { name: `pin-${profile}`.slice(0, 50), ...base, autoUpdate: false, generation: "Camunda 8.7.x", stageLabel: "prod", __owner: owner("Cluster", "pin") }, problems);
  if (plain) {
    await converge("BackupSchedule", providers.backupSchedule, { clusterId: plain, schedule: "0  2 * * *", __owner: owner("BackupSchedule", "s") }, problems);
    await converge("Backup", providers.backup, { clusterId: plain, trigger: "v1", __owner: owner("Backup", "b") }, problems);
    await converge("ExternalMonitoring", providers.externalMonitoring, { clusterId: plain, __owner: owner("ExternalMonitoring", "m") }, problems);
    await converge("MonitoringClient", providers.monitoringClient, { clusterId: plain, username: "prom", rotation: "r1", __owner: owner("MonitoringClient", "mc") }, problems);
    await converge("SecureConnectivity", providers.secureConnectivity, { clusterId: plain, allowedPrincipals: ["123456789012", "arn:aws:iam::123456789012:root"], allowedRegions: ["eu-central-1"], __owner: owner("SecureConnectivity", "sc") }, problems);
  }
  await converge("Member", providers.member, { email: "Jane@Example.com", roles: ["analyst", "admin"], __owner: owner("Member", "jane") }, problems);
  expect(problems).toEqual([]);
});
