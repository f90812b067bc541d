/** Cluster routes: list, create, parameters, get, update (PATCH), delete, wake, upgrade. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { ORG_ID, parametersBody } from "../seed";
import { ENCRYPTION_TYPES, STAGE_LABELS } from "../state";
import { clusterView, oddClusterView } from "../views";
import { hasScope, noContent, notYetVisible, type ClusterParams, type RouteContext } from "./common";

/** Longest accepted cluster name (the real limit is unpublished). */
export const MAX_CLUSTER_NAME_LENGTH = 50;

const nonEmpty = z.string().refine((s) => s.trim() !== "", "must not be empty");
const clusterName = nonEmpty.refine(
  (s) => s.length <= MAX_CLUSTER_NAME_LENGTH,
  `Name is too long (at most ${MAX_CLUSTER_NAME_LENGTH} characters)`,
);
const description = z.string().max(150, "must be at most 150 characters");
const hwPackages = z.number().int().min(1);

const createClusterBody = z.object({
  name: clusterName,
  planTypeId: nonEmpty,
  channelId: nonEmpty,
  generationId: nonEmpty,
  regionId: nonEmpty,
  autoUpdate: z.boolean().optional(),
  backupRegionId: z.string().optional(),
  description: description.optional(),
  encryption: z.enum(ENCRYPTION_TYPES).optional(),
  hardwarePackages: hwPackages.optional(),
  stageLabel: z.enum(STAGE_LABELS).optional(),
  identityBackendChecksEnabled: z.boolean().optional(),
});

const updateClusterBody = z.object({
  name: clusterName.optional(),
  description: description.optional(),
  numberOfAllocatedHwPackages: hwPackages.optional(),
  stageLabel: z.enum(STAGE_LABELS).optional(),
});

export function clusterRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Cluster" as const };

  app.get("/clusters", { config }, async (req) => {
    const allow = hasScope(req, "IP Allowlist");
    const listed = ctx.state
      .listClusters()
      .filter((c) => !notYetVisible(ctx, Date.parse(c.created)))
      .map((c) => clusterView(c, allow, ctx.profiles));
    return ctx.profiles.has("foreignClusterInList") ? [...listed, oddClusterView()] : listed;
  });

  app.post("/clusters", { config }, async (req) => {
    const body = parseBody(createClusterBody, req.body);
    const cluster = ctx.state.createCluster(body);
    return { clusterId: cluster.uuid };
  });

  app.get("/clusters/parameters", { config }, async () => parametersBody());

  app.get<ClusterParams>("/clusters/:clusterId", { config }, async (req) => {
    const cluster = ctx.state.getCluster(req.params.clusterId);
    if (notYetVisible(ctx, Date.parse(cluster.created))) throw new ApiError(404, "Cluster not found");
    return clusterView(cluster, hasScope(req, "IP Allowlist"), ctx.profiles);
  });

  app.patch<ClusterParams>("/clusters/:clusterId", { config }, async (req, reply) => {
    const body = parseBody(updateClusterBody, req.body ?? {});
    ctx.state.updateCluster(req.params.clusterId, body);
    return noContent(reply);
  });

  app.delete<ClusterParams>("/clusters/:clusterId", { config }, async (req, reply) => {
    ctx.state.deleteCluster(req.params.clusterId);
    return noContent(reply);
  });

  app.put<ClusterParams>("/clusters/:clusterId/wake", { config }, async (req, reply) => {
    ctx.state.wakeCluster(req.params.clusterId);
    return noContent(reply);
  });

  app.put<ClusterParams>("/clusters/:clusterId/upgrade", { config }, async (req) => {
    const { cluster, from, to } = ctx.state.upgradeCluster(req.params.clusterId);
    return {
      cluster: { id: cluster.uuid, name: cluster.name },
      oldGeneration: { id: from.uuid, name: from.name },
      newGeneration: { id: to.uuid, name: to.name },
      orgId: ORG_ID,
    };
  });
}
