/** Cluster (Zeebe) client routes: list, create (the only response with the secret), get connection details, delete. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { CLIENT_PERMISSIONS, type ClientPermission } from "../types";
import { clientListView, connectionDetailsView, createdClientView } from "../views";
import type { ClusterRecord } from "../state";
import { noContent, notYetVisible, type ClusterParams, type RouteContext } from "./common";

const createClientBody = z.object({
  clientName: z.string().refine((s) => s.trim() !== "", "must not be empty"),
  permissions: z.array(z.enum(CLIENT_PERMISSIONS)).optional(),
});

type ClientParams = { Params: { clusterId: string; clientId: string } };

/**
 * The permissions Console manages for this cluster: all five, or (the client-scope profiles, on generation 8.7 and
 * later) Zeebe, Optimize and Secrets only — camunda-docs manage-api-clients.md.
 */
function availablePermissions(ctx: RouteContext, cluster: ClusterRecord): ClientPermission[] {
  const scoped = ctx.profiles.has("clientScopesDropped") || ctx.profiles.has("clientScopesRejected");
  const generation = ctx.state.generationName(cluster);
  const m = /(\d+)\.(\d+)/.exec(generation);
  const modern = m !== null && (Number(m[1]) > 8 || (Number(m[1]) === 8 && Number(m[2]) >= 7));
  return scoped && modern ? ["Zeebe", "Optimize", "Secrets"] : [...CLIENT_PERMISSIONS];
}

/** Statuses in which the cluster cannot hand out connection details yet (GET client → 412). */
const NOT_READY = new Set(["Creating", "Resuming"]);

export function clientRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Zeebe Client" as const };

  app.get<ClusterParams>("/clusters/:clusterId/clients", { config }, async (req) => {
    return ctx.state
      .getCluster(req.params.clusterId)
      .clients.filter((c) => !notYetVisible(ctx, Date.parse(c.created)))
      .map((c) => clientListView(c, ctx.profiles));
  });

  app.post<ClusterParams>("/clusters/:clusterId/clients", { config }, async (req) => {
    const body = parseBody(createClientBody, req.body);
    // "If no permissions are passed, the client will be created with all the permissions available."
    const cluster = ctx.state.getCluster(req.params.clusterId);
    const available = availablePermissions(ctx, cluster);
    const asked = body.permissions && body.permissions.length > 0 ? body.permissions : undefined;
    const unmanaged = (asked ?? []).filter((p) => !available.includes(p));
    if (unmanaged.length > 0 && ctx.profiles.has("clientScopesRejected")) {
      throw new ApiError(
        400,
        `Permissions ${unmanaged.join(", ")} are not managed in Console for clusters of generation 8.7 and later; manage them in the cluster's Identity`,
      );
    }
    const permissions: ClientPermission[] = asked ? CLIENT_PERMISSIONS.filter((p) => asked.includes(p) && available.includes(p)) : [...available];
    const { client, secret } = ctx.state.createClient(cluster.uuid, body.clientName, permissions);
    return createdClientView(cluster, client, secret, ctx.profiles);
  });

  app.get<ClientParams>("/clusters/:clusterId/clients/:clientId", { config }, async (req) => {
    const { cluster, client } = ctx.state.getClient(req.params.clusterId, req.params.clientId);
    if (notYetVisible(ctx, Date.parse(client.created))) throw new ApiError(404, "Cluster or client not found");
    const fresh = ctx.profiles.has("clientDetailsNotReady") && Date.now() - Date.parse(client.created) < ctx.profiles.tuning.clientDetailsLagMs;
    if (NOT_READY.has(cluster.status) || fresh) throw new ApiError(412, "The cluster is not ready; try again later");
    return connectionDetailsView(cluster, client);
  });

  app.delete<ClientParams>("/clusters/:clusterId/clients/:clientId", { config }, async (req, reply) => {
    ctx.state.deleteClient(req.params.clusterId, req.params.clientId);
    return noContent(reply);
  });
}
