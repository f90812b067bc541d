/**
 * Local emulator of the Camunda 8 SaaS Console API and its OAuth token endpoint.
 * `startEmulator(options)` starts one instance (port 0 = random port) and returns its handle.
 */
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { ApiError } from "./errors";
import { FaultInjector } from "./faults";
import { TokenRateLimiter, TokenService } from "./oauth";
import { buildServer, TOKEN_PATH } from "./server";
import { Profiles, type ProfileName, type ProfileSelection } from "./profiles";
import { EmulatorState } from "./state";
import { StatsCollector } from "./stats";
import {
  SCOPES,
  type ClusterStatus,
  type Credential,
  type Emulator,
  type EmulatorOptions,
  type EmulatorStateSnapshot,
  type FaultConfig,
  type IpAllowlistEntry,
  type Stats,
  type TokenRateLimit,
} from "./types";
import { backupProgress, clusterView } from "./views";

export * from "./types";
export { PROFILES, PROFILE_NAMES, DEFAULT_PROFILES, LIVE_PROFILES, type ProfileName, type ProfileSelection, type ProfileTuning } from "./profiles";
export { CHANNELS, GENERATIONS, ORG_ID, OWNER, PLAN_TYPES, REGIONS } from "./seed";

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 0,
  demoCredential: { clientId: "demo-client", clientSecret: "demo-secret" },
  audience: "api.cloud.camunda.io",
  tokenTtlSeconds: 86400,
  tokenRateLimit: { minIntervalMs: 1000, blockMs: 5000 } as TokenRateLimit,
  badCredentialDelayMs: 1000,
  provisioningMs: 0,
  backupMs: 0,
} as const;

const MASK = "********";

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

