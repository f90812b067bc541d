/**
 * The shared, throttled token provider. One per (token URL, client id, audience) per process; every resource and
 * every request goes through it.
 *
 * - Memory cache: the token is reused until a safety margin before its JWT `exp` (fallback `expires_in`).
 * - Single flight: concurrent callers share one token request.
 * - Throttle: the process never sends two token requests less than `TOKEN_REQUEST_SPACING_MS` apart, whatever
 *   happens (the token service blocks an address after about one request per second, failed ones included).
 * - 429: waits as Retry-After says (or backs off exponentially with jitter), bounded in total time.
 * - Bad credentials (400/401/403): one request, then a clear error that names the credential and where it came
 *   from; the failure is remembered for the rest of the process, so nothing ever loops.
 * - Disk cache shared across processes (see token-cache.ts), with a cross-process lock around token requests.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request, type Dispatcher } from "undici";
import { CamundaAuthError, serviceMessage } from "../errors";
import { tokenResponseSchema } from "../schemas/api";
import { jwtExpiryMs } from "./jwt";
import { TokenDiskCache, type CachedToken } from "./token-cache";

/** Minimum spacing of two token requests from this process. */
export const TOKEN_REQUEST_SPACING_MS = 1100;

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  /** Directory of the shared disk cache; undefined turns the disk cache off. */
  cacheDir?: string;
  /** Where the credential came from, e.g. "stack config camunda:clientId" (named in errors). */
  credentialSource?: string;
  dispatcher?: Dispatcher;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Longest total wait on 429s and unavailability before giving up. Default 5 min. */
  maxWaitMs?: number;
}

export interface TokenProviderStats {
  /** Token requests sent to the token service by this provider. */
  requests: number;
  /** Tokens taken from the disk cache. */
  diskHits: number;
}

// ---- the process-wide throttle -------------------------------------------------------------------------------

let lastTokenRequestAt = 0;
let throttleChain: Promise<void> = Promise.resolve();

/** Waits for this process's next token-request slot. */
function tokenRequestSlot(): Promise<void> {
  const slot = throttleChain.then(async () => {
    const wait = lastTokenRequestAt + TOKEN_REQUEST_SPACING_MS - Date.now();
    if (wait > 0) await sleep(wait);
    lastTokenRequestAt = Date.now();
  });
  throttleChain = slot.catch(() => undefined);
  return slot;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * When a token just received expires, in this machine's epoch milliseconds. The JWT `exp` is exact but in the token
 * service's clock; `expires_in` is relative to now, so immune to clock skew. The `exp` is used while it agrees with
 * `expires_in` (no earlier than half the lifetime from now); a skewed clock falls back to `expires_in`, so that a
 * token is never considered stale the moment it arrives (which would make every call fetch a new one).
 */
function expiryOf(accessToken: string, expiresInSeconds: number | undefined): number {
  const now = Date.now();
  const byJwt = jwtExpiryMs(accessToken);
  const byExpiresIn = expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) ? now + expiresInSeconds * 1000 : undefined;
  if (byExpiresIn === undefined) return byJwt ?? now + 5 * 60_000;
  if (byJwt === undefined) return byExpiresIn;
  return byJwt >= now + (byExpiresIn - now) / 2 ? Math.min(byJwt, byExpiresIn) : byExpiresIn;
}

