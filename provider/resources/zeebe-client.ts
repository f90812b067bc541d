/**
 * `camunda.ZeebeClient`: an API client of a cluster. The API cannot update a client, so any change replaces it
 * (deleting first: names are unique in a cluster). Its secret exists only in the create answer: it is kept in state
 * (a Pulumi secret) across refreshes, and a client whose secret was lost is replaced. The declared permissions are
 * what later runs compare: on 8.7+ clusters the API may grant fewer. Id: `<clusterId>/<clientId>`.
 */
import { createClient } from "./client-create";
import { parseClientId, readClient, sameSet } from "./client-read";
import { consoleClient } from "./context";
import { zeebeClientInputsSchema } from "./inputs";
import { defineResource } from "./lifecycle";
import { invalidateCluster } from "./read-cache";

export { parseClientId } from "./client-read";

export const zeebeClientProvider = defineResource({
  type: "ZeebeClient",
  kind: "client",
  journalId: (id) => parseClientId(id).clientId,
  inputs: zeebeClientInputsSchema,
  replaceOn: ["clusterId", "name", "permissions"],
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId && olds.name === news.name,
  same: { permissions: (news, olds) => sameSet(news, olds.requestedPermissions) },
  // A lost secret: a new client is the only way to get one.
  diffMore: (olds) => (olds.clientSecret ? {} : { replaces: ["clientSecret"] }),
  declared: (outs) => ({ clusterId: outs.clusterId, name: outs.name, permissions: outs.requestedPermissions }),
  claims: ({ clusterId, name }) => [
    {
      key: `client/${clusterId}/${name}`,
      property: "name",
      what: `the client ${JSON.stringify(name)} of cluster ${clusterId}`,
      fix: "client names are unique in a cluster: give one of them another name",
    },
  ],
  create: async (ins, ctx) => {
    const outs = await createClient(ins, ctx.ownership);
    return { id: `${outs.clusterId}/${outs.clientId}`, outs };
  },
  read: readClient,
  delete: async (id) => {
    const { clusterId, clientId } = parseClientId(id);
    await consoleClient().deleteClient(clusterId, clientId);
    invalidateCluster(clusterId);
  },
});
