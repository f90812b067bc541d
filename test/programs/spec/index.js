"use strict";
// Declares resources from the JSON stack config `spec`:
//   { cluster?: ClusterArgs, existingClusterId?: string, clients?: ZeebeClientArgs-without-clusterId[],
//     allowlist?: entries[], allowlists?: { resourceName, entries }[],
//     secrets?: { name, secretConfigKey, resourceName?, adoptExisting? }[], getClient?: "<clusterId>/<clientId>" }
// Secret values come from secret stack config keys so they never appear in the program text.
const pulumi = require("@pulumi/pulumi");
const camunda = require("pulumi-camunda");

const config = new pulumi.Config();
const spec = config.requireObject("spec");

const cluster = spec.existingClusterId
  ? camunda.Cluster.get("cluster", spec.existingClusterId)
  : spec.cluster
    ? new camunda.Cluster("cluster", spec.cluster)
    : undefined;
const clusterId = cluster ? cluster.id : spec.clusterId;

const clients = {};
for (const c of spec.clients ?? []) {
  clients[c.name] = new camunda.ZeebeClient(c.resourceName ?? c.name, {
    clusterId: c.clusterId ?? clusterId,
    name: c.name,
    ...(c.permissions ? { permissions: c.permissions } : {}),
  });
}
if (spec.allowlist) {
  new camunda.IpAllowlist("allowlist", { clusterId, entries: spec.allowlist });
}
for (const a of spec.allowlists ?? []) {
  new camunda.IpAllowlist(a.resourceName, { clusterId, entries: a.entries });
}
const secrets = {};
for (const s of spec.secrets ?? []) {
  secrets[s.resourceName ?? s.name] = new camunda.ConnectorSecret(s.resourceName ?? `secret-${s.name}`, {
    clusterId,
    name: s.name,
    value: config.requireSecret(s.secretConfigKey),
    ...(s.adoptExisting !== undefined ? { adoptExisting: s.adoptExisting } : {}),
  });
}
if (spec.getClient) {
  const got = camunda.ZeebeClient.get("got-client", spec.getClient);
  exports.gotClientName = got.name;
  exports.gotClientEnv = got.env;
}

if (cluster) {
  exports.clusterId = cluster.id;
  exports.clusterName = cluster.name;
  exports.clusterStatus = cluster.status;
  exports.zeebeAddress = cluster.zeebeAddress;
  exports.links = cluster.links;
  exports.regionName = cluster.regionName;
  exports.planTypeName = cluster.planTypeName;
  exports.generationName = cluster.generationName;
}
exports.clients = Object.fromEntries(
  Object.entries(clients).map(([name, c]) => [
    name,
    { clientId: c.clientId, clientSecret: c.clientSecret, env: c.env, permissions: c.permissions, audience: c.audience },
  ]),
);
exports.secretValues = Object.fromEntries(Object.entries(secrets).map(([n, s]) => [n, s.value]));
