/**
 * pulumi-camunda: Camunda 8 SaaS clusters, API clients, IP allowlists and connector secrets as Pulumi resources.
 *
 * ```ts
 * import * as camunda from "pulumi-camunda";
 * const cluster = new camunda.Cluster("dev", { name: "orders-dev", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster" });
 * ```
 */
export { Cluster } from "./cluster";
export { ZeebeClient } from "./zeebe-client";
export { IpAllowlist } from "./ip-allowlist";
export { ConnectorSecret } from "./connector-secret";
export { ClusterEncryption } from "./cluster-encryption";
export { SecureConnectivity } from "./secure-connectivity";
export { MonitoringClient } from "./monitoring-client";
export { ExternalMonitoring } from "./external-monitoring";
export { Backup } from "./backup";
export { BackupSchedule } from "./backup-schedule";
export { Member } from "./member";
export type {
  ClusterArgs,
  ZeebeClientArgs,
  IpAllowlistArgs,
  IpAllowlistEntryArgs,
  ConnectorSecretArgs,
  ClusterStage,
  ClientPermission,
  MemberArgs,
  MemberRole,
  BackupScheduleArgs,
  BackupArgs,
  ExternalMonitoringArgs,
  MonitoringClientArgs,
  SecureConnectivityArgs,
  ClusterEncryptionArgs,
} from "./args";
export { getClusterParameters, getRegion, getPlanType, getChannel } from "./parameters";
export type { ClusterParameters, NamedItem } from "./parameters";
export { getIpRanges, getActivity, getCluster } from "./lookups";
export type { ActivityEvent, ActivityFilter, ClusterInfo, IpRanges } from "./lookups";
