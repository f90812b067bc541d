/** Connector secret routes: list (plaintext values), create, update, delete (deleted secrets may linger in GET). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { noContent, notYetVisible, type ClusterParams, type RouteContext } from "./common";

/** Secret names must be shorter than this. */
export const MAX_SECRET_NAME_LENGTH = 50;

const createSecretBody = z.object({
  secretName: z.string().refine((s) => s.trim() !== "", "must not be empty"),
  secretValue: z.string(),
});
const updateSecretBody = z.object({ secretValue: z.string() });

/** How long a deleted secret stays listed: the fault setting, or three consistency lags (`eventualConsistency`). */
export function lingerMs(ctx: RouteContext): number {
  return Math.max(ctx.faults.secretLingerMs, ctx.profiles.has("eventualConsistency") ? 3 * ctx.profiles.tuning.consistencyLagMs : 0);
}

type SecretParams = { Params: { clusterId: string; secretName: string } };

export function secretRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Connector Secrets" as const };
  const writeConfig = { ...config, secretWrite: true };

  app.get<ClusterParams>("/clusters/:clusterId/secrets", { config }, async (req) => {
    const { secrets, lingered } = ctx.state.getSecrets(req.params.clusterId);
    if (lingered > 0) ctx.stats.fault("lingeringSecretReads", lingered);
    const created = ctx.state.getCluster(req.params.clusterId).secretsCreated ?? {};
    for (const name of Object.keys(secrets)) if (notYetVisible(ctx, created[name])) delete secrets[name];
    return secrets;
  });

  app.post<ClusterParams>("/clusters/:clusterId/secrets", { config: writeConfig }, async (req, reply) => {
    const body = parseBody(createSecretBody, req.body);
    if (body.secretName.length >= MAX_SECRET_NAME_LENGTH) {
      throw new ApiError(400, "Secret name must be less than 50 characters");
    }
    ctx.state.createSecret(req.params.clusterId, body.secretName, body.secretValue);
    return noContent(reply);
  });

  app.put<SecretParams>("/clusters/:clusterId/secrets/:secretName", { config: writeConfig }, async (req, reply) => {
    const body = parseBody(updateSecretBody, req.body);
    ctx.state.updateSecret(req.params.clusterId, req.params.secretName, body.secretValue);
    return noContent(reply);
  });

  app.delete<SecretParams>("/clusters/:clusterId/secrets/:secretName", { config: writeConfig }, async (req, reply) => {
    ctx.state.deleteSecret(req.params.clusterId, req.params.secretName, lingerMs(ctx));
    return noContent(reply);
  });
}
