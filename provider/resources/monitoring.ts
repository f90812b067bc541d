/**
 * `camunda.ExternalMonitoring`: external monitoring of a cluster, on while the resource lives (POST …/monitoring),
 * off when it is destroyed; one that was on before is taken over only with `adoptExisting: true`. Outputs the metrics
 * endpoint. And `camunda.MonitoringClient`: a client of that endpoint, whose password (a Pulumi secret) exists only in
 * the answers of its create and its rotation; changing `rotation` rotates it in place. Ids: the cluster's uuid;
 * `<clusterId>/<clientUuid>`.
 */
import { CamundaApiError } from "../errors";
import { isAmbiguous } from "../http/console-client";
import type { MonitoringClients } from "../schemas/api";
import { consoleClient, progress } from "./context";
import { findOrConfirmGone, ignoreNotFound } from "./errors";
import { externalMonitoringInputsSchema, monitoringClientInputsSchema } from "./inputs";
import { defineResource, splitId } from "./lifecycle";
import { INTENT_WINDOW_MS, createSingleton, recoverableCreate } from "./recovery";

const endpointOf = (m: MonitoringClients) => {
  const e = m.status.metricsEndpoint;
  return e ? `${e.scheme}://${e.target}${e.path}` : undefined;
};

/** A 409 "already (de)activated" is the state asked for. */
const settled = (err: unknown) => err instanceof CamundaApiError && err.status === 409;

export const externalMonitoringProvider = defineResource({
  type: "ExternalMonitoring",
  kind: "monitoring",
  inputs: externalMonitoringInputsSchema,
  replaceOn: ["clusterId"],
  // On or off per cluster: a replacement on the same cluster turns it off first.
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId,
  same: { adoptExisting: (news, olds) => (news ?? false) === (olds.adoptExisting ?? false) },
  sharedId: (id) => `monitoring/${id}`,
  claims: ({ clusterId }) => [{ key: `monitoring/${clusterId}`, property: "clusterId", what: `the external monitoring of cluster ${clusterId}`, fix: "declare it once per cluster" }],
  create: async (ins, { ownership }) => {
    const client = consoleClient();
    const { adopted } = await createSingleton({
      kind: "monitoring",
      ownership,
      key: ins.clusterId,
      what: `the external monitoring of cluster ${ins.clusterId}`,
      adoptExisting: ins.adoptExisting === true,
      exists: async () => endpointOf(await client.listMonitoringClients(ins.clusterId)) !== undefined,
      create: () => client.setMonitoring(ins.clusterId, true).catch((err) => (settled(err) ? undefined : Promise.reject(err))),
    });
    const metricsEndpoint = endpointOf(await client.listMonitoringClients(ins.clusterId)) ?? "";
    return { id: ins.clusterId, outs: { ...ins, metricsEndpoint, ...(adopted ? { adopted: true } : {}) } };
  },
  read: async (id, props) => {
    const metricsEndpoint = endpointOf(await consoleClient().listMonitoringClients(id));
    if (metricsEndpoint === undefined) return undefined;
    return { clusterId: id, metricsEndpoint, ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}), ...(props.adopted ? { adopted: true } : {}) };
  },
  update: async (_id, olds, ins) => ({ ...ins, metricsEndpoint: olds.metricsEndpoint, ...(olds.adopted ? { adopted: true } : {}) }),
  delete: (id) => consoleClient().setMonitoring(id, false).catch((err) => (settled(err) ? undefined : Promise.reject(err))),
});

export function parseMonitoringClientId(id: string): { clusterId: string; clientUuid: string } {
  const [clusterId, clientUuid] = splitId(id, "MonitoringClient", "clientUuid");
  return { clusterId, clientUuid };
}

export const monitoringClientProvider = defineResource({
  type: "MonitoringClient",
  kind: "monitoring-client",
  journalId: (id) => parseMonitoringClientId(id).clientUuid,
  inputs: monitoringClientInputsSchema,
  replaceOn: ["clusterId", "username"],
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId && olds.username === news.username,
  claims: ({ clusterId, username }) => [
    { key: `monitoring-client/${clusterId}/${username}`, property: "username", what: `the monitoring client ${JSON.stringify(username)} of cluster ${clusterId}`, fix: "declare each client once" },
  ],
  create: async (ins, { ownership }) => {
    const client = consoleClient();
    const sameName = async () => (await client.listMonitoringClients(ins.clusterId)).clients.filter((c) => c.username === ins.username);
    const { result, recovered } = await recoverableCreate({
      kind: "monitoring-client",
      ownership,
      declaration: { clusterId: ins.clusterId, username: ins.username },
      snapshot: async () => (await sameName()).map((c) => c.uuid),
      // The interrupted run's client (one that did not exist before, within the create's time): its password is
      // lost, so it is rotated for a new one.
      recover: async (pending, isOurs) => {
        if (pending.id === undefined && client.serverNow() - pending.at > INTENT_WINDOW_MS) return undefined;
        const found = (await sameName()).find((c) => isOurs(c.uuid) && (pending.id === undefined || c.uuid === pending.id));
        return found ? client.rotateMonitoringClient(ins.clusterId, found.uuid) : undefined;
      },
      // No blind replay: after a lost answer, the one new client of this username is this call's (looked for over a
      // few seconds: the service is eventually consistent); its password was in the lost answer, so it is rotated.
      create: async (isOurs) => {
        try {
          return await client.createMonitoringClient(ins.clusterId, ins.username);
        } catch (err) {
          if (!isAmbiguous(err)) throw err;
          const mine = await findOrConfirmGone(sameName, sameName, (found) => {
            const ours = found.filter((c) => isOurs(c.uuid));
            return ours.length === 1 ? ours[0] : undefined;
          });
          if (!mine) throw err;
          try {
            return await client.rotateMonitoringClient(ins.clusterId, mine.uuid);
          } catch (rotateErr) {
            // Without its password the client is of no use, and no later run could take it (the intent is cleared).
            await ignoreNotFound(() => client.deleteMonitoringClient(ins.clusterId, mine.uuid)).catch(() => undefined);
            throw rotateErr;
          }
        }
      },
      idOf: (c) => c.uuid,
    });
    if (recovered) progress(`monitoring client ${JSON.stringify(ins.username)} was created by an interrupted run of this resource: its password is rotated`);
    return { id: `${ins.clusterId}/${result.uuid}`, outs: { ...ins, clientUuid: result.uuid, password: result.password ?? "" } };
  },
  read: async (id, props) => {
    const { clusterId, clientUuid } = parseMonitoringClientId(id);
    const found = (await consoleClient().listMonitoringClients(clusterId)).clients.find((c) => c.uuid === clientUuid);
    if (!found) return undefined;
    return { clusterId, username: found.username, clientUuid, password: props.password ?? "", ...(props.rotation !== undefined ? { rotation: props.rotation } : {}) };
  },
  update: async (id, olds, ins) => {
    const { clusterId, clientUuid } = parseMonitoringClientId(id);
    let password = olds.password;
    if (ins.rotation !== olds.rotation) {
      password = (await consoleClient().rotateMonitoringClient(clusterId, clientUuid)).password ?? "";
      progress(`monitoring client ${JSON.stringify(ins.username)}: password rotated`);
    }
    return { ...ins, clientUuid, password };
  },
  delete: async (id) => {
    const { clusterId, clientUuid } = parseMonitoringClientId(id);
    await consoleClient().deleteMonitoringClient(clusterId, clientUuid);
  },
});
