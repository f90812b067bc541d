/**
 * ClusterEncryption never takes over keys someone else set (adoptExisting opts in), and always takes its own back: keys
 * it set before its wait failed are its own on the next up. Each failed on 151b4fb or 1a7c9b1.
 */
import { providers } from "../../provider/resources";
import { api, h, interrupted, journal, owner, setup } from "../helpers/lost-answer";

setup();

const KEY = (n: string) => `arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890${n}`;

it("ClusterEncryption never rotates keys someone else set on a BYOK cluster (law 1: only what this resource created)", async () => {
  const p = await api().getParameters();
  const region = p.regions.find((r) => r.name.includes("eu-central-1"))!;
  const { clusterId } = await api().createCluster({
    name: "byok-by-hand",
    regionId: region.uuid,
    planTypeId: p.clusterPlanTypes[0].uuid,
    channelId: p.channels[0].uuid,
    generationId: p.channels[0].defaultGeneration.uuid,
    encryption: "External",
  } as never);
  h.emu.setClusterHealthy(clusterId);
  await api().setEncryptionKeys(clusterId, { primaryEncryptionKeyId: KEY("ab") }); // the platform team's keys
  const checked = await providers.clusterEncryption.check({}, { clusterId, primaryKeyArn: KEY("cd"), __owner: owner("ClusterEncryption", "k") });
  // Either the preview refuses (keys exist and this resource did not set them), or the create does — never a silent rotation.
  if (!checked.failures?.length) {
    await expect(providers.clusterEncryption.create(checked.inputs)).rejects.toThrow();
  }
  expect(h.emu.state().encryptionKeys[clusterId]?.primary).toBe(KEY("ab"));
  // adoptExisting: true takes them over (and rotates them as declared).
  const adopting = await providers.clusterEncryption.check({}, { clusterId, primaryKeyArn: KEY("cd"), adoptExisting: true, __owner: owner("ClusterEncryption", "k") });
  expect(adopting.failures ?? []).toEqual([]);
  await providers.clusterEncryption.create(adopting.inputs);
  expect(h.emu.state().encryptionKeys[clusterId]?.primary).toBe(KEY("cd"));
});


it.each(["live", "default"] as const)("the keys this very resource set are not refused as someone else's on the next up (profiles %s)", async (profiles) => {
  h.emu.setProfiles(profiles);
  const p = await api().getParameters();
  const aws = p.regions.find((r) => r.name.includes("eu-central-1"))!;
  const rawCluster = { name: "byok", region: aws.name, plan: p.clusterPlanTypes[1].name, encryption: "External", __owner: owner("Cluster", "byok") };
  const cluster = await providers.cluster.create((await providers.cluster.check({}, rawCluster)).inputs);

  // The Console answers 503 for a while right after the keys were set (the wait for Healthy fails).
  let failUntil = 0;
  h.intercept = (req, res) => {
    // From the first PUT of the keys on, for 9 s.
    if (req.method === "PUT" && /\/encryption$/.test(req.url ?? "") && failUntil === 0) failUntil = Date.now() + 9000;
    if (req.method !== "GET" || req.url !== `/clusters/${cluster.id}` || Date.now() >= failUntil) return false;
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("service unavailable");
    return true;
  };

  const raw = { clusterId: cluster.id, primaryKeyArn: KEY("ab"), __owner: owner("ClusterEncryption", "keys") };
  const checked = await providers.clusterEncryption.check({}, raw);
  expect(checked.failures ?? []).toEqual([]);
  await expect(providers.clusterEncryption.create(checked.inputs)).rejects.toThrow();
  await new Promise((r) => setTimeout(r, Math.max(0, failUntil - Date.now()) + 200));

  // The next `pulumi up` of the same program is another process: this run's entry reads as an interrupted run's.
  const left = journal().find("encryption", raw.__owner);
  expect(left?.id).toBe(cluster.id);
  journal().record("encryption", raw.__owner, interrupted(left!));
  const again = await providers.clusterEncryption.check({}, raw);
  expect(again.failures ?? []).toEqual([]);
  const created = await providers.clusterEncryption.create(again.inputs);
  expect(created.id).toBe(cluster.id);
}, 90_000);
