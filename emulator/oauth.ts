/**
 * The OAuth token endpoint (`POST /oauth/token`, client-credentials grant as JSON, form or HTTP Basic),
 * its per-address rate limit and bad-credential slow-down, and access tokens: HS256 JWTs under a random
 * per-instance key (rotating the key revokes every issued token).
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sleep, type FaultInjector } from "./faults";
import { signHs256, verifyHs256 } from "./jwt";
import { ORG_ID } from "./seed";
import type { EmulatorState } from "./state";
import type { StatsCollector } from "./stats";
import { SCOPES, type Scope, type TokenRateLimit } from "./types";

/** Scope names as they appear in the space-separated `scope` string. */
export const SCOPE_SLUGS: Record<Scope, string> = {
  Cluster: "cluster",
  "Zeebe Client": "zeebe-client",
  "IP Allowlist": "ip-allowlist",
  "Connector Secrets": "connector-secrets",
  Members: "members",
  Backups: "backups",
};

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  scope: string;
}

export interface VerifiedToken {
  clientId: string;
  scopes: Scope[];
}

/** Issues and verifies access tokens (HS256 JWTs). */
export class TokenService {
  private key: Uint8Array = randomBytes(32);

  constructor(
    private readonly audience: string,
    private readonly ttlSeconds: number,
    private readonly issuer: () => string,
  ) {}

  /** Makes every token issued so far invalid. */
  rotateKey(): void {
    this.key = randomBytes(32);
  }

  issue(clientId: string, scopes: Scope[]): TokenResponse {
    const scope = scopes.map((s) => SCOPE_SLUGS[s]).join(" ");
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signHs256(
      {
        iss: this.issuer(),
        sub: clientId,
        aud: this.audience,
        iat: now,
        exp: now + this.ttlSeconds,
        jti: randomUUID(),
        azp: clientId,
        gty: "client-credentials",
        scope,
        permissions: scopes,
        "https://camunda.com/orgId": ORG_ID,
      },
      this.key,
    );
    return { access_token: accessToken, expires_in: this.ttlSeconds, token_type: "Bearer", scope };
  }

  /** The token's client and scopes, or undefined when it is invalid, expired, revoked or for another audience. */
  verify(token: string): VerifiedToken | undefined {
    const payload = verifyHs256(token, this.key, { audience: this.audience, issuer: this.issuer() });
    if (!payload || typeof payload.sub !== "string") return undefined;
    const perms = Array.isArray(payload.permissions) ? payload.permissions : [];
    return { clientId: payload.sub, scopes: SCOPES.filter((s) => perms.includes(s)) };
  }
}

/** About one token request per second per source address; faster requests block the address for a while. */
export class TokenRateLimiter {
  private readonly byAddress = new Map<string, { lastAt?: number; blockedUntil?: number }>();

  constructor(private readonly limit: TokenRateLimit | false) {}

  /** Registers one request; returns the seconds to put in Retry-After when it must be rejected. */
  check(address: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!this.limit) return { ok: true };
    const entry = this.byAddress.get(address) ?? {};
    this.byAddress.set(address, entry);
    if (entry.blockedUntil !== undefined && now < entry.blockedUntil) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.blockedUntil - now) / 1000)) };
    }
    if (entry.lastAt !== undefined && entry.blockedUntil === undefined && now - entry.lastAt < this.limit.minIntervalMs) {
      // Block; the history starts afresh once the block is over.
      entry.blockedUntil = now + this.limit.blockMs;
      entry.lastAt = undefined;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(this.limit.blockMs / 1000)) };
    }
    entry.blockedUntil = undefined;
    entry.lastAt = now;
    return { ok: true };
  }

  clear(): void {
    this.byAddress.clear();
  }
}

export interface TokenRouteDeps {
  state: EmulatorState;
  stats: StatsCollector;
  faults: FaultInjector;
  tokens: TokenService;
  limiter: TokenRateLimiter;
  audience: string;
  badCredentialDelayMs: number;
  /** client id → time of its last bad-credential request (cleared on success and on emulator reset). */
  badCredentials: Map<string, number>;
  signal: AbortSignal;
}

const BAD_CREDENTIAL_MEMORY_MS = 10 * 60 * 1000;

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").send({ error, error_description: description });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
  } catch {
    return undefined;
  }
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === "string" ? v : undefined;
}

/** Registers `POST /oauth/token` inside an encapsulated plugin. */
export function tokenRoutes(app: FastifyInstance, deps: TokenRouteDeps): void {
  const badCredentialsSeen = deps.badCredentials;

  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
    void oauthError(reply, status, "invalid_request", err.message);
  });

  // Every request counts toward the rate limit, whatever its body; latency applies like on the API.
  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    const verdict = deps.limiter.check(req.ip);
    if (!verdict.ok) {
      reply.header("retry-after", String(verdict.retryAfterSeconds));
      return oauthError(reply, 429, "too_many_requests", "Too many token requests from this address; try again later");
    }
    const ms = deps.faults.latencyMs();
    if (ms > 0) {
      deps.stats.fault("latency");
      await sleep(ms, deps.signal);
    }
    return undefined;
  });

  app.post("/oauth/token", async (req, reply) => {
    const body = (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, unknown>;
    const basic = basicCredentials(req.headers.authorization);
    const clientId = basic?.id ?? field(body, "client_id");
    const clientSecret = basic?.secret ?? field(body, "client_secret");
    const grantType = field(body, "grant_type");
    if (grantType === undefined) return oauthError(reply, 400, "invalid_request", "Missing required parameter: grant_type");
    if (grantType !== "client_credentials") {
      return oauthError(reply, 400, "unsupported_grant_type", `Unsupported grant type: ${grantType}`);
    }
    const credential = clientId ? deps.state.findCredential(clientId) : undefined;
    if (!clientId || clientSecret === undefined || !credential || !safeEqual(credential.clientSecret, clientSecret)) {
      const key = clientId ?? "";
      const seen = badCredentialsSeen.get(key);
      const now = Date.now();
      badCredentialsSeen.set(key, now);
      if (seen !== undefined && now - seen < BAD_CREDENTIAL_MEMORY_MS) await sleep(deps.badCredentialDelayMs, deps.signal);
      return oauthError(reply, 401, "access_denied", "Unauthorized");
    }
    badCredentialsSeen.delete(clientId);
    const audience = field(body, "audience");
    if (audience === undefined) return oauthError(reply, 401, "access_denied", "Missing required parameter: audience");
    if (audience !== deps.audience) return oauthError(reply, 401, "access_denied", `Service not found: ${audience}`);
    const token = deps.tokens.issue(credential.clientId, credential.scopes);
    return reply.code(200).header("cache-control", "no-store").send(token);
  });
}
