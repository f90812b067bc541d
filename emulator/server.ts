/**
 * Fastify wiring: body parsers, plain-text errors, request accounting, and three encapsulated parts —
 * the token endpoint, the admin routes (`/__emulator/…`) and the Console API (faults, bearer auth, scopes).
 */
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { ApiError } from "./errors";
import { sleep, type FaultInjector, type FaultKindName } from "./faults";
import { tokenRoutes, type TokenRateLimiter, type TokenService } from "./oauth";
import { adminRoutes } from "./routes/admin";
import { backupRoutes } from "./routes/backups";
import { clientRoutes } from "./routes/clients";
import { clusterRoutes } from "./routes/clusters";
import { sendText, type RouteContext } from "./routes/common";
import { ipAllowlistRoutes } from "./routes/ipallowlist";
import { memberRoutes } from "./routes/members";
import { metaRoutes } from "./routes/meta";
import { operationRoutes } from "./routes/operations";
import { secretRoutes } from "./routes/secrets";
import type { Profiles } from "./profiles";
import type { EmulatorState } from "./state";
import type { StatsCollector } from "./stats";
import type { Emulator, RecordedResponse } from "./types";

export const TOKEN_PATH = "/oauth/token";
export const ADMIN_PREFIX = "/__emulator";

export interface ServerDeps {
  state: EmulatorState;
  profiles: Profiles;
  stats: StatsCollector;
  faults: FaultInjector;
  tokens: TokenService;
  limiter: TokenRateLimiter;
  badCredentials: Map<string, number>;
  audience: string;
  badCredentialDelayMs: number;
  /** Aborted when the emulator stops: cuts injected delays short. */
  signal: AbortSignal;
  /** The emulator object the admin routes drive. */
  control: Emulator;
  onResponse?: (response: RecordedResponse) => void;
  logRequests: boolean;
  /** Host names (besides localhost and IP addresses) the admin routes answer to. */
  adminHosts: readonly string[];
}

function kindOf(url: string): RecordedResponse["kind"] {
  const p = url.split("?")[0];
  if (p === TOKEN_PATH) return "token";
  if (p === ADMIN_PREFIX || p.startsWith(`${ADMIN_PREFIX}/`)) return "admin";
  return "api";
}

function payloadText(payload: unknown): string {
  if (typeof payload === "string") return payload;
  if (Buffer.isBuffer(payload)) return payload.toString("utf8");
  return "";
}

