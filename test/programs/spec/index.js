"use strict";
// Declares resources from the JSON stack config `spec`:
//   { cluster?: ClusterArgs, existingClusterId?: string, clients?: ZeebeClientArgs-without-clusterId[],
//     allowlist?: entries[], allowlists?: { resourceName, entries }[],
//     secrets?: { name, secretConfigKey | plainValue, resourceName?, adoptExisting? }[], getClient?: "<clusterId>/<clientId>",
//     importClusterId?: string (a Cluster with the `import` option), unknownElements?: true (list elements that are
//     whole Outputs, unknown at preview) }
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
    // plainValue: a plain string computed by the program (here: the config text reversed, so that the value itself
    // is in no config), as a program that does not use Pulumi secrets passes one.
    value: s.plainValue !== undefined ? [...s.plainValue].reverse().join("") : config.requireSecret(s.secretConfigKey),
    ...(s.adoptExisting !== undefined ? { adoptExisting: s.adoptExisting } : {}),
  });
}
if (spec.importClusterId) {
  new camunda.Cluster("imported", { name: "imported", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster" }, { import: spec.importClusterId });
}
if (spec.unknownElements && cluster) {
  // Each list element is a whole Output of a resource not created yet: unknown during the preview.
  new camunda.ZeebeClient("unknown-permissions", { clusterId, name: "late", permissions: [cluster.id.apply(() => "Zeebe")] });
  new camunda.IpAllowlist("unknown-entries", { clusterId, entries: [cluster.id.apply(() => ({ ip: "192.0.2.1", description: "late" }))] });
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
