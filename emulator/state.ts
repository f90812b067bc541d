/**
 * The emulator's in-memory model (clusters with their clients, secrets, allowlist and backups; members;
 * Console API credentials) with the Console's rules, and optional persistence to a state file
 * (loaded at start, written atomically after every change: temp file + rename).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ApiError } from "./errors";
import type { Profiles } from "./profiles";
import { CHANNELS, ORG_ID, OWNER, PLAN_TYPES, REGIONS, type ChannelSeed, type GenerationSeed } from "./seed";
import {
  CLIENT_PERMISSIONS,
  CLUSTER_STATUSES,
  SCOPES,
  type ClientPermission,
  type ClusterStatus,
  type Credential,
  type EmulatorLimits,
  type IpAllowlistEntry,
} from "./types";

export const STAGE_LABELS = ["dev", "test", "stage", "prod"] as const;
export type StageLabel = (typeof STAGE_LABELS)[number];
export const ENCRYPTION_TYPES = ["Software", "Hardware", "Provider", "External"] as const;
export type EncryptionType = (typeof ENCRYPTION_TYPES)[number];
export const ASSIGNABLE_ROLES = ["admin", "operationsengineer", "taskuser", "analyst", "developer", "visitor", "modeler"] as const;

const clientRecord = z.object({
  uuid: z.string(),
  name: z.string(),
  clientId: z.string(),
  permissions: z.array(z.enum(CLIENT_PERMISSIONS)),
  secretSha256: z.string(),
  created: z.string(),
});
export type ClientRecord = z.infer<typeof clientRecord>;

const backupRecord = z.object({
  uuid: z.string(),
  name: z.string(),
  createdAt: z.number(),
  completeAt: z.number(),
  generationUuid: z.string(),
  generationName: z.string(),
  /** Ends Failed (with a completion time, as a failed backup may carry one). */
  fails: z.boolean().optional(),
});
export type BackupRecord = z.infer<typeof backupRecord>;

const clusterRecord = z.object({
  uuid: z.string(),
  name: z.string(),
  description: z.string().optional(),
  ownerId: z.string(),
  created: z.string(),
  planTypeId: z.string(),
  regionId: z.string(),
  channelId: z.string(),
  generationId: z.string(),
  autoUpdate: z.boolean(),
  backupRegionId: z.string().optional(),
  encryption: z.enum(ENCRYPTION_TYPES),
  stageLabel: z.enum(STAGE_LABELS).optional(),
  hardwarePackages: z.number(),
  status: z.enum(CLUSTER_STATUSES),
  transition: z
    .object({
      to: z.enum(CLUSTER_STATUSES),
      at: z.number(),
      /** A further step once this one is done (e.g. Creating → Updating → Healthy). */
      then: z.object({ to: z.enum(CLUSTER_STATUSES), afterMs: z.number() }).optional(),
    })
    .optional(),
  /** When the cluster last became Healthy after a create or a resume (for auto-pause). */
  activeSince: z.number().optional(),
  ipallowlist: z.array(z.object({ ip: z.string(), description: z.string() })),
  clients: z.array(clientRecord),
  secrets: z.record(z.string(), z.string()),
  /** When each secret was created (epoch ms), for eventual consistency. */
  secretsCreated: z.record(z.string(), z.number()).optional(),
  lingering: z.array(z.object({ name: z.string(), value: z.string(), until: z.number() })),
  backups: z.array(backupRecord),
  backupSchedule: z.string().optional(),
  /** BYOK keys (`PUT …/encryption`). */
  encryptionKeys: z.object({ primary: z.string(), secondary: z.string().optional() }).optional(),
  /** External monitoring: on or off, and its clients (passwords kept as SHA-256 only). */
  monitoring: z
    .object({
      active: z.boolean(),
      clients: z.array(
        z.object({ uuid: z.string(), name: z.string(), username: z.string(), created: z.string(), passwordSha256: z.string() }),
      ),
    })
    .optional(),
  /** Secure connectivity (PrivateLink): its allowed principals and regions, when active. */
  secureConnectivity: z.object({ allowedPrincipals: z.array(z.string()), allowedRegions: z.array(z.string()) }).optional(),
  /** Restores, by backup id (the latest one). */
  restores: z.record(z.string(), z.object({ uuid: z.string(), state: z.string(), startTimestamp: z.string(), completionTimestamp: z.string().optional() })).optional(),
  failedOver: z.boolean().optional(),
  /** Backups taken from now on fail (a test hook). */
  backupsFail: z.boolean().optional(),
});
export type ClusterRecord = z.infer<typeof clusterRecord>;