function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export class TokenProvider {
  readonly stats: TokenProviderStats = { requests: 0, diskHits: 0 };
  private memory: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private failure: CamundaAuthError | undefined;
  private readonly disk: TokenDiskCache | undefined;

  constructor(readonly options: TokenProviderOptions) {
    this.disk = options.cacheDir
      ? new TokenDiskCache(options.cacheDir, {
          tokenUrl: options.tokenUrl,
          clientId: options.clientId,
          audience: options.audience,
          clientSecret: options.clientSecret,
        })
      : undefined;
  }

  /** The disk cache file, when the disk cache is on. */
  get cacheFile(): string | undefined {
    return this.disk?.file;
  }

  private fresh(t: CachedToken | undefined): t is CachedToken {
    if (!t) return false;
    const now = Date.now();
    // Refresh a margin before expiry: a tenth of the lifetime at issue, at most 5 minutes, at least 1 s. (Entries
    // without `obtainedAt`, from older disk caches, are taken to have a lifetime of at least 50 minutes.)
    const lifetime = t.obtainedAt !== undefined ? t.expiresAt - t.obtainedAt : Number.POSITIVE_INFINITY;
    const margin = Math.max(1000, Math.min(5 * 60_000, lifetime / 10));
    return now < t.expiresAt - margin;
  }

  /** A valid access token (cached, or fetched once for all concurrent callers). */
  async getToken(): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.fresh(this.memory)) return this.memory.accessToken;
    if (!this.inflight) {
      this.inflight = this.obtain().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /** Whether `accessToken` is the current token and the token service issued it less than `ms` ago. */
  issuedWithin(accessToken: string, ms: number): boolean {
    const t = this.memory;
    return t !== undefined && t.accessToken === accessToken && t.obtainedAt !== undefined && Date.now() - t.obtainedAt < ms;
  }

  /** Forgets `accessToken` after the API refused it (401); the next `getToken()` fetches a new one. */
  invalidate(accessToken: string): void {
    if (this.memory?.accessToken === accessToken) this.memory = undefined;
    this.disk?.remove(accessToken);
  }

  private async obtain(): Promise<string> {
    const cached = this.disk?.read();
    if (this.fresh(cached)) {
      this.stats.diskHits++;
      this.memory = cached;
      return cached.accessToken;
    }
    const run = async (): Promise<string> => {
      // Another process may have fetched one while we waited for the lock.
      const again = this.disk?.read();
      if (this.fresh(again)) {
        this.stats.diskHits++;
        this.memory = again;
        return again.accessToken;
      }
      const token = await this.request();
      this.memory = token;
      this.disk?.write(token);
      return token.accessToken;
    };
    return this.disk ? this.disk.withLock(run) : run();
  }

  private credentialName(): string {
    const source = this.options.credentialSource ? ` (from ${this.options.credentialSource})` : "";
    return `Console API client ${JSON.stringify(this.options.clientId)}${source}`;
  }

  private async request(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, audience } = this.options;
    const timeout = this.options.timeoutMs ?? 30_000;
    const maxWait = this.options.maxWaitMs ?? 5 * 60_000;
    const started = Date.now();
    const body = new URLSearchParams({ grant_type: "client_credentials", audience, client_id: clientId, client_secret: clientSecret }).toString();
    for (let attempt = 0; ; attempt++) {
      await tokenRequestSlot();
      this.stats.requests++;
      let status = 0;
      let text = "";
      let contentType: string | undefined;
      let wait: number | undefined;
      try {
        const res = await request(tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body,
          dispatcher: this.options.dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        status = res.statusCode;
        text = await res.body.text();
        const ct = res.headers["content-type"];
        contentType = Array.isArray(ct) ? ct[0] : ct;
        wait = retryAfterMs(res.headers["retry-after"]);
      } catch (err) {
        status = 0;
        text = (err as Error).message ?? "";
      }
      if (status >= 200 && status < 300) {
        let parsed;
        try {
          parsed = tokenResponseSchema.safeParse(JSON.parse(text));
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          // A configuration error (the URL is not a token endpoint): remembered, so that nothing loops on it.
          this.failure = new CamundaAuthError(`The token service at ${tokenUrl} sent an unusable answer`, {
            status,
            hint: "Check camunda:oauthUrl (CAMUNDA_OAUTH_URL): it must be the OAuth token endpoint, e.g. https://login.cloud.camunda.io/oauth/token",
          });
          throw this.failure;
        }
        const accessToken = parsed.data.access_token;
        return { accessToken, expiresAt: expiryOf(accessToken, parsed.data.expires_in), obtainedAt: Date.now() };
      }
      const message = status === 0 ? text : serviceMessage(text, contentType);
      if (status === 400 || status === 401 || status === 403) {
        this.failure = new CamundaAuthError(`The token service refused the ${this.credentialName()} for audience ${JSON.stringify(audience)}`, {
          status,
          serviceMessage: message,
          hint:
            "Check camunda:clientId / camunda:clientSecret (or CAMUNDA_CONSOLE_CLIENT_ID / CAMUNDA_CONSOLE_CLIENT_SECRET) and camunda:audience; " +
            "pulumi-camunda does not retry refused credentials, so that they cannot get the address blocked",
        });
        throw this.failure;
      }
      const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
      const delay = status === 429 ? (wait ?? backoffMs(attempt)) : backoffMs(attempt);
      if (!retryable || Date.now() - started + delay > maxWait) {
        const failure = new CamundaAuthError(
          status === 429
            ? `The token service at ${tokenUrl} kept refusing requests from this address (HTTP 429) for ${Math.round((Date.now() - started) / 1000)} s`
            : `Could not get an access token from ${tokenUrl} (${status === 0 ? "no response" : `HTTP ${status}`})`,
          {
            status,
            serviceMessage: message,
            hint:
              status === 429
                ? "Another client behind the same address may be asking for tokens too often; wait for the block to end and retry"
                : "Check camunda:oauthUrl (CAMUNDA_OAUTH_URL) and the network",
          },
        );
        // Another 4xx (e.g. 404: the URL is not the token endpoint) will not change by asking again: remember it.
        if (!retryable) this.failure = failure;
        throw failure;
      }
      await sleep(delay);
    }
  }
}

// ---- the per-process registry --------------------------------------------------------------------------------

const registry = new Map<string, TokenProvider>();

/** The process's token provider for this (token URL, client id, audience); a changed secret replaces it. */
export function getTokenProvider(options: TokenProviderOptions): TokenProvider {
  const key = [options.tokenUrl, options.clientId, options.audience].join("\n");
  const existing = registry.get(key);
  if (
    existing &&
    existing.options.clientSecret === options.clientSecret &&
    existing.options.cacheDir === options.cacheDir &&
    existing.options.dispatcher === options.dispatcher
  ) {
    return existing;
  }
  const created = new TokenProvider(options);
  registry.set(key, created);
  return created;
}

/** Forgets every token provider of this process (tests). */
export function resetTokenProviders(): void {
  registry.clear();
}