class RunningEmulator implements Emulator {
  url = "";
  oauthUrl = "";
  port = 0;
  readonly audience: string;
  readonly credentials: { clientId: string; clientSecret: string };
  app: FastifyInstance | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: EmulatorOptions,
    readonly st: EmulatorState,
    readonly statsCollector: StatsCollector,
    readonly faultInjector: FaultInjector,
    readonly tokens: TokenService,
    readonly limiter: TokenRateLimiter,
    readonly badCredentials: Map<string, number>,
    readonly abort: AbortController,
    readonly activeProfiles: Profiles,
  ) {
    this.audience = options.audience ?? DEFAULTS.audience;
    this.credentials = { ...(options.demoCredential ?? DEFAULTS.demoCredential) };
  }

  env(): Record<string, string> {
    return {
      CAMUNDA_CONSOLE_BASE_URL: this.url,
      CAMUNDA_OAUTH_URL: this.oauthUrl,
      CAMUNDA_CONSOLE_CLIENT_ID: this.credentials.clientId,
      CAMUNDA_CONSOLE_CLIENT_SECRET: this.credentials.clientSecret,
      CAMUNDA_CONSOLE_OAUTH_AUDIENCE: this.audience,
    };
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.abort.abort();
      this.stopping = this.app ? this.app.close() : Promise.resolve();
    }
    return this.stopping;
  }

  stats(): Stats {
    return this.statsCollector.snapshot();
  }

  resetStats(): void {
    this.statsCollector.reset();
  }

  state(options: { revealSecrets?: boolean } = {}): EmulatorStateSnapshot {
    const clusters = this.st.listClusters();
    const credentials = this.st.listCredentials().map((c) => ({ clientId: c.clientId, scopes: [...c.scopes] }));
    return {
      clusters: clusters.map((c) => clusterView(c, true)),
      clients: Object.fromEntries(
        clusters.map((c) => [c.uuid, c.clients.map((cl) => ({ ...cl, permissions: [...cl.permissions] }))]),
      ),
      secrets: Object.fromEntries(
        clusters.map((c) => [
          c.uuid,
          Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, options.revealSecrets ? v : MASK])),
        ]),
      ),
      backups: Object.fromEntries(
        clusters.map((c) => [
          c.uuid,
          c.backups.map((b) => {
            const { status, completed } = backupProgress(b);
            return {
              uuid: b.uuid,
              name: b.name,
              created: new Date(b.createdAt).toISOString(),
              completed,
              status,
              generationUuid: b.generationUuid,
              generationName: b.generationName,
            };
          }),
        ]),
      ),
      encryptionKeys: Object.fromEntries(clusters.filter((c) => c.encryptionKeys).map((c) => [c.uuid, { ...c.encryptionKeys! }])),
      backupSchedules: Object.fromEntries(
        clusters.filter((c) => c.backupSchedule !== undefined).map((c) => [c.uuid, c.backupSchedule as string]),
      ),
      members: this.st.listMembers().map((m) => ({ ...m, roles: [...m.roles] })),
      credentials,
    };
  }

  reset(): void {
    this.st.reset();
    this.statsCollector.reset();
    this.faultInjector.set(this.options.faults ?? {});
    this.limiter.clear();
    this.badCredentials.clear();
    this.activeProfiles.set(this.options.profiles ?? "default");
  }

  profiles(): ProfileName[] {
    return this.activeProfiles.list();
  }

  setProfiles(selection: ProfileSelection | readonly string[]): void {
    this.activeProfiles.set(selection);
  }

  faults(): FaultConfig {
    return this.faultInjector.get();
  }

  setFaults(faults: FaultConfig): void {
    this.faultInjector.set(faults);
  }

  addCredential(credential: Credential): void {
    this.st.addCredential(credential);
  }

  removeCredential(clientId: string): boolean {
    return this.st.removeCredential(clientId);
  }

  revokeTokens(): void {
    this.tokens.rotateKey();
  }

  setClusterHealthy(clusterId: string): void {
    this.st.setClusterStatus(clusterId, "Healthy");
  }

  failBackups(clusterId: string, fail = true): void {
    this.st.failBackups(clusterId, fail);
  }

  setClusterStatus(clusterId: string, status: ClusterStatus): void {
    this.st.setClusterStatus(clusterId, status);
  }

  deleteCluster(clusterId: string): boolean {
    if (!this.st.findCluster(clusterId)) return false;
    this.st.deleteCluster(clusterId);
    return true;
  }

  patchCluster(clusterId: string, patch: { name?: string; description?: string }): void {
    this.st.updateCluster(clusterId, { name: patch.name, description: patch.description });
  }

  deleteClient(clusterId: string, clientId: string): boolean {
    const cluster = this.st.getCluster(clusterId);
    if (!cluster.clients.some((c) => c.clientId === clientId)) return false;
    this.st.deleteClient(clusterId, clientId);
    return true;
  }

  deleteSecret(clusterId: string, name: string): boolean {
    const lag = this.activeProfiles.has("eventualConsistency") ? 3 * this.activeProfiles.tuning.consistencyLagMs : 0;
    return this.st.deleteSecret(clusterId, name, Math.max(this.faultInjector.secretLingerMs, lag));
  }

  setSecretValue(clusterId: string, name: string, value: string): void {
    this.st.putSecret(clusterId, name, value);
  }

  setIpAllowlist(clusterId: string, entries: IpAllowlistEntry[]): void {
    this.st.setIpAllowlist(clusterId, entries);
  }
}

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const demo = options.demoCredential ?? DEFAULTS.demoCredential;
  const audience = options.audience ?? DEFAULTS.audience;
  const profiles = new Profiles(options.profiles ?? "default", options.profileTuning);
  const state = new EmulatorState({
    profiles,
    provisioningMs: options.provisioningMs ?? DEFAULTS.provisioningMs,
    backupMs: options.backupMs ?? DEFAULTS.backupMs,
    limits: options.limits ?? {},
    stateFile: options.stateFile,
    initialCredentials: [{ ...demo, scopes: [...SCOPES] }, ...(options.credentials ?? [])],
  });
  const stats = new StatsCollector();
  const faults = new FaultInjector(options.faults ?? {});
  const abort = new AbortController();
  let issuer = "";
  const tokens = new TokenService(audience, options.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds, () => issuer);
  const limiter = new TokenRateLimiter(
    options.tokenRateLimit === undefined ? { ...DEFAULTS.tokenRateLimit } : options.tokenRateLimit,
  );
  const badCredentials = new Map<string, number>();
  const emulator = new RunningEmulator(options, state, stats, faults, tokens, limiter, badCredentials, abort, profiles);

  const app = await buildServer({
    state,
    profiles,
    stats,
    faults,
    tokens,
    limiter,
    badCredentials,
    audience,
    badCredentialDelayMs: options.badCredentialDelayMs ?? DEFAULTS.badCredentialDelayMs,
    signal: abort.signal,
    control: emulator,
    onResponse: options.onResponse,
    logRequests: options.logRequests ?? false,
    adminHosts: options.adminHosts ?? [],
  });
  emulator.app = app;
  const host = options.host ?? DEFAULTS.host;
  await app.listen({ port: options.port ?? DEFAULTS.port, host });
  if (!isLoopbackHost(host)) {
    console.warn(
      `WARNING: the Console API emulator listens on ${host}, beyond this machine: anyone who reaches it can use its demo credential ` +
        "and its admin routes (/__emulator: credentials, faults, state with secrets). Bind it to 127.0.0.1 unless a CI service network needs it.",
    );
  }
  const { port } = app.server.address() as AddressInfo;
  emulator.port = port;
  emulator.url = `http://${urlHost(host)}:${port}`;
  emulator.oauthUrl = `${emulator.url}${TOKEN_PATH}`;
  issuer = `${emulator.url}/`;
  return emulator;
}

export { ApiError };