const memberRecord = z.object({
  name: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  invitePending: z.boolean(),
});
export type MemberRecord = z.infer<typeof memberRecord>;

const activityRecord = z.object({
  service: z.string(),
  orgId: z.string(),
  audit: z.string(),
  auditType: z.enum(["c", "r", "u", "d"]),
  entity: z.string(),
  entityId: z.string(),
  userId: z.string(),
  timestamp: z.number(),
  parentEntity: z.string().optional(),
  parentEntityId: z.string().optional(),
});
export type ActivityRecord = z.infer<typeof activityRecord>;

const persistedState = z.object({
  version: z.literal(1),
  clusters: z.array(clusterRecord),
  members: z.array(memberRecord),
  activity: z.array(activityRecord).optional(),
  credentials: z.array(z.object({ clientId: z.string(), clientSecret: z.string(), scopes: z.array(z.enum(SCOPES)) })),
});
type PersistedState = z.infer<typeof persistedState>;

export interface StateOptions {
  /** The live-shape profiles in force (clusterLifecycle changes provisioning and auto-pause). */
  profiles: Profiles;
  provisioningMs: number;
  backupMs: number;
  limits: EmulatorLimits;
  stateFile?: string;
  initialCredentials: Credential[];
}

export interface CreateClusterInput {
  name: string;
  planTypeId: string;
  channelId: string;
  generationId: string;
  regionId: string;
  autoUpdate?: boolean;
  backupRegionId?: string;
  description?: string;
  encryption?: EncryptionType;
  hardwarePackages?: number;
  stageLabel?: StageLabel;
}

export interface UpdateClusterInput {
  name?: string;
  description?: string;
  numberOfAllocatedHwPackages?: number;
  stageLabel?: StageLabel;
}

const CLIENT_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";

/** A random string of the alphabet seen in real client ids and secrets (`[A-Za-z0-9~._-]`). */
export function randomToken(length: number, alphabet = CLIENT_ID_ALPHABET): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function seedMembers(): MemberRecord[] {
  return [{ name: OWNER.name, email: OWNER.email, roles: ["owner"], invitePending: false }];
}

export class EmulatorState {
  private clusters: ClusterRecord[] = [];
  /** The organization's audit events, newest last (at most 1000). */
  private activity: ActivityRecord[] = [];
  private members: MemberRecord[] = seedMembers();
  private readonly credentials = new Map<string, Credential>();

  constructor(private readonly options: StateOptions) {
    if (options.stateFile) this.load(options.stateFile);
    // The credentials given at start win over those saved in the state file.
    for (const c of options.initialCredentials) this.credentials.set(c.clientId, { ...c, scopes: [...c.scopes] });
  }

  // ---- credentials -------------------------------------------------------------------------

  private resetCredentials(): void {
    this.credentials.clear();
    for (const c of this.options.initialCredentials) this.credentials.set(c.clientId, { ...c, scopes: [...c.scopes] });
  }

  findCredential(clientId: string): Credential | undefined {
    return this.credentials.get(clientId);
  }

  addCredential(c: Credential): void {
    for (const s of c.scopes) if (!SCOPES.includes(s)) throw new Error(`Unknown scope "${s}"; use one of ${SCOPES.join(", ")}`);
    if (!c.clientId || !c.clientSecret) throw new Error("clientId and clientSecret are required");
    this.credentials.set(c.clientId, { clientId: c.clientId, clientSecret: c.clientSecret, scopes: [...new Set(c.scopes)] });
    this.changed();
  }

  removeCredential(clientId: string): boolean {
    const removed = this.credentials.delete(clientId);
    if (removed) this.changed();
    return removed;
  }

  listCredentials(): Credential[] {
    return [...this.credentials.values()];
  }

  /** Back to the start-up condition: no clusters, the seeded owner, the initial credentials. */
  reset(): void {
    this.clusters = [];
    this.activity = [];
    this.members = seedMembers();
    this.resetCredentials();
    this.changed();
  }

  // ---- clusters ----------------------------------------------------------------------------

