/**
 * `camunda.ClusterEncryption`: the customer-managed AWS KMS keys of a BYOK cluster (created with
 * `encryption: "External"`), set and rotated in place (PUT …/encryption). The document's preconditions are checked at
 * preview: the cluster is External and on AWS, the key ARNs' regions are the cluster's primary (and backup) regions, a
 * secondary key exactly for dual-region clusters. Keys someone else supplied already are taken over only with
 * `adoptExisting: true`. The API cannot remove the keys: destroying the resource leaves them (said so). Id: the
 * cluster's uuid.
 */
import { expected } from "../errors";
import type { Cluster } from "../schemas/api";
import { encryptionStatusOf, readClusterCached, statusOf as clusterStatusOf, waitUntilHealthy, waitsForKeys } from "./cluster-state";
import { consoleClient, progress } from "./context";
import { KMS_KEY_ARN, clusterEncryptionInputsSchema, type CheckFailure, type ClusterEncryptionInputs } from "./inputs";
import { defineResource } from "./lifecycle";
import { loadParameters } from "./parameters";
import { createSingleton } from "./recovery";
import { invalidateCluster } from "./read-cache";

/** A region's cloud code from its name, e.g. "Frankfurt, Europe (eu-central-1)" → "eu-central-1". */
const regionCode = (name: string | undefined) => /\(([^)]+)\)\s*$/.exec(name ?? "")?.[1];

/** Why the keys cannot be set on this cluster (the document's preconditions), if they cannot. */
async function preconditions(c: Cluster, ins: ClusterEncryptionInputs): Promise<CheckFailure[]> {
  const out: CheckFailure[] = [];
  // The region's cloud: from the cluster when it says, else from the creation parameters.
  const own = (c.region as { provider?: unknown }).provider;
  const provider = typeof own === "string" ? own : (await loadParameters()).regions.find((r) => r.uuid === c.region.uuid)?.provider;
  if (typeof provider === "string" && provider !== "aws") {
    return [{ property: "clusterId", reason: `ClusterEncryption.clusterId: cluster ${c.uuid} is in ${c.region.name} (${provider.toUpperCase()}): customer-managed AWS KMS keys need a cluster in an AWS region` }];
  }
  const type = (c.encryption as { type?: string } | undefined)?.type;
  if (type !== "External") out.push({ property: "clusterId", reason: `ClusterEncryption.clusterId: cluster ${c.uuid} is not a BYOK cluster (encryption ${type ?? "unknown"}): create it with encryption: "External"` });
  const primary = KMS_KEY_ARN.exec(ins.primaryKeyArn)?.[1];
  const code = regionCode(c.region.name);
  if (primary && code && primary !== code) out.push({ property: "primaryKeyArn", reason: `ClusterEncryption.primaryKeyArn: the key is in ${primary}, the cluster in ${code}: use a key of the cluster's region` });
  const dual = c.backupRegion !== undefined;
  if (dual && !ins.secondaryKeyArn) out.push({ property: "secondaryKeyArn", reason: "ClusterEncryption.secondaryKeyArn: the cluster is dual-region: give the backup region's key" });
  if (!dual && ins.secondaryKeyArn) out.push({ property: "secondaryKeyArn", reason: "ClusterEncryption.secondaryKeyArn: the cluster is single-region: omit it" });
  return out;
}

/**
 * Whether someone supplied the cluster's keys already: its encryption status says so, or, where the API reports none,
 * the cluster is past waiting for them (a BYOK cluster becomes Healthy only with its keys).
 */
function keysSupplied(c: Cluster): boolean {
  const status = encryptionStatusOf(c);
  if (status !== undefined) return status !== "ExternalEncryptionKeyNotSupplied";
  return !["Creating", "WaitingForInput"].includes(clusterStatusOf(c));
}

/** How long the keys' create or rotation waits for the cluster to be Healthy with them. */
const WAIT_MINUTES = 30;

/** Sets (or rotates) the keys; the cluster's name, for the wait. */
async function setKeys(ins: ClusterEncryptionInputs): Promise<string> {
  const cluster = await consoleClient().getCluster(ins.clusterId);
  const failures = await preconditions(cluster, ins);
  if (failures.length) throw expected(new Error(failures.map((f) => f.reason).join("\n")));
  await consoleClient().setEncryptionKeys(ins.clusterId, { primaryEncryptionKeyId: ins.primaryKeyArn, ...(ins.secondaryKeyArn ? { secondaryEncryptionKeyId: ins.secondaryKeyArn } : {}) });
  invalidateCluster(ins.clusterId);
  return cluster.name;
}

/** Waits until the cluster is Healthy with its keys (a new BYOK cluster starts then); its encryption status. */
async function waitReady(clusterId: string, name: string): Promise<string> {
  const ready = await waitUntilHealthy(clusterId, name, WAIT_MINUTES, (c) => !waitsForKeys(c), { needsActionGraceMs: 60_000 });
  return encryptionStatusOf(ready) ?? "";
}

export const clusterEncryptionProvider = defineResource({
  type: "ClusterEncryption",
  kind: "encryption",
  inputs: clusterEncryptionInputsSchema,
  replaceOn: ["clusterId"],
  // Only the keys are changes: `adoptExisting` matters at create only.
  same: { adoptExisting: () => true },
  claims: ({ clusterId }) => [{ key: `encryption/${clusterId}`, property: "clusterId", what: `the encryption keys of cluster ${clusterId}`, fix: "declare them once per cluster" }],
  checkMore: async (ins, olds) => (ins.clusterId !== olds.clusterId || ins.primaryKeyArn !== olds.primaryKeyArn || ins.secondaryKeyArn !== olds.secondaryKeyArn ? await preconditions(await readClusterCached(ins.clusterId), ins) : []),
  create: async (ins, { ownership }) => {
    let name = ins.clusterId;
    const { adopted } = await createSingleton({
      kind: "encryption",
      ownership,
      key: ins.clusterId,
      what: `the encryption keys of cluster ${ins.clusterId}`,
      adoptExisting: ins.adoptExisting === true,
      exists: async () => keysSupplied(await consoleClient().getCluster(ins.clusterId)),
      create: async () => void (name = await setKeys(ins)),
    });
    // The keys are set and journalled as this resource's: when the wait fails, the next up takes them as its own.
    const status = await waitReady(ins.clusterId, name);
    return { id: ins.clusterId, outs: { ...ins, status, ...(adopted ? { adopted: true } : {}) } };
  },
  // The API does not show the keys: the declared ones are kept; the cluster's encryption status is reported.
  read: async (id, props) => ({ ...props, clusterId: id, status: await statusOf(id) }),
  // Rotation in place.
  update: async (_id, olds, ins) => ({ ...ins, status: await waitReady(ins.clusterId, await setKeys(ins)), ...(olds.adopted ? { adopted: true } : {}) }),
  delete: async (id) => progress(`cluster ${id}: the Console API cannot remove customer-managed keys; they stay configured on the cluster`),
});

async function statusOf(clusterId: string): Promise<string> {
  return encryptionStatusOf(await consoleClient().getCluster(clusterId)) ?? "";
}
