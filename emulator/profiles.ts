/**
 * Live-shape profiles: what is known (or feared) of the live Console API beyond its OpenAPI document, each switchable
 * on its own (`startEmulator({ profiles })`, `--profile`, `PUT /__emulator/profiles`), each citing its public source.
 *
 * - `document`: no profile at all, the document's answers exactly.
 * - `default` (the emulator's default): the behaviours public live payloads show — created clients without links,
 *   undeclared fields, permissions in the service's order. The others are guesses the document leaves open, or
 *   behaviours of some organizations only (no IP allowlist feature, Trial auto-pause), and are opt-in.
 * - `live`: every profile at once (of the two mutually exclusive client-scope profiles, the rejecting one).
 */
export const PROFILES = {
  /**
   * POST …/clients answers without `links` (and with `audience`).
   * Source: camunda/camunda-8-js-sdk `src/__tests__/admin/admin.integration.spec.ts` (fixture `credentialsRes`:
   * name, uuid, clientId, clientSecret, permissions); camunda-community-hub/console-customer-api-go
   * `decode_live_payloads_test.go` (`createdClusterClientPayload`: uuid, name, clientId, clientSecret, permissions,
   * audience).
   */
  createdClientWithoutLinks: true,
  /**
   * Fields the document omits, on clusters (`k8sContext`, and fields of the future).
   * Source: camunda-8-js-sdk admin.integration.spec.ts fixture (`k8sContext`); console-customer-api-go
   * `decode_live_payloads_test.go` (`TestUnknownFutureFieldsDoNotBreakDecoding`) and `openapi-normalize.jq` ("the
   * server sends fields the spec omits").
   */
  undeclaredFields: true,
  /**
   * `GET /clusters` also lists another team's cluster, shaped as older clients choke on it: states the older enum
   * lacked (WaitingForInput, Maintenance), an External encryption without a key, links without endpoints, nested
   * undeclared fields. A create's recovery lists clusters: one odd cluster must not break it.
   * Source: console-customer-api-go (`ClusterStatus` had four values in older documents; "Clients built on an older
   * enum fail to decode the newer values"); the document's eight-value `ClusterStatus`.
   */
  foreignClusterInList: false,
  /**
   * Permissions come back in the service's order (Zeebe, Operate, Optimize, Tasklist, Secrets), not the request's.
   * Source: camunda-8-js-sdk admin.integration.spec.ts fixture (`permissions: ["Zeebe","Operate","Optimize","Tasklist"]`).
   */
  unorderedPermissions: true,
  /**
   * `GET …/clients/{clientId}` answers 412 "cluster is not ready; try again later" for a moment after the client is
   * created (besides while the cluster is Creating or Resuming, which the emulator always does).
   * Source: the document, `GetClient` 412 (which names no cause beyond "not ready").
   */
  clientDetailsNotReady: false,
  /**
   * The stage label is write-only: `labels` never comes back.
   * Source: the document (`labels: string[]`, no documented meaning); no public live payload carries `labels`
   * (camunda-8-js-sdk fixture, console-customer-api-go payloads).
   */
  stageLabelNotReturned: false,
  /**
   * The organization lacks the IP allowlist feature for reading (or the credential the permission): clusters come
   * back without `ipallowlist` and with `ipwhitelist: null`; the PUT is still accepted.
   * Source: the document, `Cluster.ipallowlist` ("will only be returned if your organization has the feature enabled
   * and the client you are using has the permission to see it"); camunda-8-js-sdk fixture (`ipwhitelist: null`);
   * camunda-docs `manage-ip-allowlists.md` (an Enterprise feature).
   */
  allowlistHidden: false,
  /**
   * On clusters of generation 8.7 and later, Console manages only the Zeebe (Orchestration Cluster), Optimize and
   * Secrets scopes: Operate and Tasklist are silently dropped from a create (all permissions means those three).
   * Source: camunda-docs `docs/components/console/manage-clusters/manage-api-clients.md` (8.7 caution: scopes
   * "managed through the Identity component") and `versioned_docs/version-8.8/…/manage-api-clients.md` (Orchestration
   * Cluster API, Optimize API, Secrets). Whether the API drops or rejects them is not settled: see the next profile.
   */
  clientScopesDropped: false,
  /** As `clientScopesDropped`, but a create asking for Operate or Tasklist is refused with 400. Same source. */
  clientScopesRejected: false,
  /**
   * Eventual consistency: a new cluster answers 404 and is missing from `GET /clusters`, a new client is missing from
   * `GET …/clients`, a new secret from `GET …/secrets`, for a moment (`consistencyLagMs`); a deleted secret stays
   * listed three times as long.
   * Source: the document (`DELETE …/secrets/{name}`: "Due to eventual consistency, the deleted secret may still appear
   * in subsequent GET or list responses for a short period"; 409 "another change … is in progress").
   */
  eventualConsistency: false,
  /**
   * All eight cluster states: a new cluster passes Creating → Updating → Healthy; a Trial cluster tagged `dev` (or
   * untagged) is Suspended `autoPauseMs` after it became Healthy or was resumed; wake goes through Resuming.
   * Source: the document (`ClusterStatus`: Creating, Healthy, Unhealthy, Updating, Resuming, Suspended, WaitingForInput,
   * Maintenance; `PUT /wake` "Resumes a 'Suspended' Cluster"); camunda-docs `docs/components/concepts/clusters.md`
   * ("Auto-pause": dev or untagged Trial clusters pause eight hours after create or resume). A cluster created with
   * `encryption: "External"` (BYOK) waits in WaitingForInput until its keys are set (`PUT …/encryption`), then passes
   * Updating → Healthy. Source: the document (`EncryptionStatus.ExternalEncryptionKeyNotSupplied`, `ClusterStatus`
   * WaitingForInput, `UpdateClusterEncryptionBody` "set or rotate the customer-managed encryption keys"); that the wait
   * shows as WaitingForInput is an inference (no public sample).
   */
  clusterLifecycle: false,
  /**
   * The Console API itself limits requests: more than `apiRequestsPerSecond` per credential answer 429 with
   * Retry-After.
   * Source: camunda-community-hub/terraform-provider-camunda v0.1 `internal/provider/console_retry.go` (a retry
   * transport for Console API 429s); camunda-docs `administration-api/authentication.md` ("When the rate limit is
   * triggered, the client will receive an HTTP 429 response").
   */
  apiRateLimit: false,
  /**
   * A credential without the route's scope gets 401 rather than 403. No public source settles which; modelled so that
   * the provider is right under both.
   */
  missingScope401: false,
  /**
   * Error bodies are JSON (`{"status","title","detail"}`) rather than text. No public live error body exists (the
   * document declares `text/plain` for one operation only); modelled so that the provider reads both.
   */
  jsonErrors: false,
} as const;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
export const DEFAULT_PROFILES = PROFILE_NAMES.filter((p) => PROFILES[p]);
/** Every profile at once; of the two client-scope profiles, the stricter (rejecting) one. */
export const LIVE_PROFILES = PROFILE_NAMES.filter((p) => p !== "clientScopesDropped");