  /** Applies due status transitions (Creating → Healthy, …) and, with the clusterLifecycle profile, auto-pause. */
  private refresh(c: ClusterRecord): ClusterRecord {
    const now = Date.now();
    while (c.transition && now >= c.transition.at) {
      const t = c.transition;
      // A BYOK cluster whose keys came while it was still provisioning does not wait for them.
      c.status = t.to === "WaitingForInput" && c.encryptionKeys ? "Healthy" : t.to;
      c.transition = t.then ? { to: t.then.to, at: t.at + t.then.afterMs } : undefined;
      if (c.status === "Healthy") c.activeSince = t.at;
    }
    // Auto-pause (camunda-docs concepts/clusters.md): Trial clusters tagged dev, or untagged, are paused some hours
    // after they were created or resumed.
    const p = this.options.profiles;
    if (
      p.has("clusterLifecycle") &&
      c.status === "Healthy" &&
      !c.transition &&
      c.planTypeId === PLAN_TYPES[0].uuid &&
      (c.stageLabel === undefined || c.stageLabel === "dev") &&
      c.activeSince !== undefined &&
      now - c.activeSince >= p.tuning.autoPauseMs
    ) {
      c.status = "Suspended";
      c.activeSince = undefined;
    }
    return c;
  }

  listClusters(): ClusterRecord[] {
    return this.clusters.map((c) => this.refresh(c));
  }

  findCluster(id: string): ClusterRecord | undefined {
    const c = this.clusters.find((x) => x.uuid === id);
    return c ? this.refresh(c) : undefined;
  }

  getCluster(id: string, notFound = "Cluster not found"): ClusterRecord {
    const c = this.findCluster(id);
    if (!c) throw new ApiError(404, notFound);
    return c;
  }

  createCluster(input: CreateClusterInput): ClusterRecord {
    const plan = PLAN_TYPES.find((p) => p.uuid === input.planTypeId);
    if (!plan) throw new ApiError(400, "invalid clusterPlanType");
    const region = REGIONS.find((r) => r.uuid === input.regionId);
    if (!region) throw new ApiError(400, "invalid region");
    const channel = CHANNELS.find((ch) => ch.uuid === input.channelId);
    if (!channel) throw new ApiError(400, "invalid channel");
    if (!channel.allowedGenerations.some((g) => g.uuid === input.generationId)) {
      throw new ApiError(400, "invalid generation");
    }
    if (input.backupRegionId !== undefined && !(region.backups ?? []).some((b) => b.uuid === input.backupRegionId)) {
      throw new ApiError(400, "invalid backupRegion");
    }
    const max = this.options.limits.clustersPerOrg;
    if (max !== undefined && this.clusters.length >= max) throw new ApiError(400, "no reservations left");
    const provisioning = this.options.provisioningMs > 0;
    // With the clusterLifecycle profile a new cluster passes through Updating on its way to Healthy.
    const lifecycle = this.options.profiles.has("clusterLifecycle");
    const ms = this.options.provisioningMs;
    // With it too, a BYOK cluster waits for its keys (WaitingForInput) at the end of its provisioning.
    const waitsForKeys = lifecycle && input.encryption === "External";
    const transition: ClusterRecord["transition"] = !provisioning
      ? undefined
      : waitsForKeys
        ? { to: "WaitingForInput", at: Date.now() + ms }
        : lifecycle
          ? { to: "Updating", at: Date.now() + ms * 0.6, then: { to: "Healthy", afterMs: ms * 0.4 } }
          : { to: "Healthy", at: Date.now() + ms };
    const cluster: ClusterRecord = {
      uuid: randomUUID(),
      name: input.name,
      description: input.description,
      ownerId: OWNER.id,
      created: new Date().toISOString(),
      planTypeId: plan.uuid,
      regionId: region.uuid,
      channelId: channel.uuid,
      generationId: input.generationId,
      // autoUpdate is ignored (off) on non-stable channels.
      autoUpdate: channel.stable ? (input.autoUpdate ?? true) : false,
      backupRegionId: input.backupRegionId,
      encryption: input.encryption ?? "Provider",
      stageLabel: input.stageLabel,
      hardwarePackages: input.hardwarePackages ?? 1,
      status: provisioning ? "Creating" : waitsForKeys ? "WaitingForInput" : "Healthy",
      transition,
      activeSince: provisioning || waitsForKeys ? undefined : Date.now(),
      ipallowlist: [],
      clients: [],
      secrets: {},
      lingering: [],
      backups: [],
    };
    this.clusters.push(cluster);
    this.changed();
    return cluster;
  }

