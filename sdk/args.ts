/**
 * Argument types of the resources. The zod schemas in provider/resources/inputs.ts validate them; the type
 * assertions at the bottom fail the build if the two ever disagree on a field.
 */
import type * as pulumi from "@pulumi/pulumi";
import type {
  BackupInputs,
  BackupScheduleInputs,
  ClusterEncryptionInputs,
  ExternalMonitoringInputs,
  MemberInputs,
  MonitoringClientInputs,
  SecureConnectivityInputs,
  ClientPermission,
  ClusterInputs,
  ConnectorSecretInputs,
  IpAllowlistInputs,
  ZeebeClientInputs,
} from "../provider/resources/inputs";

export type ClusterStage = "dev" | "test" | "stage" | "prod";
export type { ClientPermission };

export interface ClusterArgs {
  /** The cluster's name, 1 to 50 characters. Changing it renames the cluster in place. */
  name: pulumi.Input<string>;
  /** A region's name (e.g. "Belgium, Europe (europe-west1)") or uuid. Changing it replaces the cluster. */
  region: pulumi.Input<string>;
  /** A plan type's name (e.g. "Trial Cluster") or uuid. Changing it replaces the cluster. */
  plan: pulumi.Input<string>;
  /** A channel's name or uuid; default "Stable". Changing it replaces the cluster. */
  channel?: pulumi.Input<string>;
  /** A generation's name or uuid; default: the channel's default generation. Replaces only when autoUpdate is false. */
  generation?: pulumi.Input<string>;
  /** Let Camunda update the cluster to new versions; default true. Changing it replaces the cluster. */
  autoUpdate?: pulumi.Input<boolean>;
  /** Up to 150 characters; updated in place. */
  description?: pulumi.Input<string>;
  /** dev, test, stage or prod; updated in place. Dev and trial clusters without a label may be suspended when idle. */
  stageLabel?: pulumi.Input<ClusterStage>;
  /**
   * The number of hardware packages allocated to the cluster (its size); updated in place. Only for plans that offer
   * it (Advanced, on request).
   */
  hardwarePackages?: pulumi.Input<number>;
  /**
   * How the cluster's data is encrypted: "Provider" (the Console's default), "Software", "Hardware", or "External"
   * (your own AWS KMS keys, set with a ClusterEncryption resource). Changing it replaces the cluster.
   */
  encryption?: pulumi.Input<"Software" | "Hardware" | "Provider" | "External">;
  /** How long `create` waits for the cluster to become Healthy; default 30 minutes. */
  waitTimeoutMinutes?: pulumi.Input<number>;
}

export interface ZeebeClientArgs {
  /** The cluster's id, e.g. `cluster.id`. Changing it replaces the client. */
  clusterId: pulumi.Input<string>;
  /** 1 to 50 characters without spaces, unique in the cluster. Changing it replaces the client. */
  name: pulumi.Input<string>;
  /** Any of Zeebe, Operate, Tasklist, Optimize, Secrets; default all. Changing them replaces the client. */
  permissions?: pulumi.Input<pulumi.Input<ClientPermission>[]>;
}

export interface IpAllowlistEntryArgs {
  /** An IPv4/IPv6 address or CIDR block, e.g. "203.0.113.0/24". */
  ip: pulumi.Input<string>;
  description?: pulumi.Input<string>;
}

export interface IpAllowlistArgs {
  /** The cluster's id. One IpAllowlist manages a cluster's whole list; destroying it clears the list. */
  clusterId: pulumi.Input<string>;
  entries: pulumi.Input<pulumi.Input<IpAllowlistEntryArgs>[]>;
}

