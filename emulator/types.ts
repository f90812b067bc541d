/** Public types of the Console API emulator (options, fault configuration, statistics, state snapshot). */
import type { ProfileName, ProfileSelection, ProfileTuning } from "./profiles";

/** The scopes a Console API credential can hold, as named in the Console UI. */
export const SCOPES = ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets", "Members", "Backups"] as const;
export type Scope = (typeof SCOPES)[number];

/** `status.ready` (and per-component) values of a cluster, from the spec's `ClusterStatus` enum. */
export const CLUSTER_STATUSES = [
  "Creating",
  "Healthy",
  "Unhealthy",
  "Updating",
  "Resuming",
  "Suspended",
  "WaitingForInput",
  "Maintenance",
] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** Permissions of a cluster (Zeebe) client, from the spec's `ClusterClient.permissions` enum. */
export const CLIENT_PERMISSIONS = ["Zeebe", "Tasklist", "Operate", "Optimize", "Secrets"] as const;
export type ClientPermission = (typeof CLIENT_PERMISSIONS)[number];

export interface Credential {
  clientId: string;
  clientSecret: string;
  scopes: Scope[];
}

export interface IpAllowlistEntry {
  ip: string;
  description: string;
}

/**
 * Selects requests a fault applies to. Every given field must match; an omitted field matches anything.
 * `path` is a regular expression tested against the URL path (no query string);
 * `route` is the emulator's route pattern, e.g. `/clusters/:clusterId/secrets/:secretName`.
 */
export interface RouteFilter {
  method?: string | string[];
  path?: string | RegExp;
  route?: string;
}

/** A fault injected into a share (`rate`, 0..1) of the requests matched by `routes` (all API routes when omitted). */
export interface FaultRule {
  rate: number;
  routes?: RouteFilter[];
  /** Inject it at most this many times (then the rule is spent). Default: no limit. */
  times?: number;
}

export interface FaultConfig {
  /** Fixed delay added to every API and token response. */
  latencyMs?: number;
  /** Extra random delay, uniform in [0, jitterMs]. */
  jitterMs?: number;
  /** 503 "Service Unavailable" (text). */
  serverError?: FaultRule;
  /** 429 "Too Many Requests" with a `Retry-After` header. */
  rateLimit?: FaultRule & { retryAfterSeconds?: number };
  /** The socket is destroyed without any response. */
  dropConnection?: FaultRule;
  /** 412 "The cluster is not ready; try again later" on GET requests. */
  notReady?: FaultRule;
  /** 409 "another change … in progress" on secret writes (create, update, delete). */
  secretConflict?: FaultRule;
  /** A deleted connector secret stays visible in GET /clusters/{id}/secrets for this long. */
  secretLingerMs?: number;
  /** Seed of the fault PRNG; setting it makes the fault sequence reproducible. */
  seed?: number;
}

export interface TokenRateLimit {
  /** A token request less than this long after the previous one from the same address is rejected and blocks the address. */
  minIntervalMs: number;
  /** How long an address stays blocked (every token request during the block gets 429). */
  blockMs: number;
}

/** Limits that make the API answer 403 / 400 like the real Console does when an organisation runs out. Unset = unlimited. */
export interface EmulatorLimits {
  clustersPerOrg?: number;
  clientsPerCluster?: number;
  secretsPerCluster?: number;
  memberSeats?: number;
}

/** One response the emulator sent, handed to `EmulatorOptions.onResponse`. */
export interface RecordedResponse {
  kind: "api" | "token" | "admin";
  method: string;
  /** Request URL path and query. */
  url: string;
  /** The matched route pattern, or undefined when no route matched. */
  route: string | undefined;
  statusCode: number;
  contentType: string | undefined;
  body: string;
  /** When the request arrived (ms since the epoch): what a rate limit measures, unlike the time of the answer. */
  receivedAt: number;
}

export interface EmulatorOptions {
  /**
   * Live-shape profiles (see profiles.ts): names, or "document" (none), "default" (what live payloads show; the
   * default), "live" (all of them).
   */
  profiles?: ProfileSelection | readonly string[];
  /** Tunables of the profiles (consistency lag, auto-pause delay, API rate limit). */
  profileTuning?: ProfileTuning;
  /** TCP port; 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. Beyond loopback the emulator warns: its admin routes change state. */
  host?: string;
  /** Host names, besides localhost and IP addresses, that the admin routes answer to (e.g. a CI service's name). */
  adminHosts?: string[];
  /** The demo credential (all six scopes). Default demo-client / demo-secret. */
  demoCredential?: { clientId: string; clientSecret: string };
  /** Further Console API credentials. */
  credentials?: Credential[];
  /** Token audience required at the token endpoint and checked on API calls. Default `api.cloud.camunda.io`. */
  audience?: string;
  /** Access-token validity. Default 86400 (24 h, as in SaaS). */
  tokenTtlSeconds?: number;
  /** Per-address token rate limit; `false` disables it. Default `{ minIntervalMs: 1000, blockMs: 5000 }`. */
  tokenRateLimit?: TokenRateLimit | false;
  /** Delay before answering a repeated bad-credential token request (SaaS uses 30 s). Default 1000. */
  badCredentialDelayMs?: number;
  /** Time a new cluster stays `Creating` (also used for Resuming after wake and Updating after upgrade). Default 0. */
  provisioningMs?: number;
  /** Time a new backup stays "In progress". Default 0. */
  backupMs?: number;
  /** Fault and latency injection. Default: none. */
  faults?: FaultConfig;
  /** Organisation limits. Default: unlimited. */
  limits?: EmulatorLimits;
  /** Load the state from this file at start (if present) and save it atomically after every change. */
  stateFile?: string;
  /** Called for every response sent (API, token and admin routes). Useful to validate payloads in tests. */
  onResponse?: (response: RecordedResponse) => void;
  /** Log requests through fastify's logger (pino) to stdout. Default false. */
  logRequests?: boolean;
}

