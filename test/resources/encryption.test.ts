/** ClusterEncryption never takes over keys someone else set (adoptExisting opts in). Failed on 151b4fb. */
import { providers } from "../../provider/resources";
import { api, h, owner, setup } from "../helpers/lost-answer";

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