  updateCluster(id: string, input: UpdateClusterInput): ClusterRecord {
    const c = this.getCluster(id);
    if (input.name !== undefined) c.name = input.name;
    if (input.description !== undefined) c.description = input.description;
    if (input.numberOfAllocatedHwPackages !== undefined) c.hardwarePackages = input.numberOfAllocatedHwPackages;
    if (input.stageLabel !== undefined) c.stageLabel = input.stageLabel;
    this.changed();
    return c;
  }

  deleteCluster(id: string): void {
    const i = this.clusters.findIndex((c) => c.uuid === id);
    if (i < 0) throw new ApiError(404, "Cluster not found");
    this.clusters.splice(i, 1);
    this.changed();
  }

  /** Sets the status now, or (with `after`) passes through `status` and then becomes `then`. */
  setClusterStatus(id: string, status: ClusterStatus, then?: { to: ClusterStatus; afterMs: number }): void {
    const c = this.getCluster(id);
    c.status = status;
    c.transition = then && then.afterMs > 0 ? { to: then.to, at: Date.now() + then.afterMs } : undefined;
    if (then && then.afterMs <= 0) c.status = then.to;
    c.activeSince = c.status === "Healthy" ? Date.now() : undefined;
    this.changed();
  }

  wakeCluster(id: string): void {
    const c = this.getCluster(id);
    if (c.status === "Suspended") {
      this.setClusterStatus(id, "Resuming", { to: "Healthy", afterMs: this.options.provisioningMs });
    }
  }

  /** The name of the cluster's generation, e.g. "Camunda 8.8.x". */
  generationName(c: ClusterRecord): string {
    return CHANNELS.flatMap((ch) => ch.allowedGenerations).find((g) => g.uuid === c.generationId)?.name ?? "";
  }

  channelOf(c: ClusterRecord): ChannelSeed | undefined {
    return CHANNELS.find((ch) => ch.uuid === c.channelId);
  }

  upgradeCluster(id: string): { cluster: ClusterRecord; from: GenerationSeed; to: GenerationSeed } {
    const c = this.getCluster(id);
    if (c.status !== "Healthy") throw new ApiError(412, "cluster is not ready for upgrade");
    const gens = this.channelOf(c)?.allowedGenerations ?? [];
    const i = gens.findIndex((g) => g.uuid === c.generationId);
    if (i < 0 || i === gens.length - 1) throw new ApiError(400, "no upgrade available");
    const from = gens[i];
    const to = gens[i + 1];
    c.generationId = to.uuid;
    this.setClusterStatus(id, "Updating", { to: "Healthy", afterMs: this.options.provisioningMs });
    return { cluster: c, from, to };
  }

  setIpAllowlist(id: string, entries: IpAllowlistEntry[]): void {
    const c = this.getCluster(id);
    c.ipallowlist = entries.map((e) => ({ ip: e.ip, description: e.description }));
    this.changed();
  }

  // ---- clients -----------------------------------------------------------------------------

  createClient(clusterId: string, name: string, permissions: ClientPermission[]): { client: ClientRecord; secret: string } {
    const c = this.getCluster(clusterId);
    if (c.clients.some((x) => x.name === name)) throw new ApiError(400, "Client names must be unique");
    const max = this.options.limits.clientsPerCluster;
    if (max !== undefined && c.clients.length >= max) throw new ApiError(403, "Maximum number of clients reached");
    const secret = randomToken(64);
    const client: ClientRecord = {
      uuid: randomUUID(),
      name,
      clientId: randomToken(32),
      permissions,
      secretSha256: sha256(secret),
      created: new Date().toISOString(),
    };
    c.clients.push(client);
    this.changed();
    return { client, secret };
  }

  getClient(clusterId: string, clientId: string): { cluster: ClusterRecord; client: ClientRecord } {
    const cluster = this.getCluster(clusterId, "Cluster or client not found");
    const client = cluster.clients.find((x) => x.clientId === clientId);
    if (!client) throw new ApiError(404, "Cluster or client not found");
    return { cluster, client };
  }

