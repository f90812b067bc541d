/**
 * Quickstart: a cluster, two API clients, an IP allowlist and two connector secrets. The demo (`npm run demo`) runs
 * this program against the local Console API emulator; point the `camunda:*` config at the real Console API to run
 * it for real.
 */
import * as pulumi from "@pulumi/pulumi";
import * as camunda from "pulumi-camunda";

const config = new pulumi.Config();
const prefix = config.get("prefix") ?? "orders";

const cluster = new camunda.Cluster("dev", {
  name: `${prefix}-dev`,
  region: config.get("region") ?? "Belgium, Europe (europe-west1)",
  plan: config.get("plan") ?? "Trial Cluster",
  channel: "Stable",
  description: "Order processing, development",
  stageLabel: "dev",
});

const worker = new camunda.ZeebeClient("worker", {
  clusterId: cluster.id,
  name: `${prefix}-worker`,
  permissions: ["Zeebe", "Tasklist"],
});

const ci = new camunda.ZeebeClient("ci", {
  clusterId: cluster.id,
  name: `${prefix}-ci`,
});

new camunda.IpAllowlist("office", {
  clusterId: cluster.id,
  entries: [
    { ip: "203.0.113.0/24", description: "office" },
    { ip: "198.51.100.7", description: "VPN egress" },
  ],
});

new camunda.ConnectorSecret("slack", {
  clusterId: cluster.id,
  name: "SLACK_TOKEN",
  value: config.getSecret("slackToken") ?? pulumi.secret("xoxb-demo-slack-token"),
});

new camunda.ConnectorSecret("github", {
  clusterId: cluster.id,
  name: "GITHUB_TOKEN",
  value: config.getSecret("githubToken") ?? pulumi.secret("ghp_demoGithubToken"),
});

export const clusterId = cluster.id;
export const clusterStatus = cluster.status;
export const zeebeAddress = cluster.zeebeAddress;
export const operateUrl = cluster.links.apply((l) => l.operate);
export const workerClientId = worker.clientId;
export const ciClientId = ci.clientId;
/** The worker's connection bundle (a secret): `pulumi stack output workerEnv --show-secrets`. */
export const workerEnv = worker.env;
