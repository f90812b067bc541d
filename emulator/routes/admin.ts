/**
 * Admin routes under `/__emulator/` (no token, never subject to faults): stats, state, faults, reset,
 * token revocation, credentials, and out-of-band changes to clusters (as if made in the Console UI).
 */
import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { CLUSTER_STATUSES, SCOPES, type Emulator, type FaultConfig } from "../types";
import { noContent, sendText } from "./common";

type ClusterParams = { Params: { clusterId: string } };

const credentialBody = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(z.enum(SCOPES)),
});
const statusBody = z.object({ status: z.enum(CLUSTER_STATUSES) });
const patchBody = z.object({ name: z.string().min(1).optional(), description: z.string().optional() });
const secretBody = z.object({ secretValue: z.string() });
const allowlistBody = z.object({ ipallowlist: z.array(z.object({ ip: z.string(), description: z.string() })) });

function missing(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}

/** Whether `host` (a Host header's name part) is an IP literal, `localhost`, or one of `allowed`. */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || isIP(name) !== 0 || allowed.map((h) => h.toLowerCase()).includes(name);
}

/**
 * The admin routes change credentials, faults and state, and reveal secrets: a web page the user visits must not
 * reach them. Refused: a request whose Host is a name other than localhost or the configured admin hosts (DNS
 * rebinding), one from another origin (`Origin`, `Sec-Fetch-Site`), and a body that is not JSON (a cross-site form).
 */
function guardAdmin(app: FastifyInstance, allowedHosts: readonly string[]): void {
  app.addHook("onRequest", async (req, reply) => {
    const host = req.headers.host ?? "";
    if (!hostAllowed(host, allowedHosts)) {
      return sendText(reply, 403, `Forbidden: the admin routes answer only to localhost, IP addresses and --admin-host names, not ${JSON.stringify(host)}`);
    }
    const origin = req.headers.origin;
    const site = req.headers["sec-fetch-site"];
    let sameOrigin = true;
    if (origin !== undefined) {
      try {
        sameOrigin = new URL(origin).host.toLowerCase() === host.toLowerCase();
      } catch {
        sameOrigin = false;
      }
    }
    if (!sameOrigin || site === "cross-site" || site === "same-site") {
      return sendText(reply, 403, "Forbidden: the admin routes refuse requests from other origins");
    }
    const type = req.headers["content-type"];
    if (type !== undefined && !/^application\/json\b/i.test(type) && Number(req.headers["content-length"] ?? 0) > 0) {
      return sendText(reply, 415, "Unsupported Media Type: the admin routes take JSON bodies only");
    }
  });
}

export function adminRoutes(app: FastifyInstance, emu: Emulator, allowedHosts: readonly string[] = []): void {
  guardAdmin(app, allowedHosts);
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err instanceof ApiError ? err.statusCode : err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
    void sendText(reply, status, err.message);
  });

  app.get("/health", async () => ({ ok: true }));

  app.get("/stats", async () => emu.stats());
  app.post("/stats/reset", async (_req, reply) => {
    emu.resetStats();
    return noContent(reply);
  });

  app.get<{ Querystring: { reveal?: string } }>("/state", async (req) =>
    emu.state({ revealSecrets: req.query.reveal === "true" || req.query.reveal === "1" }),
  );

  app.get("/profiles", async () => ({ profiles: emu.profiles() }));
  app.put("/profiles", async (req) => {
    const body = parseBody(z.object({ profiles: z.union([z.enum(["document", "default", "live"]), z.array(z.string())]) }), req.body);
    try {
      emu.setProfiles(body.profiles);
    } catch (err) {
      throw new ApiError(400, (err as Error).message);
    }
    return { profiles: emu.profiles() };
  });

  app.get("/faults", async () => emu.faults());
  app.put("/faults", async (req) => {
    emu.setFaults((req.body ?? {}) as FaultConfig);
    return emu.faults();
  });
  app.delete("/faults", async (_req, reply) => {
    emu.setFaults({});
    return noContent(reply);
  });

  app.post("/reset", async (_req, reply) => {
    emu.reset();
    return noContent(reply);
  });

  app.post("/revoke-tokens", async (_req, reply) => {
    emu.revokeTokens();
    return noContent(reply);
  });

  app.post("/credentials", async (req, reply) => {
    emu.addCredential(parseBody(credentialBody, req.body));
    return noContent(reply);
  });
  app.delete<{ Params: { clientId: string } }>("/credentials/:clientId", async (req, reply) => {
    if (!emu.removeCredential(req.params.clientId)) throw missing("Credential");
    return noContent(reply);
  });

  app.put<ClusterParams>("/clusters/:clusterId/status", async (req, reply) => {
    emu.setClusterStatus(req.params.clusterId, parseBody(statusBody, req.body).status);
    return noContent(reply);
  });
  app.patch<ClusterParams>("/clusters/:clusterId", async (req, reply) => {
    emu.patchCluster(req.params.clusterId, parseBody(patchBody, req.body));
    return noContent(reply);
  });
  app.delete<ClusterParams>("/clusters/:clusterId", async (req, reply) => {
    if (!emu.deleteCluster(req.params.clusterId)) throw missing("Cluster");
    return noContent(reply);
  });
  app.delete<{ Params: { clusterId: string; clientId: string } }>(
    "/clusters/:clusterId/clients/:clientId",
    async (req, reply) => {
      if (!emu.deleteClient(req.params.clusterId, req.params.clientId)) throw missing("Client");
      return noContent(reply);
    },
  );
  app.put<{ Params: { clusterId: string; secretName: string } }>(
    "/clusters/:clusterId/secrets/:secretName",
    async (req, reply) => {
      emu.setSecretValue(req.params.clusterId, req.params.secretName, parseBody(secretBody, req.body).secretValue);
      return noContent(reply);
    },
  );
  app.delete<{ Params: { clusterId: string; secretName: string } }>(
    "/clusters/:clusterId/secrets/:secretName",
    async (req, reply) => {
      if (!emu.deleteSecret(req.params.clusterId, req.params.secretName)) throw missing("Secret");
      return noContent(reply);
    },
  );
  app.put<ClusterParams>("/clusters/:clusterId/ipallowlist", async (req, reply) => {
    emu.setIpAllowlist(req.params.clusterId, parseBody(allowlistBody, req.body).ipallowlist);
    return noContent(reply);
  });
}