  deleteClient(clusterId: string, clientId: string): void {
    const { cluster, client } = this.getClient(clusterId, clientId);
    cluster.clients = cluster.clients.filter((x) => x !== client);
    this.changed();
  }

  // ---- connector secrets -------------------------------------------------------------------

  /** name → value, including deleted secrets that still linger; `lingered` counts those. */
  getSecrets(clusterId: string): { secrets: Record<string, string>; lingered: number } {
    const c = this.getCluster(clusterId);
    const now = Date.now();
    c.lingering = c.lingering.filter((l) => l.until > now);
    const secrets: Record<string, string> = {};
    let lingered = 0;
    for (const l of c.lingering) {
      if (!(l.name in c.secrets)) {
        secrets[l.name] = l.value;
        lingered++;
      }
    }
    Object.assign(secrets, c.secrets);
    return { secrets, lingered };
  }

  createSecret(clusterId: string, name: string, value: string): void {
    const c = this.getCluster(clusterId);
    if (Object.prototype.hasOwnProperty.call(c.secrets, name)) throw new ApiError(409, "Secret names must be unique");
    const max = this.options.limits.secretsPerCluster;
    if (max !== undefined && Object.keys(c.secrets).length >= max) {
      throw new ApiError(403, "Maximum number of secrets reached");
    }
    c.secrets[name] = value;
    c.secretsCreated = { ...c.secretsCreated, [name]: Date.now() };
    c.lingering = c.lingering.filter((l) => l.name !== name);
    this.changed();
  }

  updateSecret(clusterId: string, name: string, value: string): void {
    const c = this.getCluster(clusterId);
    if (!Object.prototype.hasOwnProperty.call(c.secrets, name)) throw new ApiError(404, "Secret not found");
    c.secrets[name] = value;
    this.changed();
  }

  /** Creates or overwrites a secret without the API's checks (out-of-band change). */
  putSecret(clusterId: string, name: string, value: string): void {
    const c = this.getCluster(clusterId);
    c.secrets[name] = value;
    c.lingering = c.lingering.filter((l) => l.name !== name);
    this.changed();
  }

  /** Deletes a secret (a missing one is not an error: the spec lists no 404). Returns whether it existed. */
  deleteSecret(clusterId: string, name: string, lingerMs: number): boolean {
    const c = this.getCluster(clusterId);
    if (!Object.prototype.hasOwnProperty.call(c.secrets, name)) return false;
    const value = c.secrets[name];
    delete c.secrets[name];
    if (lingerMs > 0) c.lingering.push({ name, value, until: Date.now() + lingerMs });
    this.changed();
    return true;
  }

  // ---- backups -----------------------------------------------------------------------------

  createBackup(clusterId: string): { cluster: ClusterRecord; backup: BackupRecord } {
    const cluster = this.getCluster(clusterId);
    const gen = CHANNELS.flatMap((ch) => ch.allowedGenerations).find((g) => g.uuid === cluster.generationId);
    const now = Date.now();
    const backup: BackupRecord = {
      uuid: randomUUID(),
      name: `backup-${new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`,
      createdAt: now,
      completeAt: now + this.options.backupMs,
      generationUuid: cluster.generationId,
      generationName: gen?.name ?? "Unknown Generation",
      ...(cluster.backupsFail ? { fails: true } : {}),
    };
    cluster.backups.push(backup);
    this.changed();
    return { cluster, backup };
  }

  deleteBackup(clusterId: string, backupId: string): BackupRecord {
    const cluster = this.getCluster(clusterId);
    const backup = cluster.backups.find((b) => b.uuid === backupId);
    if (!backup) throw new ApiError(404, "Backup not found");
    cluster.backups = cluster.backups.filter((b) => b !== backup);
    this.changed();
    return backup;
  }

  /** Backups of the cluster taken from now on end Failed (or, with `fail` false, complete again). */
  failBackups(clusterId: string, fail = true): void {
    this.getCluster(clusterId).backupsFail = fail;
    this.changed();
  }

  setBackupSchedule(clusterId: string, schedule: string | undefined): void {
    const cluster = this.getCluster(clusterId);
    cluster.backupSchedule = schedule;
    this.changed();
  }

  // ---- members -----------------------------------------------------------------------------

  listMembers(): MemberRecord[] {
    return this.members;
  }