/** A profile selection: names, or one of the presets "document" (none), "default", "live". */
export type ProfileSelection = readonly ProfileName[] | "document" | "default" | "live";

/** Tunables of the profiles. */
export interface ProfileTuning {
  /** `eventualConsistency`: how long a new object stays invisible. Default 1500 ms. */
  consistencyLagMs?: number;
  /** `clientDetailsNotReady`: how long a new client's details answer 412. Default 1000 ms. */
  clientDetailsLagMs?: number;
  /** `clusterLifecycle`: how long after Healthy (or a resume) a dev/untagged Trial cluster is Suspended. Default 8 h. */
  autoPauseMs?: number;
  /** `apiRateLimit`: requests per second per credential. Default 25. */
  apiRequestsPerSecond?: number;
}

export const TUNING_DEFAULTS: Required<ProfileTuning> = {
  consistencyLagMs: 1500,
  clientDetailsLagMs: 1000,
  autoPauseMs: 8 * 3600_000,
  apiRequestsPerSecond: 25,
};

/** Resolves a selection (names are checked) to the set of active profiles. */
export function resolveProfiles(selection: ProfileSelection | readonly string[] | undefined): Set<ProfileName> {
  if (selection === undefined || selection === "default") return new Set(DEFAULT_PROFILES);
  if (selection === "document") return new Set();
  if (selection === "live") return new Set(LIVE_PROFILES);
  const out = new Set<ProfileName>();
  for (const name of selection) {
    if (name === "default") DEFAULT_PROFILES.forEach((p) => out.add(p));
    else if (name === "live") LIVE_PROFILES.forEach((p) => out.add(p));
    else if (name === "document") continue;
    else if ((PROFILE_NAMES as readonly string[]).includes(name)) out.add(name as ProfileName);
    else throw new Error(`Unknown profile ${JSON.stringify(name)}; the profiles are ${PROFILE_NAMES.join(", ")} (or document, default, live)`);
  }
  return out;
}

/** The active profiles of one emulator, changeable at run time. */
export class Profiles {
  private active: Set<ProfileName>;
  readonly tuning: Required<ProfileTuning>;

  constructor(selection?: ProfileSelection | readonly string[], tuning: ProfileTuning = {}) {
    this.active = resolveProfiles(selection);
    const given = Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
    this.tuning = { ...TUNING_DEFAULTS, ...given };
  }

  has(name: ProfileName): boolean {
    return this.active.has(name);
  }

  list(): ProfileName[] {
    return PROFILE_NAMES.filter((p) => this.active.has(p));
  }

  set(selection: ProfileSelection | readonly string[]): void {
    this.active = resolveProfiles(selection);
  }
}
