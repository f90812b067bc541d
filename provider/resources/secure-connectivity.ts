/**
 * `camunda.SecureConnectivity`: private connectivity (AWS PrivateLink) to a cluster for the allowed principals and
 * regions. The API cannot change them in place: a change replaces it (deactivated first). One that was active before is
 * taken over only with `adoptExisting: true`. Outputs the endpoint service. Id: the cluster's uuid.
 */
import { CamundaApiError } from "../errors";
import type { SecureConnectivity } from "../schemas/api";
import { consoleClient } from "./context";
import { secureConnectivityInputsSchema } from "./inputs";
import { defineResource } from "./lifecycle";
import { createSingleton } from "./recovery";

/** A 409 "already (de)activated": the state asked for, or (see create) the one this call made. */
const settled = (err: unknown) => err instanceof CamundaApiError && err.status === 409;
const ignoreSettled = (err: unknown) => (settled(err) ? undefined : Promise.reject(err));
const sameSet = (a: unknown, b: unknown) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x) => b.includes(x));
const endpoint = (s: SecureConnectivity) => ({ serviceName: s.status.status?.endpoint?.serviceName ?? "", privateDnsName: s.status.status?.endpoint?.privateDnsName ?? "" });

export const secureConnectivityProvider = defineResource({
  type: "SecureConnectivity",
  kind: "secure-connectivity",
  inputs: secureConnectivityInputsSchema,
  replaceOn: ["clusterId", "allowedPrincipals", "allowedRegions"],
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId,
  same: {
    allowedPrincipals: (news, olds) => sameSet(news, olds.allowedPrincipals),
    allowedRegions: (news, olds) => sameSet(news, olds.allowedRegions),
    adoptExisting: (news, olds) => (news ?? false) === (olds.adoptExisting ?? false),
  },
  sharedId: (id) => `connectivity/${id}`,
  claims: ({ clusterId }) => [{ key: `connectivity/${clusterId}`, property: "clusterId", what: `the secure connectivity of cluster ${clusterId}`, fix: "declare it once per cluster" }],
  create: async (ins, { ownership }) => {
    const client = consoleClient();
    const spec = { allowedPrincipals: ins.allowedPrincipals, allowedRegions: ins.allowedRegions };
    const { adopted } = await createSingleton({
      kind: "secure-connectivity",
      ownership,
      key: ins.clusterId,
      what: `the secure connectivity of cluster ${ins.clusterId}`,
      adoptExisting: ins.adoptExisting === true,
      exists: async () => (await client.getSecureConnectivity(ins.clusterId)).status.spec !== undefined,
      // Taking over: deactivated, then activated as declared (the API cannot change it in place). A 409 "already
      // activated" right after it was found off is this call's own activation whose answer was lost (retried), when
      // it holds what was sent.
      create: async () => {
        if ((await client.getSecureConnectivity(ins.clusterId)).status.spec) await client.setSecureConnectivity(ins.clusterId, undefined).catch(ignoreSettled);
        await client.setSecureConnectivity(ins.clusterId, spec).catch(async (err: unknown) => {
          const live = settled(err) ? (await client.getSecureConnectivity(ins.clusterId)).status.spec : undefined;
          if (!live || !sameSet(live.allowedPrincipals, spec.allowedPrincipals) || !sameSet(live.allowedRegions, spec.allowedRegions)) throw err;
        });
      },
    });
    return { id: ins.clusterId, outs: { ...ins, ...endpoint(await client.getSecureConnectivity(ins.clusterId)), ...(adopted ? { adopted: true } : {}) } };
  },
  read: async (id, props) => {
    const s = await consoleClient().getSecureConnectivity(id);
    const spec = s.status.spec;
    if (!spec) return undefined;
    const keep = (live: string[], recorded: unknown) => (sameSet(live, recorded) && Array.isArray(recorded) ? recorded.map(String) : live);
    return {
      clusterId: id,
      allowedPrincipals: keep(spec.allowedPrincipals, props.allowedPrincipals),
      allowedRegions: keep(spec.allowedRegions, props.allowedRegions),
      ...endpoint(s),
      ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}),
      ...(props.adopted ? { adopted: true } : {}),
    };
  },
  update: async (_id, olds, ins) => ({ ...olds, ...ins }), // adoptExisting only: recorded
  // 409 "not activated": off already, which is what a delete asks for.
  delete: (id) => consoleClient().setSecureConnectivity(id, undefined).catch(ignoreSettled),
});
