/** Cluster (Zeebe) client routes: list, create (the only response with the secret), get connection details, delete. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { CLIENT_PERMISSIONS, type ClientPermission } from "../types";
import { clientListView, connectionDetailsView, createdClientView } from "../views";
import { noContent, type ClusterParams, type RouteContext } from "./common";

const createClientBody = z.object({
  clientName: z.string().refine((s) => s.trim() !== "", "must not be empty"),
  permissions: z.array(z.enum(CLIENT_PERMISSIONS)).optional(),
});

type ClientParams = { Params: { clusterId: string; clientId: string } };

/** Statuses in which the cluster cannot hand out connection details yet (GET client → 412). */
const NOT_READY = new Set(["Creating", "Resuming"]);

export function clientRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Zeebe Client" as const };

  app.get<ClusterParams>("/clusters/:clusterId/clients", { config }, async (req) => {
    return ctx.state.getCluster(req.params.clusterId).clients.map(clientListView);
  });

  app.post<ClusterParams>("/clusters/:clusterId/clients", { config }, async (req) => {
    const body = parseBody(createClientBody, req.body);
    // "If no permissions are passed, the client will be created with all the permissions available."
    const permissions: ClientPermission[] =
      body.permissions && body.permissions.length > 0
        ? CLIENT_PERMISSIONS.filter((p) => body.permissions?.includes(p))
        : [...CLIENT_PERMISSIONS];
    const cluster = ctx.state.getCluster(req.params.clusterId);
    const { client, secret } = ctx.state.createClient(cluster.uuid, body.clientName, permissions);
    return createdClientView(cluster, client, secret);
  });

  app.get<ClientParams>("/clusters/:clusterId/clients/:clientId", { config }, async (req) => {
    const { cluster, client } = ctx.state.getClient(req.params.clusterId, req.params.clientId);
    if (NOT_READY.has(cluster.status)) throw new ApiError(412, "The cluster is not ready; try again later");
    return connectionDetailsView(cluster, client);
  });

  app.delete<ClientParams>("/clusters/:clusterId/clients/:clientId", { config }, async (req, reply) => {
    ctx.state.deleteClient(req.params.clusterId, req.params.clientId);
    return noContent(reply);
  });
}
