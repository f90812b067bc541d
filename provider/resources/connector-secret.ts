/**
 * `camunda.ConnectorSecret`: one connector secret of a cluster. The value updates in place (PUT) and is always a
 * Pulumi secret. A secret of that name that existed before is someone else's: the create fails, unless
 * `adoptExisting: true` takes it over (announced). A run interrupted after the create converges through the create
 * journal (secret-create.ts): what it made holds the value it sent. Id: `<clusterId>/<secretName>`.
 */
import { consoleClient } from "./context";
import { findOrConfirmGone } from "./errors";
import { connectorSecretInputsSchema } from "./inputs";
import { defineResource, splitId } from "./lifecycle";
import { coalesced, invalidateCluster } from "./read-cache";
import { createSecret, recordedFields } from "./secret-create";

export function parseSecretId(id: string): { clusterId: string; name: string } {
  const [clusterId, name] = splitId(id, "ConnectorSecret", "secretName");
  return { clusterId, name };
}

export const connectorSecretProvider = defineResource({
  type: "ConnectorSecret",
  kind: "secret",
  inputs: connectorSecretInputsSchema,
  replaceOn: ["clusterId", "name"],
  // Names are unique in a cluster: a replacement that keeps them (`pulumi up --replace`) deletes first.
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId && olds.name === news.name,
  same: { adoptExisting: (news, olds) => (news ?? false) === (olds.adoptExisting ?? false) },
  sharedId: (id) => `secret/${id}`,
  claims: ({ clusterId, name }) => [
    {
      key: `secret/${clusterId}/${name}`,
      property: "name",
      what: `the connector secret ${JSON.stringify(name)} of cluster ${clusterId}`,
      fix: "declare each secret once (destroying one would delete the other's secret)",
    },
  ],
  create: async (ins, ctx) => {
    const { adopted } = await createSecret(ins, ctx);
    invalidateCluster(ins.clusterId);
    return { id: `${ins.clusterId}/${ins.name}`, outs: { ...ins, ...(adopted ? { adopted: true } : {}) } };
  },
  read: async (id, props) => {
    const { clusterId, name } = parseSecretId(id);
    // A secret created a moment ago may not be listed yet (eventual consistency): look again before it counts as gone.
    const value = await findOrConfirmGone(
      () => coalesced(`secrets:${clusterId}`, () => consoleClient().listSecrets(clusterId)),
      () => consoleClient().listSecrets(clusterId),
      (secrets) => secrets.get(name),
    );
    return value === undefined ? undefined : { ...recordedFields(props), clusterId, name, value };
  },
  update: async (id, olds, ins) => {
    const { clusterId, name } = parseSecretId(id);
    if (ins.value !== olds.value) {
      await consoleClient().updateSecret(clusterId, name, ins.value);
      invalidateCluster(clusterId);
    }
    return { ...ins, ...(olds.adopted ? { adopted: true } : {}) };
  },
  delete: async (id) => {
    const { clusterId, name } = parseSecretId(id);
    await consoleClient().deleteSecret(clusterId, name);
    invalidateCluster(clusterId);
  },
});
