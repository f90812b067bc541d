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
import { rememberCredential, rememberSecret } from "../redact";
import { tokenResponseSchema } from "../schemas/api";
import { jwtExpiryMs } from "./jwt";
import { TokenDiskCache, type CachedToken } from "./token-cache";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { ensurePrivateDir, readPrivateFile, UnsafeFolderError, withFileLock, writePrivateFile } from "../fs/private-dir";

/**
 * Minimum spacing of two token requests to one token service (from this machine's processes of this user), measured
 * when they are sent. The service measures when they arrive: a first request that also opens the connection (TCP and
 * TLS handshakes) arrives later than a second one on the kept-alive connection, so the spacing keeps a quarter of a
 * second over the service's one second for that difference.
 */
export const TOKEN_REQUEST_SPACING_MS = 1250;
/** Longest wait for one answer of the token service. */
const TOKEN_TIMEOUT_MS = 15_000;
/** Retries of a token request that got no answer at all. */
const MAX_SILENT_RETRIES = 2;

export interface TokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  /** Directory of the shared disk cache; undefined turns the disk cache off. */
  cacheDir?: string;
  /**
   * The private state folder where processes share the token-request throttle (default: `cacheDir`). Set it when the
   * disk cache is off, so that the throttle still spans processes.
   */
  stateDir?: string;
  /** The setting that chose `stateDir`, named when the folder is refused. */
  stateDirSetting?: string;
  /** Where the credential came from, e.g. "stack config camunda:clientId" (named in errors). */
  credentialSource?: string;
  /** Said after the hint when the token service refuses the credential (e.g. why a rotated one is not seen). */
  refusedHint?: string;
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

// ---- the throttle: per token service, across this process and (through the cache folder) every process ----------

const lastAt = new Map<string, number>();
const sentAt = new Map<string, number>();
const chains = new Map<string, Promise<void>>();

/**
 * What the throttle is per: the token service's host and port (the service limits per source address: two token
 * URLs on one host share its limit).
 */
function throttleKey(tokenUrl: string): string {
  try {
    return new URL(tokenUrl).host;
  } catch {
    return tokenUrl;
  }
}

/** The cross-process record of the token requests to a token service (in the private cache folder). */
function slotFiles(dir: string, key: string): { last: string; lock: string } {
  // v2: the record is "<reserved> <sent>" (v1 held one number; its own file name keeps older builds from misreading).
  const digest = createHash("sha256").update(["pulumi-camunda/token-slot/v2", key].join("\n")).digest("hex").slice(0, 32);
  const base = path.join(dir, `pulumi-camunda-token-slot-${digest}`);
  return { last: `${base}.last`, lock: `${base}.lock` };
}

/** A recorded slot further ahead than any queue could make (a skewed clock, a planted file) is ignored. */
const MAX_QUEUE_MS = 120_000;

/** The throttle's record: the latest slot reserved and the latest request actually sent (ms since the epoch). */
interface SlotRecord {
  reserved: number;
  sent: number;
}

/**
 * Waits for the next token-request slot of `tokenUrl`: never two requests to one token service less than
 * TOKEN_REQUEST_SPACING_MS apart, whatever the credential — the service limits per source address, failed requests
 * included — from this process and, through `dir` (the private state folder), from every process of this user on
 * the machine. Each process reserves the next free slot under a lock held for a few milliseconds, then waits for it
 * outside the lock: any number of processes queue one request per spacing, and none has to go on unlocked.
 *
 * A timer can fire late (a busy machine): a process that wakes for its slot records its send under the lock again,
 * and when another request was sent less than the spacing ago it takes a new slot at the end of the queue — so the
 * spacing holds between the sends themselves, not only between the slots that were planned.
 */