/** The Console API: faults and latency first, then bearer-token auth and the route's scope, then the routes. */
function apiPlugin(api: FastifyInstance, d: ServerDeps): void {
  const ctx: RouteContext = { state: d.state, profiles: d.profiles, faults: d.faults, stats: d.stats };
  /** Requests per credential in the current second (the `apiRateLimit` profile). */
  const window = new Map<string, { second: number; count: number }>();
  const decide = (kind: FaultKindName, req: FastifyRequest): boolean => {
    const hit = d.faults.decide(kind, req.method, req.url.split("?")[0], req.routeOptions.url);
    if (hit) d.stats.fault(kind);
    return hit;
  };

  api.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    req.jsonErrors = d.profiles.has("jsonErrors");
    const ms = d.faults.latencyMs();
    if (ms > 0) {
      d.stats.fault("latency");
      await sleep(ms, d.signal);
    }
    if (decide("dropConnection", req)) {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (decide("rateLimit", req)) {
      reply.header("retry-after", String(d.faults.retryAfterSeconds));
      return sendText(reply, 429, "Too Many Requests");
    }
    if (decide("serverError", req)) return sendText(reply, 503, "Service Unavailable");

    const config = req.routeOptions.config;
    if (config.public) return;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    const verified = m ? d.tokens.verify(m[1]) : undefined;
    if (!verified || !d.state.findCredential(verified.clientId)) {
      reply.header("www-authenticate", 'Bearer error="invalid_token"');
      return sendText(reply, 401, "Unauthorized");
    }
    req.auth = verified;
    if (config.scope && !verified.scopes.includes(config.scope)) {
      // Which status a missing scope gets is not settled by any public source: 403, or 401 with `missingScope401`.
      const status = d.profiles.has("missingScope401") ? 401 : 403;
      if (status === 401) reply.header("www-authenticate", 'Bearer error="insufficient_scope"');
      return sendText(reply, status, `${status === 401 ? "Unauthorized" : "Forbidden"}: this API client lacks the "${config.scope}" scope`);
    }
    if (d.profiles.has("apiRateLimit")) {
      const second = Math.floor(Date.now() / 1000);
      const w = window.get(verified.clientId);
      const current = w && w.second === second ? w : { second, count: 0 };
      current.count++;
      window.set(verified.clientId, current);
      if (current.count > d.profiles.tuning.apiRequestsPerSecond) {
        d.stats.fault("rateLimit");
        reply.header("retry-after", "1");
        return sendText(reply, 429, "Too Many Requests: the Console API rate limit was exceeded");
      }
    }
  });

  // Faults that only make sense once the caller is authenticated.
  api.addHook("preHandler", async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === "GET" && decide("notReady", req)) {
      return sendText(reply, 412, "The cluster is not ready; try again later");
    }
    if (req.routeOptions.config.secretWrite && decide("secretConflict", req)) {
      return sendText(reply, 409, "Another change to the secrets of this cluster is in progress. Try the request again.");
    }
  });

  clusterRoutes(api, ctx);
  clientRoutes(api, ctx);
  ipAllowlistRoutes(api, ctx);
  secretRoutes(api, ctx);
  memberRoutes(api, ctx);
  backupRoutes(api, ctx);
  metaRoutes(api);
  operationRoutes(api, ctx);

  // The activity log: every write the API carried out, as the Console's audit events record it.
  // A create's event names the object it created (its id is in the answer: `clusterId`, `clientId`, `uuid`, …).
  api.addHook("onSend", async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (req.method === "GET" || reply.statusCode >= 300 || !req.auth || !req.routeOptions.url) return payload;
    const route = req.routeOptions.url;
    const params = req.params as Record<string, string>;
    const entity = route.split("/").filter((p) => p && !p.startsWith(":")).pop() ?? "organization";
    const type = req.method === "DELETE" ? "d" : req.method === "POST" && !/rotate|restore|failover|wake/.test(route) ? "c" : "u";
    let id = Object.values(params).pop() ?? "";
    if (type === "c" && typeof payload === "string") {
      try {
        const body: unknown = JSON.parse(payload);
        if (body && typeof body === "object") {
          const b = body as Record<string, unknown>;
          const created = [b.clusterId, b.clientId, b.uuid, b.backupId, b.name].find((v): v is string => typeof v === "string" && v !== "");
          if (created && !params[`${entity.replace(/s$/, "")}Id`]) id = created;
        }
      } catch {
        // not JSON: the event keeps the path's id
      }
    }
    const parent = params.clusterId && params.clusterId !== id ? { entity: "cluster", id: params.clusterId } : undefined;
    d.state.audit(entity, id, type, `${req.method} ${route}`, req.auth.clientId, parent);
    return payload;
  });
}

export async function buildServer(d: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: d.logRequests, forceCloseConnections: true });
  app.decorateRequest("auth", null);

  // JSON bodies, tolerating an empty body sent with a JSON content type (the SDK does that on PUT …/wake).
  const defaultJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    if (String(body).trim() === "") {
      done(null, undefined);
      return;
    }
    defaultJson(req, String(body), done);
  });
  await app.register(formbody);

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof ApiError) {
      reply.headers(err.headers);
      return sendText(reply, err.statusCode, err.message);
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    return sendText(reply, status, status >= 500 ? "Internal Server Error" : err.message);
  });
  app.setNotFoundHandler((_req, reply) => sendText(reply, 404, "Not Found"));

  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (kindOf(req.url) === "api") d.stats.apiRequest(req.method, req.routeOptions.url);
  });
  app.addHook("onResponse", async (req: FastifyRequest, reply: FastifyReply) => {
    const kind = kindOf(req.url);
    if (kind === "api") d.stats.apiResponse(reply.statusCode);
    if (kind === "token") {
      const s = reply.statusCode;
      d.stats.tokenRequest(s === 200 ? "ok" : s === 429 ? "rateLimited" : s === 401 ? "unauthorized" : "badRequest");
    }
  });
  if (d.onResponse) {
    const record = d.onResponse;
    app.addHook("onSend", async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const contentType = reply.getHeader("content-type");
      record({
        kind: kindOf(req.url),
        method: req.method,
        url: req.url,
        route: req.routeOptions.url,
        statusCode: reply.statusCode,
        contentType: typeof contentType === "string" ? contentType : undefined,
        body: payloadText(payload),
        receivedAt: Math.round(Date.now() - reply.elapsedTime),
      });
      return payload;
    });
  }

  await app.register(async (tokenApp) =>
    tokenRoutes(tokenApp, {
      state: d.state,
      stats: d.stats,
      faults: d.faults,
      tokens: d.tokens,
      limiter: d.limiter,
      audience: d.audience,
      badCredentialDelayMs: d.badCredentialDelayMs,
      badCredentials: d.badCredentials,
      signal: d.signal,
    }),
  );
  await app.register(async (adminApp) => adminRoutes(adminApp, d.control, d.adminHosts), { prefix: ADMIN_PREFIX });
  await app.register(async (api) => apiPlugin(api, d));
  return app;
}
