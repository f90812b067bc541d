/**
 * The remaining operations of the document: the organization's activity (JSON and CSV), BYOK encryption keys,
 * external monitoring and its clients, secure connectivity, backup restores and regional failover.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { ORG_ID, OWNER, REGIONS } from "../seed";
import type { ActivityRecord, ClusterRecord } from "../state";
import { clusterView } from "../views";
import { hasScope, noContent, type ClusterParams, type RouteContext } from "./common";

type ClientParams = { Params: { clusterId: string; clientUuid: string } };
type RestoreParams = { Params: { clusterId: string; backupId: string } };

const encryptionBody = z.object({ primaryEncryptionKeyId: z.string().min(1), secondaryEncryptionKeyId: z.string().min(1).optional() });
const monitoringClientBody = z.object({ username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1 to 64 letters, digits, dots, dashes or underscores") });
const connectivityBody = z.object({ allowedPrincipals: z.array(z.string()), allowedRegions: z.array(z.string()) });
const failoverBody = z.object({ backupIds: z.array(z.string()), restoreBackupId: z.string() });

function csvCell(v: unknown): string {
  const text = v === undefined ? "" : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function activityCsv(events: ActivityRecord[]): string {
  const columns = ["timestamp", "service", "orgId", "userId", "auditType", "entity", "entityId", "parentEntity", "parentEntityId", "audit"] as const;
  return [columns.join(","), ...events.map((e) => columns.map((c) => csvCell(e[c])).join(","))].join("\n");
}

function monitoringClientView(c: NonNullable<ClusterRecord["monitoring"]>["clients"][number]): Record<string, unknown> {
  return { uuid: c.uuid, name: c.name, username: c.username, created: c.created, lastUsed: c.created, createdBy: OWNER.id, createdByName: OWNER.name };
}

function connectivityView(c: ClusterRecord): Record<string, unknown> {
  const sc = c.secureConnectivity;
  if (!sc) return {};
  const region = REGIONS.find((r) => r.uuid === c.regionId);
  const now = new Date().toISOString();
  return {
    metadata: { name: `pl-${c.uuid}`, namespace: `org-${ORG_ID}`, labels: { orgId: ORG_ID } },
    spec: { allowedPrincipals: [...sc.allowedPrincipals], allowedRegions: [...sc.allowedRegions], cluster: { id: c.uuid } },
    status: {
      urls: {},
      observedGeneration: 1,
      endpointConnectionCount: 0,
      endpointConnections: [],
      endpoint: { type: "Interface", privateDnsName: `${c.uuid}.${region?.key ?? "region"}.privatelink.camunda.io`, serviceName: `com.amazonaws.vpce.${c.uuid}`, region: region?.key ?? "" },
      conditions: [{ type: "Ready", status: "True", reason: "Provisioned", message: "Secure connectivity is ready", observedGeneration: 1, lastTransitionTime: now }],
    },
  };
}

export function operationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const cluster = { scope: "Cluster" as const };

  // Activity: the organization's audit events (recorded for every write the emulator carries out).
  app.get("/activity/json", { config: { scope: "Members" } }, async () => ctx.state.listActivity().map((e) => ({ ...e })));
  app.get("/activity/csv", { config: { scope: "Members" } }, async (_req, reply) =>
    reply.type("application/json").send(JSON.stringify(activityCsv(ctx.state.listActivity()))),
  );

  app.put<ClusterParams>("/clusters/:clusterId/encryption", { config: cluster }, async (req) => {
    const body = parseBody(encryptionBody, req.body);
    const c = ctx.state.setEncryptionKeys(req.params.clusterId, body.primaryEncryptionKeyId, body.secondaryEncryptionKeyId);
    return clusterView(c, hasScope(req, "IP Allowlist"), ctx.profiles);
  });

  app.post<ClusterParams>("/clusters/:clusterId/failover", { config: cluster }, async (req) => {
    const body = parseBody(failoverBody, req.body);
    const { newClusterId } = ctx.state.failover(req.params.clusterId, body.backupIds, body.restoreBackupId);
    return { newClusterId, results: { backupClone: "ok", restore: "ok" } };
  });

  app.post<ClusterParams>("/clusters/:clusterId/monitoring", { config: cluster }, async (req, reply) => {
    ctx.state.setMonitoring(req.params.clusterId, true);
    return noContent(reply);
  });
  app.delete<ClusterParams>("/clusters/:clusterId/monitoring", { config: cluster }, async (req, reply) => {
    ctx.state.setMonitoring(req.params.clusterId, false);
    return noContent(reply);
  });
  app.get<ClusterParams>("/clusters/:clusterId/monitoring/clients", { config: cluster }, async (req) => {
    const c = ctx.state.getCluster(req.params.clusterId);
    const region = REGIONS.find((r) => r.uuid === c.regionId)?.key ?? "region";
    return {
      clients: (c.monitoring?.clients ?? []).map(monitoringClientView),
      status: c.monitoring?.active
        ? { metricsEndpoint: { target: `${region}.monitoring.camunda.io`, scheme: "https", path: `/metrics/${c.uuid}` }, conditions: [] }
        : {},
    };
  });
  app.post<ClusterParams>("/clusters/:clusterId/monitoring/clients", { config: cluster }, async (req) => {
    const body = parseBody(monitoringClientBody, req.body);
    const { client, password } = ctx.state.createMonitoringClient(req.params.clusterId, body.username);
    return { ...monitoringClientView(client), password };
  });
  app.post<ClientParams>("/clusters/:clusterId/monitoring/clients/:clientUuid/rotate", { config: cluster }, async (req) => {
    const { client, password } = ctx.state.rotateMonitoringClient(req.params.clusterId, req.params.clientUuid);
    return { ...monitoringClientView(client), password };
  });
  app.delete<ClientParams>("/clusters/:clusterId/monitoring/clients/:clientUuid", { config: cluster }, async (req, reply) => {
    ctx.state.deleteMonitoringClient(req.params.clusterId, req.params.clientUuid);
    return noContent(reply);
  });

  app.get<ClusterParams>("/clusters/:clusterId/secure-connectivity", { config: cluster }, async (req) => ({
    status: connectivityView(ctx.state.getCluster(req.params.clusterId)),
  }));
  app.post<ClusterParams>("/clusters/:clusterId/secure-connectivity", { config: cluster }, async (req, reply) => {
    ctx.state.setSecureConnectivity(req.params.clusterId, parseBody(connectivityBody, req.body));
    return noContent(reply);
  });
  app.delete<ClusterParams>("/clusters/:clusterId/secure-connectivity", { config: cluster }, async (req, reply) => {
    ctx.state.setSecureConnectivity(req.params.clusterId, undefined);
    return noContent(reply);
  });

  app.post<RestoreParams>("/clusters/:clusterId/backups/:backupId/restore", { config: { scope: "Backups" } }, async (req) => {
    const r = ctx.state.restoreBackup(req.params.clusterId, req.params.backupId);
    return { ...r, backupId: req.params.backupId };
  });
  app.get<RestoreParams>("/clusters/:clusterId/backups/:backupId/restore", { config: { scope: "Backups" } }, async (req) => {
    const r = ctx.state.getCluster(req.params.clusterId).restores?.[req.params.backupId];
    if (!r) throw new ApiError(404, "No restore found for this backup");
    return { ...r, backupId: req.params.backupId };
  });
}