  /** Invites a new member or sets an existing member's roles. */
  upsertMember(email: string, roles: string[]): void {
    const existing = this.members.find((m) => m.email.toLowerCase() === email.toLowerCase());
    if (existing) {
      if (existing.roles.includes("owner")) {
        throw new ApiError(403, "You do not have the required permissions to perform this operation.");
      }
      existing.roles = [...roles];
    } else {
      const seats = this.options.limits.memberSeats;
      if (seats !== undefined && this.members.length >= seats) throw new ApiError(403, "no open seats left");
      this.members.push({ name: email, email, roles: [...roles], invitePending: true });
    }
    this.changed();
  }

  deleteMember(email: string): void {
    const m = this.members.find((x) => x.email.toLowerCase() === email.toLowerCase());
    if (!m) throw new ApiError(404, "specified user is not part of the organization");
    if (m.roles.includes("owner")) {
      throw new ApiError(403, "You do not have the required permissions to perform this operation.");
    }
    this.members = this.members.filter((x) => x !== m);
    this.changed();
  }

  // ---- activity (audit events) -------------------------------------------------------------------

  /** Records an audit event (what the Console's activity log shows). */
  audit(entity: string, entityId: string, auditType: ActivityRecord["auditType"], audit: string, userId: string, parent?: { entity: string; id: string }): void {
    this.activity.push({
      service: "console",
      orgId: ORG_ID,
      audit,
      auditType,
      entity,
      entityId,
      userId,
      timestamp: Date.now(),
      ...(parent ? { parentEntity: parent.entity, parentEntityId: parent.id } : {}),
    });
    if (this.activity.length > 1000) this.activity.splice(0, this.activity.length - 1000);
    this.changed();
  }

  listActivity(): ActivityRecord[] {
    return this.activity;
  }

  // ---- encryption, monitoring, secure connectivity, restore, failover ---------------------------