export interface Stats {
  tokenRequests: {
    total: number;
    ok: number;
    rateLimited: number;
    unauthorized: number;
    badRequest: number;
  };
  apiRequests: {
    total: number;
    byMethod: Record<string, number>;
    byRoute: Record<string, number>;
    byStatus: Record<string, number>;
  };
  faultsInjected: {
    latency: number;
    serverError: number;
    rateLimit: number;
    dropConnection: number;
    notReady: number;
    secretConflict: number;
    lingeringSecretReads: number;
  };
}

/** A cluster client as stored: the secret itself is never kept, only its SHA-256. */
export interface ClientSnapshot {
  uuid: string;
  name: string;
  clientId: string;
  permissions: ClientPermission[];
  secretSha256: string;
  created: string;
}

export interface BackupSnapshot {
  uuid: string;
  name: string;
  created: string;
  completed: string;
  status: string;
  generationUuid: string;
  generationName: string;
}

export interface MemberSnapshot {
  name: string;
  email: string;
  roles: string[];
  invitePending: boolean;
}

export interface EmulatorStateSnapshot {
  /** Clusters as GET /clusters/{id} renders them for a credential with every scope. */
  clusters: Record<string, unknown>[];
  clients: Record<string, ClientSnapshot[]>;
  /** Connector secrets per cluster; values are "***" unless revealed. */
  secrets: Record<string, Record<string, string>>;
  backups: Record<string, BackupSnapshot[]>;
  backupSchedules: Record<string, string>;
  /** The customer-managed keys of BYOK clusters (the API never shows them). */
  encryptionKeys: Record<string, { primary: string; secondary?: string }>;
  members: MemberSnapshot[];
  /** Console API credentials (without their secrets). */
  credentials: { clientId: string; scopes: Scope[] }[];
}

/** A running emulator. */
export interface Emulator {
  /** API base URL, e.g. `http://127.0.0.1:PORT` (the API is served at the root). */
  readonly url: string;
  /** Token endpoint: `url + "/oauth/token"`. */
  readonly oauthUrl: string;
  readonly port: number;
  /** The audience the token endpoint requires. */
  readonly audience: string;
  /** The demo credential (all six scopes). */
  readonly credentials: { clientId: string; clientSecret: string };
  /** Environment variables pointing a client (the provider, the SDK) at this emulator with the demo credential. */
  env(): Record<string, string>;
  stop(): Promise<void>;
  stats(): Stats;
  resetStats(): void;
  state(options?: { revealSecrets?: boolean }): EmulatorStateSnapshot;
  /** Back to the start-up condition: no clusters, seeded members, initial credentials and faults, zero stats. */
  reset(): void;
  faults(): FaultConfig;
  /** Replaces the fault configuration (`{}` clears it). Throws on an invalid configuration. */
  setFaults(faults: FaultConfig): void;
  addCredential(credential: Credential): void;
  removeCredential(clientId: string): boolean;
  /** Makes every token issued so far invalid: API calls with them get 401. */
  revokeTokens(): void;
  /** The live-shape profiles in force. */
  profiles(): ProfileName[];
  /** Switches profiles at run time (names, or "document", "default", "live"). Throws on an unknown name. */
  setProfiles(selection: ProfileSelection | readonly string[]): void;
  setClusterHealthy(clusterId: string): void;
  setClusterStatus(clusterId: string, status: ClusterStatus): void;
  /** Backups of the cluster taken from now on end Failed, with a completion time (`fail` false: they complete again). */
  failBackups(clusterId: string, fail?: boolean): void;
  // Out-of-band changes (as if made in the Console UI). Each throws when the cluster does not exist;
  // the delete helpers return false when the item does not exist.
  deleteCluster(clusterId: string): boolean;
  patchCluster(clusterId: string, patch: { name?: string; description?: string }): void;
  deleteClient(clusterId: string, clientId: string): boolean;
  deleteSecret(clusterId: string, name: string): boolean;
  setSecretValue(clusterId: string, name: string, value: string): void;
  setIpAllowlist(clusterId: string, entries: IpAllowlistEntry[]): void;
}
