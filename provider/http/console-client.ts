/**
 * The typed Console API client: undici with a keep-alive pool, a bearer token from the shared token provider,
 * zod-parsed responses, timeouts, bounded retries and a client-side rate limit.
 *
 * Retry policy:
 * - GET, PUT, PATCH, DELETE are retried on 429, 5xx, 412 "not ready" and network errors, honouring Retry-After,
 *   with exponential backoff and jitter, bounded in attempts and total time; 409 on secret writes is retried too.
 * - A 401 refreshes the token once and retries the request once (any method: a 401 means nothing was done).
 * - A creating POST is never blindly replayed: after an ambiguous failure the client looks for the object by name
 *   (see `createWithRecovery`) and only posts again when it is not there, so no duplicate can appear.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request, type Dispatcher } from "undici";
import { z } from "zod";
import type { TokenProvider } from "../auth/token-provider";
import { CamundaApiError, hintFor, serviceMessage } from "../errors";
import { rememberSecret } from "../redact";
import {
  backupSchema,
  activitySchema,
  backupScheduleSchema,
  clusterClientSchema,
  failoverSchema,
  generationUpgradeSchema,
  monitoringClientSchema,
  monitoringClientsSchema,
  restoreSchema,
  secureConnectivitySchema,
  type ActivityEvent,
  type BackupSchedule,
  type FailoverResult,
  type MonitoringClient,
  type MonitoringClients,
  type Restore,
  type SecureConnectivity,
  type GenerationUpgrade,
  clusterSchema,
  clusterSecretsSchema,
  connectionDetailsSchema,
  createdClusterClientSchema,
  createdClusterSchema,
  memberSchema,
  parametersSchema,
  type Backup,
  type ClientPermission,
  type Cluster,
  type ClusterClient,
  type ConnectionDetails,
  type CreateClusterBody,
  type CreatedClusterClient,
  type IpAllowlistEntryPayload,
  type Member,
  type Parameters,
  type UpdateClusterBody,
} from "../schemas/api";
import { RequestLimiter } from "./limiter";

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 8. */
  maxAttempts: number;
  /** First backoff step. Default 500 ms. */
  baseDelayMs: number;
  /** Longest single wait. Default 30 s. */
  maxDelayMs: number;
  /** Longest total time spent on one call, waits included. Default 5 min. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalMs: 5 * 60_000 };

export interface ConsoleClientOptions {
  baseUrl: string;
  tokens: TokenProvider;
  dispatcher?: Dispatcher;
  maxConcurrentRequests?: number;
  maxRequestsPerSecond?: number;
  /** Per-request timeout (headers and body). Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface ConsoleClientStats {
  requests: number;
  byMethod: Record<string, number>;
  retries: number;
  recoveries: number;
}

/**
 * How a request is retried: `idempotent` on network errors, 412, 429 and 5xx; `secret-write` also on 409;
 * `refused` only when the service said it did not apply it (412 not ready, 429 rate limit), for a request that must
 * never be replayed blindly (an upgrade moves a cluster one generation further each time); `none` never.
 */
type RetryMode = "idempotent" | "secret-write" | "refused" | "none";

const RETRYABLE_STATUS = new Set([412, 429, 500, 502, 503, 504]);
/** The looks after an ambiguous create (see `lookAgain`). */
const CONSISTENCY_GRACE_MS = [1000, 2000];
/** A token younger than this that gets a 401 was not expired (see `exchange`). */
const FRESH_TOKEN_MS = 60_000;