  setEncryptionKeys(clusterId: string, primary: string, secondary: string | undefined): ClusterRecord {
    const c = this.getCluster(clusterId);
    if (c.encryption !== "External") throw new ApiError(409, "Cluster is not configured for external encryption");
    const region = REGIONS.find((r) => r.uuid === c.regionId);
    if (region?.provider !== "aws") throw new ApiError(403, "External encryption not available for this org/region");
    const arn = /^arn:aws:kms:([a-z0-9-]+):\d{12}:key\/(mrk-)?[0-9a-f-]+$/;
    const m = arn.exec(primary);
    if (!m) throw new ApiError(400, "primaryEncryptionKeyId is not a well-formed AWS KMS key ARN");
    const code = /\(([^)]+)\)\s*$/.exec(region.name)?.[1];
    if (m[1] !== code) throw new ApiError(400, `primaryEncryptionKeyId is in region ${m[1]}, the cluster in ${code}`);
    const dual = c.backupRegionId !== undefined;
    if (dual && secondary === undefined) throw new ApiError(400, "secondaryEncryptionKeyId is required for a dual-region cluster");
    if (!dual && secondary !== undefined) throw new ApiError(400, "secondaryEncryptionKeyId must be omitted for a single-region cluster");
    if (secondary !== undefined && (!arn.test(secondary) || secondary === primary)) {
      throw new ApiError(400, "secondaryEncryptionKeyId must be a well-formed AWS KMS key ARN, other than the primary key");
    }
    c.encryptionKeys = { primary, ...(secondary ? { secondary } : {}) };
    this.changed();
    // A cluster that waited for its keys goes on provisioning.
    if (c.status === "WaitingForInput") this.setClusterStatus(clusterId, "Updating", { to: "Healthy", afterMs: this.options.provisioningMs });
    return c;
  }

  setMonitoring(clusterId: string, active: boolean): void {
    const c = this.getCluster(clusterId);
    const now = c.monitoring?.active ?? false;
    if (now === active) throw new ApiError(409, active ? "External Monitoring already activated" : "External Monitoring not activated");
    c.monitoring = { active, clients: c.monitoring?.clients ?? [] };
    this.changed();
  }

  createMonitoringClient(clusterId: string, username: string): { client: NonNullable<ClusterRecord["monitoring"]>["clients"][number]; password: string } {
    const c = this.getCluster(clusterId);
    c.monitoring ??= { active: false, clients: [] };
    const password = randomToken(40);
    const client = { uuid: randomUUID(), name: username, username, created: new Date().toISOString(), passwordSha256: sha256(password) };
    c.monitoring.clients.push(client);
    this.changed();
    return { client, password };
  }

  rotateMonitoringClient(clusterId: string, uuid: string): { client: NonNullable<ClusterRecord["monitoring"]>["clients"][number]; password: string } {
    const c = this.getCluster(clusterId);
    const client = c.monitoring?.clients.find((x) => x.uuid === uuid);
    if (!client) throw new ApiError(404, "Client not found");
    const password = randomToken(40);
    client.passwordSha256 = sha256(password);
    this.changed();
    return { client, password };
  }

  deleteMonitoringClient(clusterId: string, uuid: string): void {
    const c = this.getCluster(clusterId);
    if (!c.monitoring?.clients.some((x) => x.uuid === uuid)) throw new ApiError(404, "Client not found");
    c.monitoring.clients = c.monitoring.clients.filter((x) => x.uuid !== uuid);
    this.changed();
  }

  setSecureConnectivity(clusterId: string, spec: { allowedPrincipals: string[]; allowedRegions: string[] } | undefined): void {
    const c = this.getCluster(clusterId);
    if (spec && c.secureConnectivity) throw new ApiError(409, "Secure Connectivity already activated");
    if (!spec && !c.secureConnectivity) throw new ApiError(409, "Secure Connectivity not activated");
    c.secureConnectivity = spec ? { allowedPrincipals: [...spec.allowedPrincipals], allowedRegions: [...spec.allowedRegions] } : undefined;
    this.changed();
  }

  restoreBackup(clusterId: string, backupId: string): NonNullable<ClusterRecord["restores"]>[string] {
    const c = this.getCluster(clusterId, "Cluster or backup not found");
    if (!c.backups.some((b) => b.uuid === backupId)) throw new ApiError(404, "Cluster or backup not found");
    const running = c.restores?.[backupId];
    if (running && running.state !== "COMPLETED" && running.state !== "FAILED" && running.state !== "ABORTED") {
      throw new ApiError(409, "A restore of this backup is already in flight");
    }
    const restore = { uuid: randomUUID(), state: "COMPLETED", startTimestamp: new Date().toISOString(), completionTimestamp: new Date().toISOString() };
    c.restores = { ...c.restores, [backupId]: restore };
    this.changed();
    return restore;
  }

  failover(clusterId: string, backupIds: string[], restoreBackupId: string): { newClusterId: string } {
    const c = this.getCluster(clusterId, "Cluster or one of the backupIds not found");
    if (backupIds.length === 0 || !backupIds.includes(restoreBackupId)) throw new ApiError(400, "restoreBackupId must be one of the backupIds");
    for (const id of backupIds) if (!c.backups.some((b) => b.uuid === id)) throw new ApiError(404, `Backup ${id} not found`);
    if (c.failedOver) throw new ApiError(409, "Cluster has already been failed over");
    if (c.backupRegionId === undefined) throw new ApiError(422, "Cluster is not a multi-region cluster");
    const region = REGIONS.find((r) => r.backups?.some((b) => b.uuid === c.backupRegionId));
    const created = this.createCluster({
      name: `${c.name}-failover`,
      planTypeId: c.planTypeId,
      channelId: c.channelId,
      generationId: c.generationId,
      regionId: region?.uuid ?? c.regionId,
    });
    c.failedOver = true;
    c.status = "Suspended";
    c.transition = undefined;
    this.changed();
    return { newClusterId: created.uuid };
  }

  // ---- persistence -------------------------------------------------------------------------

  private toPersisted(): PersistedState {
    return {
      version: 1,
      clusters: this.clusters,
      members: this.members,
      activity: this.activity,
      credentials: this.listCredentials(),
    };
  }

  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    let parsed: PersistedState;
    try {
      parsed = persistedState.parse(JSON.parse(text));
    } catch (e) {
      throw new Error(`Cannot load emulator state file ${file}: ${(e as Error).message}`);
    }
    this.clusters = parsed.clusters;
    this.members = parsed.members;
    this.activity = parsed.activity ?? [];
    for (const c of parsed.credentials) this.credentials.set(c.clientId, c);
  }

  /** Writes the state file atomically (temp file in the same directory, then rename). */
  private changed(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      fs.writeFileSync(tmp, JSON.stringify(this.toPersisted(), null, 2) + "\n", { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }
}
