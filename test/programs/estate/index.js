"use strict";
// Declares the estate from the JSON stack config `spec`:
//   { cluster: ClusterArgs, members?: MemberArgs[], backupSchedule?: { schedule, adoptExisting? },
//     backups?: { resourceName, trigger? }[], monitoring?: { adoptExisting? }, monitoringClients?: { username, rotation? }[],
//     secureConnectivity?: { allowedPrincipals, allowedRegions? }, encryption?: { primaryKeyArn, secondaryKeyArn? },
//     lookups?: true (exports getIpRanges() and getCluster({ name }) of the cluster) }
const pulumi = require("@pulumi/pulumi");
const camunda = require("pulumi-camunda");

const spec = new pulumi.Config().requireObject("spec");
const cluster = new camunda.Cluster("cluster", spec.cluster);
const clusterId = cluster.id;

// The keys first: a BYOK cluster becomes Healthy only once they are set, so the rest depends on them.
const encryption = spec.encryption ? new camunda.ClusterEncryption("encryption", { clusterId, ...spec.encryption }) : undefined;
const after = encryption ? { dependsOn: [encryption] } : {};

const members = (spec.members ?? []).map((m, i) => new camunda.Member(`member-${i}`, m));
if (spec.backupSchedule) new camunda.BackupSchedule("schedule", { clusterId, ...spec.backupSchedule }, after);
const backups = (spec.backups ?? []).map((b) => new camunda.Backup(b.resourceName, { clusterId, ...(b.trigger ? { trigger: b.trigger } : {}) }, after));
const monitoring = spec.monitoring ? new camunda.ExternalMonitoring("monitoring", { clusterId, ...spec.monitoring }, after) : undefined;
const monitoringClients = (spec.monitoringClients ?? []).map(
  (c) => new camunda.MonitoringClient(`monitoring-${c.username}`, { clusterId, ...c }, { dependsOn: monitoring ? [monitoring] : [] }),
);
const connectivity = spec.secureConnectivity ? new camunda.SecureConnectivity("connectivity", { clusterId, ...spec.secureConnectivity }, after) : undefined;

exports.clusterId = clusterId;
exports.clusterStatus = cluster.status;
exports.generationName = cluster.generationName;
exports.encryptionStatus = encryption?.status;
exports.members = members.map((m) => ({ email: m.email, roles: m.roles, invitePending: m.invitePending }));
exports.backups = backups.map((b) => ({ backupId: b.backupId, status: b.status }));
exports.metricsEndpoint = monitoring?.metricsEndpoint;
exports.monitoringPassword = monitoringClients[0]?.password;
exports.connectivity = connectivity ? { serviceName: connectivity.serviceName, allowedPrincipals: connectivity.allowedPrincipals } : undefined;
if (spec.lookups) {
  exports.ipRanges = camunda.getIpRanges();
  // Only once the cluster exists (its id is unknown at the first preview).
  exports.clusterByName = clusterId.apply(async () => (await camunda.getCluster({ name: spec.cluster.name })).id);
}
