/**
 * Attach API clients and secrets to a cluster made elsewhere (in the Console or another stack): `Cluster.get`
 * reads it without managing it, so destroying this stack leaves the cluster alone.
 *
 *   pulumi config set clusterId <uuid>
 */
import * as pulumi from "@pulumi/pulumi";
import * as camunda from "pulumi-camunda";

const config = new pulumi.Config();
const cluster = camunda.Cluster.get("existing", config.require("clusterId"));

const reporting = new camunda.ZeebeClient("reporting", {
  clusterId: cluster.id,
  name: config.get("clientName") ?? "reporting",
  permissions: ["Operate", "Optimize"],
});

export const clusterName = cluster.name;
export const clusterStatus = cluster.status;
export const reportingClientId = reporting.clientId;
export const reportingEnv = reporting.env;