function tokenRequestSlot(tokenUrl: string, dir: string | undefined): Promise<void> {
  const key = throttleKey(tokenUrl);
  const previous = chains.get(key) ?? Promise.resolve();
  const slot = previous.then(async () => {
    const files = dir ? slotFiles(dir, key) : undefined;
    const locked = async <T>(fn: (record: SlotRecord, now: number) => T): Promise<T> => {
      const run = async (): Promise<T> => {
        const now = Date.now();
        const [fileReserved = 0, fileSent = 0] = files ? (readPrivateFile(files.last) ?? "").split(" ").map((v) => Number(v) || 0) : [];
        // A time too far ahead — a skewed file, a planted one, or this process's own after the clock stepped back —
        // is ignored: no queue makes a reservation 2 minutes ahead, and no send is in the future.
        const usable = (t: number, limit: number): number => (t <= limit ? t : 0);
        const record = {
          reserved: Math.max(usable(lastAt.get(key) ?? 0, now + MAX_QUEUE_MS), usable(fileReserved, now + MAX_QUEUE_MS)),
          sent: Math.max(usable(sentAt.get(key) ?? 0, now), usable(fileSent, now)),
        };
        return fn(record, now);
      };
      return files ? withFileLock(files.lock, { staleMs: 5_000, maxWaitMs: 30_000 }, run) : run();
    };
    const save = (record: SlotRecord): void => {
      lastAt.set(key, record.reserved);
      sentAt.set(key, record.sent);
      if (!files) return;
      try {
        writePrivateFile(files.last, `${record.reserved} ${record.sent}`);
      } catch {
        // best effort: this process still keeps its own spacing
      }
    };
    // Reserves the next free slot: after every slot reserved and every request sent.
    const reserve = (record: SlotRecord, now: number): number => {
      const next = Math.max(now, Math.max(record.reserved, record.sent) + TOKEN_REQUEST_SPACING_MS);
      save({ ...record, reserved: next });
      return next - now;
    };
    let wait = await locked(reserve);
    for (;;) {
      if (wait > 0) await sleep(wait);
      wait = await locked((record, now) => {
        // Another request was sent less than the spacing ago (its timer fired late, into this slot): this one takes
        // a new slot at the end of the queue, so that every waiter keeps one of its own.
        if (now < record.sent + TOKEN_REQUEST_SPACING_MS) return reserve(record, now);
        save({ reserved: Math.max(record.reserved, now), sent: now });
        return 0;
      });
      if (wait <= 0) return;
    }
  });
  chains.set(key, slot.catch(() => undefined));
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
    rememberCredential(options.clientId, options.clientSecret);
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
      rememberSecret(cached.accessToken);
      return cached.accessToken;
    }
    const run = async (): Promise<string> => {
      // Another process may have fetched one while we waited for the lock.
      const again = this.disk?.read();
      if (this.fresh(again)) {
        this.stats.diskHits++;
        this.memory = again;
        rememberSecret(again.accessToken);
        return again.accessToken;
      }
      const token = await this.request();
      this.memory = token;
      this.disk?.write(token);
      return token.accessToken;
    };
    return this.disk ? this.disk.withLock(run) : run();
  }

  /** The private folder the throttle is shared through (undefined: none usable, the throttle is this process's). */
  private throttleFolder(): string | undefined {
    if (this.disk?.ensureFolder()) return this.disk.dir;
    const dir = this.options.stateDir;
    if (!dir || dir === this.options.cacheDir) return undefined;
    try {
      ensurePrivateDir(dir, this.options.stateDirSetting ?? "camunda:tokenCacheDir (or CAMUNDA_TOKEN_CACHE_DIR)");
      return dir;
    } catch (err) {
      if (err instanceof UnsafeFolderError) throw err;
      return undefined;
    }
  }

  private credentialName(): string {
    const source = this.options.credentialSource ? ` (from ${this.options.credentialSource})` : "";
    return `Console API client ${JSON.stringify(this.options.clientId)}${source}`;
  }

  private async request(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, audience } = this.options;
    // The token service answers in well under a second: a connection that stays silent is not waited on for long,
    // nor retried more than twice (a token URL that accepts connections but never answers fails within ~30 s).
    const timeout = Math.min(this.options.timeoutMs ?? 30_000, TOKEN_TIMEOUT_MS);
    let silent = 0;
    const maxWait = this.options.maxWaitMs ?? 5 * 60_000;
    const started = Date.now();
    const body = new URLSearchParams({ grant_type: "client_credentials", audience, client_id: clientId, client_secret: clientSecret }).toString();
    const giveUp = (status: number, message: string | undefined): CamundaAuthError =>
      new CamundaAuthError(
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
    let retried: { status: number; message: string | undefined } | undefined;
    for (let attempt = 0; ; attempt++) {
      await tokenRequestSlot(tokenUrl, this.throttleFolder());
      // Other requests (other credentials, other processes) may have taken the slots after ours: a retry whose slot
      // came after the bound is not sent.
      if (retried && Date.now() - started > maxWait) throw giveUp(retried.status, retried.message);
      const sentTime = Date.now();
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
        rememberSecret(accessToken);
        return { accessToken, expiresAt: expiryOf(accessToken, parsed.data.expires_in), obtainedAt: Date.now() };
      }
      const message = status === 0 ? text : serviceMessage(text, contentType);
      if (status === 400 || status === 401 || status === 403) {
        this.failure = new CamundaAuthError(`The token service refused the ${this.credentialName()} for audience ${JSON.stringify(audience)}`, {
          status,
          serviceMessage: message,
          hint:
            "Check camunda:clientId / camunda:clientSecret (or CAMUNDA_CONSOLE_CLIENT_ID / CAMUNDA_CONSOLE_CLIENT_SECRET) and camunda:audience; " +
            "pulumi-camunda does not retry refused credentials, so that they cannot get the address blocked" +
            (this.options.refusedHint ? `. ${this.options.refusedHint}` : ""),
        });
        throw this.failure;
      }
      if (status === 0) silent++;
      const retryable = (status === 0 && silent <= MAX_SILENT_RETRIES) || status === 408 || status === 429 || status >= 500;
      const delay = status === 429 ? (wait ?? backoffMs(attempt)) : backoffMs(attempt);
      // The next request goes out after the delay and no sooner than its throttle slot: both count against maxWait.
      const nextIn = Math.max(delay, sentTime + TOKEN_REQUEST_SPACING_MS - Date.now());
      if (!retryable || Date.now() - started + nextIn > maxWait) {
        const failure = giveUp(status, message);
        // Another 4xx (e.g. 404: the URL is not the token endpoint) will not change by asking again: remember it.
        if (!retryable) this.failure = failure;
        throw failure;
      }
      retried = { status, message };
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
    existing.options.stateDir === options.stateDir &&
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