/** A monitoring client's password is redacted from every message from now on. */
function rememberPassword(c: MonitoringClient): MonitoringClient {
  if (c.password) rememberSecret(c.password);
  return c;
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A failure worth trying again (after checking for the object, for creates). */
export function isTransient(err: unknown): boolean {
  return err instanceof CamundaApiError && (err.status === 0 || RETRYABLE_STATUS.has(err.status) || err.status === 409);
}

/**
 * Whether a failed request may have been applied all the same: no answer (a dropped connection, a timeout) or a 5xx.
 * A 4xx (412, 429 included) is the service's refusal: nothing was done.
 */
export function isAmbiguous(err: unknown): boolean {
  return err instanceof CamundaApiError && (err.status === 0 || err.status >= 500);
}

const enc = encodeURIComponent;

/** An item of a listing the provider could not read: its id and name when it has them (for the caller to decide). */
export interface UnreadableItem {
  id?: string;
  name?: string;
}

/** A listing: the items read, and (not enumerable) those of a shape the provider does not know. */
export type Listing<T> = T[] & { readonly unreadable: readonly UnreadableItem[] };

/**
 * A JSON array whose items are parsed one by one: an item of a shape the provider does not know (another team's
 * cluster with fields of the future) is left out rather than failing the whole listing, and kept in `unreadable`, so
 * that a caller looking for its own object can tell "gone" from "unreadable" (and never takes the second for the first).
 */
function lenientList<S extends z.ZodType>(item: S, idKey: string) {
  return z.array(z.unknown()).transform((items): Listing<z.output<S>> => {
    const read: z.output<S>[] = [];
    const unreadable: UnreadableItem[] = [];
    for (const i of items) {
      const r = item.safeParse(i);
      if (r.success) {
        read.push(r.data);
        continue;
      }
      const raw = i !== null && typeof i === "object" ? (i as Record<string, unknown>) : {};
      unreadable.push({
        ...(typeof raw[idKey] === "string" ? { id: raw[idKey] } : {}),
        ...(typeof raw.name === "string" ? { name: raw.name } : {}),
      });
    }
    return Object.defineProperty(read, "unreadable", { value: unreadable, enumerable: false }) as Listing<z.output<S>>;
  });
}

/** The ids of a listing's items of this name, the unreadable ones included (a snapshot of what existed before). */
export function idsNamed<T extends { name: string }>(listed: Listing<T>, name: string, id: (item: T) => string): string[] {
  return [...listed.filter((i) => i.name === name).map(id), ...listed.unreadable.flatMap((u) => (u.name === name && u.id ? [u.id] : []))];
}

/** The error for an own object the service listed in a shape this provider cannot read. */
export function unreadableError(what: string): Error {
  return new Error(
    `The Console API listed ${what} in a shape this provider cannot read, so it cannot tell whether it changed. ` +
      "Nothing was changed; report it with the output of `pulumi up --debug`",
  );
}

export class ConsoleClient {
  readonly stats: ConsoleClientStats = { requests: 0, byMethod: {}, retries: 0, recoveries: 0 };
  /** The service's clock minus ours, from the Date header of its last answer (undefined before any answer). */
  private serverClockOffsetMs: number | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly limiter: RequestLimiter;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly baseUrl: string;

  constructor(readonly options: ConsoleClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    this.limiter = new RequestLimiter(options.maxConcurrentRequests ?? 8, options.maxRequestsPerSecond ?? 50);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Now by the service's clock (as learnt from its Date headers; ours until an answer arrived). */
  serverNow(): number {
    return Date.now() + (this.serverClockOffsetMs ?? 0);
  }

  private delay(attempt: number, retryAfter: number | undefined): number {
    if (retryAfter !== undefined) return Math.min(retryAfter, this.retry.maxDelayMs);
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return step / 2 + Math.random() * (step / 2);
  }

  /** One HTTP exchange with token handling (a 401 refreshes the token once). Throws CamundaApiError on non-2xx. */
  private async exchange(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    let refreshed = false;
    for (;;) {
      let token = "";
      const res = await this.limiter.run(async () => {
        // The token is taken once the request has its slot: a call queued behind the limit never sends a token
        // that expired while it waited.
        token = await this.options.tokens.getToken();
        this.stats.requests++;
        this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
        try {
          const r = await request(`${this.baseUrl}${path}`, {
            method: method as Dispatcher.HttpMethod,
            headers: {
              authorization: `Bearer ${token}`,
              accept: "application/json",
              "user-agent": "pulumi-camunda",
              ...(body !== undefined ? { "content-type": "application/json" } : {}),
            },
            body: body !== undefined ? JSON.stringify(body) : undefined,
            dispatcher: this.dispatcher,
            headersTimeout: this.timeoutMs,
            bodyTimeout: this.timeoutMs,
          });
          const served = Date.parse(header(r.headers, "date") ?? "");
          if (!Number.isNaN(served)) this.serverClockOffsetMs = served - Date.now();
          return { status: r.statusCode, text: await r.body.text(), headers: r.headers };
        } catch (err) {
          throw new CamundaApiError({
            method,
            path,
            status: 0,
            serviceMessage: (err as Error).message,
            hint: hintFor(0, method, path, ""),
            cause: err,
          });
        }
      });
      // A 401 for a token the service issued a moment ago, without `error="invalid_token"` (RFC 6750), is no expiry
      // or revocation: it means a missing scope (some deployments answer 401 rather than 403); another token would not
      // help, so none is asked for.
      const invalidToken = /invalid_token/i.test(header(res.headers, "www-authenticate") ?? "");
      const fresh = res.status === 401 && !invalidToken && this.options.tokens.issuedWithin(token, FRESH_TOKEN_MS);
      if (res.status === 401 && !refreshed && !fresh) {
        refreshed = true;
        this.options.tokens.invalidate(token);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return { status: res.status, text: res.text };
      const message = serviceMessage(res.text, header(res.headers, "content-type"));
      throw new CamundaApiError({
        method,
        path,
        status: res.status,
        serviceMessage: message,
        hint: hintFor(res.status, method, path, message, { freshToken: fresh }),
        retryAfterSeconds: (() => {
          const ms = retryAfterMs(header(res.headers, "retry-after"));
          return ms === undefined ? undefined : ms / 1000;
        })(),
      });
    }
  }

  /** Sends a request with the retry policy `retry`; returns the body text of the 2xx answer. */
  private async send(method: string, path: string, retry: RetryMode, body?: unknown): Promise<string> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.exchange(method, path, body)).text;
      } catch (err) {
        if (!(err instanceof CamundaApiError) || retry === "none") throw err;
        const retryable =
          retry === "refused" ? err.status === 412 || err.status === 429 : err.status === 0 || RETRYABLE_STATUS.has(err.status) || (retry === "secret-write" && err.status === 409);
        if (!retryable || attempt + 1 >= this.retry.maxAttempts) throw err;
        const wait = this.delay(attempt, err.retryAfterSeconds === undefined ? undefined : err.retryAfterSeconds * 1000);
        if (Date.now() - started + wait > this.retry.maxTotalMs) throw err;
        this.stats.retries++;
        await sleep(wait);
      }
    }
  }

  /** Sends a request and parses its JSON answer with `schema` (leniently: unknown fields pass through). */
  private async json<S extends z.ZodType>(method: string, path: string, schema: S, retry: RetryMode, body?: unknown): Promise<z.output<S>> {
    return this.parseText(method, path, await this.send(method, path, retry, body), schema);
  }

  private parseText<S extends z.ZodType>(method: string, path: string, text: string, schema: S): z.output<S> {
    let data: unknown;
    try {
      data = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      throw new CamundaApiError({ method, path, status: 200, serviceMessage: "the response is not JSON", hint: "Check camunda:baseUrl (CAMUNDA_CONSOLE_BASE_URL)" });
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      // Never echo the body: it may hold client secrets or connector secret values.
      const issue = parsed.error.issues[0];
      throw new CamundaApiError({
        method,
        path,
        status: 200,
        serviceMessage: `unexpected response: ${issue?.path.join(".") || "(body)"} ${issue?.message ?? ""}`.trim(),
        hint: "Check camunda:baseUrl (CAMUNDA_CONSOLE_BASE_URL); if it is right, the Console API changed: report it to pulumi-camunda",
      });
    }
    return parsed.data;
  }

  /** Sends a request whose answer has no body of interest. */
  private async call(method: string, path: string, retry: RetryMode, body?: unknown): Promise<void> {
    await this.send(method, path, retry, body);
  }

  /**
   * Runs a creating POST without ever replaying it blindly: after a transient failure, `find()` looks for what the
   * POST may have created; when found, that is the result (`recovered`), otherwise the POST is tried again.
   */
  async createWithRecovery<T>(
    post: () => Promise<T>,
    find: () => Promise<T | undefined>,
    confirm?: (found: T) => Promise<boolean>,
  ): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await post();
      } catch (err) {
        if (!isTransient(err)) throw err;
        const apiErr = err as CamundaApiError;
        // 429 and 412 mean the request was turned away: nothing to look for. Anything else may have gone through,
        // so look even when no attempt is left: the object may exist, and must then be returned, not orphaned.
        if (apiErr.status !== 429 && apiErr.status !== 412) {
          const found = await this.lookAgain(find);
          // `confirm` can reject what the listing showed (e.g. a deleted secret that is still listed for a while).
          if (found !== undefined && (!confirm || (await confirm(found)))) {
            this.stats.recoveries++;
            return found;
          }
        }
        if (attempt + 1 >= this.retry.maxAttempts) throw err;
        const wait = this.delay(attempt, apiErr.retryAfterSeconds !== undefined ? apiErr.retryAfterSeconds * 1000 : undefined);
        if (Date.now() - started + wait > this.retry.maxTotalMs) throw err;
        this.stats.retries++;
        await sleep(wait);
      }
    }
  }

  /**
   * Looks for what an ambiguous create may have made, again after 1 s and 2 s when it is not there yet: the service
   * is eventually consistent, and posting again while the first create is still invisible would duplicate it.
   */
  private async lookAgain<T>(find: () => Promise<T | undefined>): Promise<T | undefined> {
    for (const wait of [0, ...CONSISTENCY_GRACE_MS]) {
      if (wait > 0) await sleep(wait);
      const found = await find();
      if (found !== undefined) return found;
    }
    return undefined;
  }

  // ---- clusters -------------------------------------------------------------------------------------------------

  /** Every cluster of the organization; one the provider cannot read (a shape it does not know) is left out. */
  listClusters(): Promise<Listing<Cluster>> {
    return this.json("GET", "/clusters", lenientList(clusterSchema, "uuid"), "idempotent");
  }

  getCluster(clusterId: string): Promise<Cluster> {
    return this.json("GET", `/clusters/${enc(clusterId)}`, clusterSchema, "idempotent");
  }

  getParameters(): Promise<Parameters> {
    return this.json("GET", "/clusters/parameters", parametersSchema, "idempotent");
  }

  /**
   * Creates a cluster. Cluster names are not unique, so after an ambiguous failure only a cluster that `isOurs`
   * accepts (by default: of this name and not among the same-named clusters listed before the POST) can be the one
   * this call created; exactly one such cluster is the result, otherwise the POST is tried again.
   */
  async createCluster(body: CreateClusterBody, isOurs?: (cluster: Cluster) => boolean): Promise<{ clusterId: string; recovered?: boolean }> {
    let accept = isOurs;
    if (!accept) {
      const before = new Set((await this.listClusters()).filter((c) => c.name === body.name).map((c) => c.uuid));
      accept = (c) => !before.has(c.uuid);
    }
    const ours = accept;
    return this.createWithRecovery(
      async () => {
        const r = await this.json("POST", "/clusters", createdClusterSchema, "none", body);
        return { clusterId: r.clusterId };
      },
      async () => {
        const listed = await this.listClusters();
        // A same-named cluster that cannot be read could be this call's: creating again could make a duplicate.
        if (listed.unreadable.some((c) => c.name === body.name)) throw unreadableError(`a cluster named ${JSON.stringify(body.name)}`);
        const mine = listed.filter((c) => c.name === body.name && ours(c));
        return mine.length === 1 ? { clusterId: mine[0].uuid, recovered: true } : undefined;
      },
    );
  }

  updateCluster(clusterId: string, body: UpdateClusterBody): Promise<void> {
    return this.call("PATCH", `/clusters/${enc(clusterId)}`, "idempotent", body);
  }

  deleteCluster(clusterId: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}`, "idempotent");
  }

  /** Upgrades the cluster to the next generation available (`GenerationUpgradeForClusterDto`). */
  upgradeCluster(clusterId: string): Promise<GenerationUpgrade> {
    // Each PUT moves the cluster one generation on: a lost answer is never replayed (see cluster-state.ts `upgradeTo`).
    return this.json("PUT", `/clusters/${enc(clusterId)}/upgrade`, generationUpgradeSchema, "refused");
  }

  wakeCluster(clusterId: string): Promise<void> {
    return this.call("PUT", `/clusters/${enc(clusterId)}/wake`, "idempotent");
  }

  // ---- clients --------------------------------------------------------------------------------------------------

  listClients(clusterId: string): Promise<Listing<ClusterClient>> {
    return this.json("GET", `/clusters/${enc(clusterId)}/clients`, lenientList(clusterClientSchema, "clientId"), "idempotent");
  }

  getClient(clusterId: string, clientId: string): Promise<ConnectionDetails> {
    return this.json("GET", `/clusters/${enc(clusterId)}/clients/${enc(clientId)}`, connectionDetailsSchema, "idempotent");
  }

  /**
   * Creates a client. After an ambiguous failure, a client of that name that `isOurs` accepts (by default: one not
   * listed before the POST) is the one this call created: it is returned with `recovered: true` and without a secret
   * (the secret was only in the lost response). A same-named client that existed before is never taken.
   */
  async createClient(
    clusterId: string,
    body: { clientName: string; permissions?: ClientPermission[] },
    isOurs?: (client: ClusterClient) => boolean,
  ): Promise<CreatedClusterClient> {
    let accept = isOurs;
    if (!accept) {
      const before = new Set((await this.listClients(clusterId)).filter((c) => c.name === body.clientName).map((c) => c.clientId));
      accept = (c) => !before.has(c.clientId);
    }
    const ours = accept;
    return this.createWithRecovery<CreatedClusterClient>(
      async () => {
        const created = await this.json("POST", `/clusters/${enc(clusterId)}/clients`, createdClusterClientSchema, "none", body);
        rememberSecret(created.clientSecret);
        return created;
      },
      async () => {
        const listed = await this.listClients(clusterId);
        if (listed.unreadable.some((c) => c.name === body.clientName)) throw unreadableError(`a client named ${JSON.stringify(body.clientName)}`);
        const found = listed.find((c) => c.name === body.clientName && ours(c));
        return found ? { name: found.name, clientId: found.clientId, permissions: found.permissions, recovered: true } : undefined;
      },
    );
  }

  deleteClient(clusterId: string, clientId: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}/clients/${enc(clientId)}`, "idempotent");
  }

  // ---- IP allowlist ---------------------------------------------------------------------------------------------

  /** Replaces the cluster's whole IP allowlist (`[]` clears it). */
  updateIpAllowlist(clusterId: string, entries: IpAllowlistEntryPayload[]): Promise<void> {
    return this.call("PUT", `/clusters/${enc(clusterId)}/ipallowlist`, "idempotent", { ipallowlist: entries.map((e) => ({ ip: e.ip, description: e.description ?? "" })) });
  }

  // ---- connector secrets ----------------------------------------------------------------------------------------

  /** The cluster's connector secrets, name → value (a Map: any name, `__proto__` included, round-trips). */
  async listSecrets(clusterId: string): Promise<Map<string, string>> {
    const text = await this.send("GET", `/clusters/${enc(clusterId)}/secrets`, "idempotent");
    const secrets = this.parseText("GET", `/clusters/${enc(clusterId)}/secrets`, text, clusterSecretsSchema);
    for (const v of secrets.values()) rememberSecret(v);
    return secrets;
  }

  /**
   * Creates a secret, never taking over one that existed before unless `adoptExisting` says so.
   *
   * - `before` is what was listed under this name before this create (`null`: nothing; default: listed now).
   * - A 409 is either "another change in progress" (retried) or a duplicate. A duplicate that existed before is
   *   someone else's: with `adoptExisting` its value is set and `{ adopted: true }` returned; otherwise the create
   *   fails with a hint. A duplicate that did not exist before, or that now holds this call's value where it held
   *   another before, was made by an earlier, ambiguous attempt of this very call.
   * - After an ambiguous failure, a listed secret that is this call's by the same rule is written once more (a 404
   *   shows it was a deleted secret that still lingers in the listing, so the POST is tried again).
   */
  async createSecret(
    clusterId: string,
    name: string,
    value: string,
    opts: { before?: string | null; adoptExisting?: boolean } = {},
  ): Promise<{ adopted: boolean; recovered?: boolean }> {
    rememberSecret(value);
    const before = opts.before !== undefined ? opts.before : ((await this.listSecrets(clusterId)).get(name) ?? null);
    const path = `/clusters/${enc(clusterId)}/secrets`;
    const started = Date.now();
    let ambiguous = false;
    let duplicates = 0;
    /**
     * Whether the listed secret is this call's own create: only after an ambiguous attempt (a first attempt's
     * duplicate is someone else's), and only when it holds this call's value where it held none, or another, before.
     */
    const mine = (listed: string) => ambiguous && listed === value && before !== value;
    const written = async (): Promise<boolean> => {
      try {
        await this.updateSecret(clusterId, name, value);
        return true;
      } catch (err) {
        if (err instanceof CamundaApiError && err.status === 404) return false;
        throw err;
      }
    };
    for (let attempt = 0; ; attempt++) {
      let failure: CamundaApiError;
      try {
        await this.call("POST", path, "none", { secretName: name, secretValue: value });
        return { adopted: false };
      } catch (err) {
        if (!(err instanceof CamundaApiError) || !isTransient(err)) throw err;
        failure = err;
      }
      if (failure.status === 409) {
        const inProgress = /progress|try again|concurrent/i.test(failure.serviceMessage);
        const duplicate = /unique|already exists|duplicate/i.test(failure.serviceMessage);
        const listed = inProgress ? undefined : (await this.listSecrets(clusterId)).get(name);
        // A 409 that neither message nor listing settles is retried a few times before it counts as a duplicate:
        // a deleted secret can linger in the listing while a concurrent change holds the cluster's secrets.
        if (listed !== undefined && (duplicate || ++duplicates >= 3)) {
          if (mine(listed)) {
            this.stats.recoveries++;
            return { adopted: false, recovered: true };
          }
          if (opts.adoptExisting) {
            await this.updateSecret(clusterId, name, value);
            return { adopted: true };
          }
          throw new CamundaApiError({
            method: "POST",
            path,
            status: 409,
            serviceMessage: failure.serviceMessage,
            hint:
              `A connector secret named ${JSON.stringify(name)} already exists on the cluster and this resource did not create it: ` +
              "choose another name, or set `adoptExisting: true` to take it over (its value is then overwritten, and it is deleted with the resource)",
          });
        }
      } else if (failure.status !== 429 && failure.status !== 412) {
        // The POST may have gone through: look before posting again.
        ambiguous = true;
        const listed = await this.lookAgain(async () => {
          const v = (await this.listSecrets(clusterId)).get(name);
          return v !== undefined && mine(v) ? v : undefined;
        });
        if (listed !== undefined && (await written())) {
          this.stats.recoveries++;
          return { adopted: false, recovered: true };
        }
      }
      if (attempt + 1 >= this.retry.maxAttempts) throw failure;
      const wait = this.delay(attempt, failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : undefined);
      if (Date.now() - started + wait > this.retry.maxTotalMs) throw failure;
      this.stats.retries++;
      await sleep(wait);
    }
  }

  updateSecret(clusterId: string, name: string, value: string): Promise<void> {
    rememberSecret(value);
    return this.call("PUT", `/clusters/${enc(clusterId)}/secrets/${enc(name)}`, "secret-write", { secretValue: value });
  }

  deleteSecret(clusterId: string, name: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}/secrets/${enc(name)}`, "secret-write");
  }

  // ---- members and backups --------------------------------------------------------------------------------------

  listMembers(): Promise<Member[]> {
    return this.json("GET", "/members", memberSchema.array(), "idempotent");
  }

  /** Invites a member or sets an existing member's roles (idempotent). */
  upsertMember(email: string, orgRoles: string[]): Promise<void> {
    return this.call("POST", `/members/${enc(email)}`, "idempotent", { orgRoles });
  }

  deleteMember(email: string): Promise<void> {
    return this.call("DELETE", `/members/${enc(email)}`, "idempotent");
  }

  listBackups(clusterId: string): Promise<Backup[]> {
    return this.json("GET", `/clusters/${enc(clusterId)}/backups`, backupSchema.array(), "idempotent");
  }

  createBackup(clusterId: string): Promise<Backup> {
    // Refusals are retried; after an ambiguous failure the caller looks for the backup (backup.ts).
    return this.json("POST", `/clusters/${enc(clusterId)}/backups`, backupSchema, "refused");
  }

  deleteBackup(clusterId: string, backupId: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}/backups/${enc(backupId)}`, "idempotent");
  }

  /** The cluster's backup schedule, or undefined when it has none (404). */
  async getBackupSchedule(clusterId: string): Promise<BackupSchedule | undefined> {
    try {
      return await this.json("GET", `/clusters/${enc(clusterId)}/backups/schedule`, backupScheduleSchema, "idempotent");
    } catch (err) {
      if (err instanceof CamundaApiError && err.status === 404 && !/cluster not found/i.test(err.serviceMessage)) return undefined;
      throw err;
    }
  }

  setBackupSchedule(clusterId: string, schedule: string): Promise<BackupSchedule> {
    return this.json("PUT", `/clusters/${enc(clusterId)}/backups/schedule`, backupScheduleSchema, "idempotent", { schedule });
  }

  deleteBackupSchedule(clusterId: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}/backups/schedule`, "idempotent");
  }

  /** Restores a backup onto its cluster (a one-shot operation: see the README). */
  restoreBackup(clusterId: string, backupId: string): Promise<Restore> {
    return this.json("POST", `/clusters/${enc(clusterId)}/backups/${enc(backupId)}/restore`, restoreSchema, "none");
  }

  getRestore(clusterId: string, backupId: string): Promise<Restore> {
    return this.json("GET", `/clusters/${enc(clusterId)}/backups/${enc(backupId)}/restore`, restoreSchema, "idempotent");
  }

  /** Triggers a regional failover (one-shot and irreversible: the source cluster can never be resumed). */
  failover(clusterId: string, backupIds: string[], restoreBackupId: string): Promise<FailoverResult> {
    return this.json("POST", `/clusters/${enc(clusterId)}/failover`, failoverSchema, "none", { backupIds, restoreBackupId });
  }

  // ---- encryption, monitoring, secure connectivity ---------------------------------------------------------------

  /** Sets or rotates the customer-managed keys of a BYOK (`encryption: External`) cluster. */
  setEncryptionKeys(clusterId: string, keys: { primaryEncryptionKeyId: string; secondaryEncryptionKeyId?: string }): Promise<Cluster> {
    return this.json("PUT", `/clusters/${enc(clusterId)}/encryption`, clusterSchema, "idempotent", keys);
  }

  setMonitoring(clusterId: string, active: boolean): Promise<void> {
    return this.call(active ? "POST" : "DELETE", `/clusters/${enc(clusterId)}/monitoring`, "idempotent");
  }

  listMonitoringClients(clusterId: string): Promise<MonitoringClients> {
    return this.json("GET", `/clusters/${enc(clusterId)}/monitoring/clients`, monitoringClientsSchema, "idempotent");
  }

  /** Creates a monitoring client (its password only in this answer; no blind replay: see the MonitoringClient resource). */
  async createMonitoringClient(clusterId: string, username: string): Promise<MonitoringClient> {
    // Refusals are retried; after an ambiguous failure the caller looks for the client (monitoring.ts).
    return rememberPassword(await this.json("POST", `/clusters/${enc(clusterId)}/monitoring/clients`, monitoringClientSchema, "refused", { username }));
  }

  /** A new password; replaying it is harmless (the last answer's password is the valid one). */
  async rotateMonitoringClient(clusterId: string, clientUuid: string): Promise<MonitoringClient> {
    return rememberPassword(await this.json("POST", `/clusters/${enc(clusterId)}/monitoring/clients/${enc(clientUuid)}/rotate`, monitoringClientSchema, "idempotent"));
  }

  deleteMonitoringClient(clusterId: string, clientUuid: string): Promise<void> {
    return this.call("DELETE", `/clusters/${enc(clusterId)}/monitoring/clients/${enc(clientUuid)}`, "idempotent");
  }

  getSecureConnectivity(clusterId: string): Promise<SecureConnectivity> {
    return this.json("GET", `/clusters/${enc(clusterId)}/secure-connectivity`, secureConnectivitySchema, "idempotent");
  }

  setSecureConnectivity(clusterId: string, spec: { allowedPrincipals: string[]; allowedRegions: string[] } | undefined): Promise<void> {
    const path = `/clusters/${enc(clusterId)}/secure-connectivity`;
    return spec ? this.call("POST", path, "idempotent", spec) : this.call("DELETE", path, "idempotent");
  }

  // ---- organization ------------------------------------------------------------------------------------------------

  listActivity(): Promise<ActivityEvent[]> {
    return this.json("GET", "/activity/json", lenientList(activitySchema, "entityId"), "idempotent");
  }

  /** The activity as CSV (the API answers it as a JSON string). */
  async activityCsv(): Promise<string> {
    return this.json("GET", "/activity/csv", z.string(), "idempotent");
  }

  /** Closes the keep-alive pool (only when the client created it). */
  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }
}