export interface ConnectorSecretArgs {
  clusterId: pulumi.Input<string>;
  /** Letters, digits, `_` and `-`, at most 49 characters. Changing it replaces the secret. */
  name: pulumi.Input<string>;
  /** The value; always stored as a Pulumi secret. Changing it updates the secret in place. */
  value: pulumi.Input<string>;
  /**
   * Take over a secret of this name that already exists on the cluster (made by hand or by another tool): its value
   * is overwritten and destroying this resource deletes it. Default false: such a secret makes the create fail.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

export type MemberRole = "admin" | "operationsengineer" | "taskuser" | "analyst" | "developer" | "visitor" | "modeler";

export interface MemberArgs {
  /** The member's e-mail address: they are invited to the organization. Changing it replaces the member. */
  email: pulumi.Input<string>;
  /** Their roles, updated in place. Since 8.8 operationsengineer, taskuser, developer and visitor are no longer recommended. */
  roles: pulumi.Input<pulumi.Input<MemberRole>[]>;
  /** Take over a person who is a member already (their roles are then set as declared, and destroy removes them). */
  adoptExisting?: pulumi.Input<boolean>;
}

export interface BackupScheduleArgs {
  clusterId: pulumi.Input<string>;
  /** A five-field cron expression in UTC, at most every 15 minutes, e.g. "0 2 * * *" (daily at 02:00). In place. */
  schedule: pulumi.Input<string>;
  /** Take over a schedule the cluster has already. */
  adoptExisting?: pulumi.Input<boolean>;
}

export interface BackupArgs {
  clusterId: pulumi.Input<string>;
  /** Changing it takes a new backup (and deletes this one), e.g. the release about to be deployed. */
  trigger?: pulumi.Input<string>;
  /** How long the create waits for the backup to complete; default 60 minutes. */
  waitTimeoutMinutes?: pulumi.Input<number>;
}

export interface ExternalMonitoringArgs {
  clusterId: pulumi.Input<string>;
  /** Take over external monitoring that is on already. */
  adoptExisting?: pulumi.Input<boolean>;
}

export interface MonitoringClientArgs {
  clusterId: pulumi.Input<string>;
  /** 1 to 64 letters, digits, dots, dashes or underscores. Changing it replaces the client. */
  username: pulumi.Input<string>;
  /** Changing it rotates the password in place, e.g. "2026-q4". */
  rotation?: pulumi.Input<string>;
}

export interface SecureConnectivityArgs {
  clusterId: pulumi.Input<string>;
  /** AWS account ids or IAM principal ARNs allowed to connect. Changing them replaces the connectivity. */
  allowedPrincipals: pulumi.Input<pulumi.Input<string>[]>;
  /** AWS regions to connect from, e.g. "eu-central-1". Changing them replaces the connectivity. */
  allowedRegions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over secure connectivity that is active already. */
  adoptExisting?: pulumi.Input<boolean>;
}

export interface ClusterEncryptionArgs {
  /** A cluster created with `encryption: "External"` in an AWS region. */
  clusterId: pulumi.Input<string>;
  /** The AWS KMS key ARN of the cluster's region; rotated in place. */
  primaryKeyArn: pulumi.Input<string>;
  /** The backup region's key, for a dual-region cluster only (it must differ from the primary). */
  secondaryKeyArn?: pulumi.Input<string>;
  /**
   * Keys someone else supplied already (the cluster is no longer waiting for them) are taken over, and rotated to the
   * declared ones, only with `true`; otherwise the create fails and leaves them. Default false.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const assertKeys = <T extends true>(): T | undefined => undefined;
void assertKeys<SameKeys<ClusterArgs, ClusterInputs>>();
void assertKeys<SameKeys<ZeebeClientArgs, ZeebeClientInputs>>();
void assertKeys<SameKeys<IpAllowlistArgs, IpAllowlistInputs>>();
void assertKeys<SameKeys<ConnectorSecretArgs, ConnectorSecretInputs>>();
void assertKeys<SameKeys<MemberArgs, MemberInputs>>();
void assertKeys<SameKeys<BackupScheduleArgs, BackupScheduleInputs>>();
void assertKeys<SameKeys<BackupArgs, BackupInputs>>();
void assertKeys<SameKeys<ExternalMonitoringArgs, ExternalMonitoringInputs>>();
void assertKeys<SameKeys<MonitoringClientArgs, MonitoringClientInputs>>();
void assertKeys<SameKeys<SecureConnectivityArgs, SecureConnectivityInputs>>();
void assertKeys<SameKeys<ClusterEncryptionArgs, ClusterEncryptionInputs>>();
