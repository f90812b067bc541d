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
export type {
  ClusterArgs,
  ZeebeClientArgs,
  IpAllowlistArgs,
  IpAllowlistEntryArgs,
  ConnectorSecretArgs,
  ClusterStage,
  ClientPermission,
} from "./args";
export { getClusterParameters, getRegion, getPlanType, getChannel } from "./parameters";
export type { ClusterParameters, NamedItem } from "./parameters";
