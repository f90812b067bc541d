/**
 * Multi-environment GitOps: one program, one stack per environment (dev, stage, prod), everything driven by the
 * stack's config. Example `Pulumi.prod.yaml`:
 *
 *   config:
 *     camunda-envs:plan: "Standard"
 *     camunda-envs:region: "Belgium, Europe (europe-west1)"
 *     camunda-envs:clients: ["payments-worker", "billing-worker"]
 *     camunda-envs:allowlist: [{ "ip": "203.0.113.0/24", "description": "office" }]
 *     camunda-envs:secrets: { "SLACK_TOKEN": "..." }     # set with `pulumi config set --secret --path`
 */
import * as pulumi from "@pulumi/pulumi";
import * as camunda from "pulumi-camunda";

const config = new pulumi.Config();
const env = pulumi.getStack();
const stage = (["dev", "test", "stage", "prod"] as const).find((s) => s === env) ?? "dev";

const cluster = new camunda.Cluster(`cluster-${env}`, {
  name: config.get("clusterName") ?? `payments-${env}`,
  region: config.require("region"),
  plan: config.require("plan"),
  channel: config.get("channel") ?? "Stable",
  autoUpdate: config.getBoolean("autoUpdate") ?? true,
  stageLabel: stage,
  description: `Payments, ${env}`,
});

const clients = (config.getObject<string[]>("clients") ?? []).map(
  (name) => new camunda.ZeebeClient(name, { clusterId: cluster.id, name: `${name}-${env}`, permissions: ["Zeebe"] }),
);

const allowlist = config.getObject<{ ip: string; description?: string }[]>("allowlist");
if (allowlist?.length) {
  new camunda.IpAllowlist(`allowlist-${env}`, { clusterId: cluster.id, entries: allowlist });
}

const secrets = config.getSecretObject<Record<string, string>>("secrets");
if (secrets) {
  // The names are known up front from the (decrypted) config object's keys only inside apply; declare them from a
  // plain list so that Pulumi sees every resource during preview.
  for (const name of config.getObject<string[]>("secretNames") ?? []) {
    new camunda.ConnectorSecret(`secret-${name}`, {
      clusterId: cluster.id,
      name,
      value: secrets.apply((s) => s[name] ?? ""),
    });
  }
}

export const clusterId = cluster.id;
export const zeebeAddress = cluster.zeebeAddress;
export const clientBundles = pulumi.secret(
  pulumi.all(clients.map((c) => pulumi.all([c.name, c.env]))).apply((pairs) => Object.fromEntries(pairs)),
);
