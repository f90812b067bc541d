"use strict";
// Benchmark stack (npm run bench): config `size` resources in all - one Cluster, one IpAllowlist, and ZeebeClients and
// ConnectorSecrets making up the rest. Config `rev` and `changed`: the first `changed` secrets get revision `rev` in
// their value (the bench's "update a tenth of the resources" step). Secret values derive from the secret config `seed`.
// With BENCH_TIMELINE_FILE set, the program records when each resource is done (see shape.js).
const pulumi = require("@pulumi/pulumi");
const camunda = require("pulumi-camunda");
const { shape, secretValue, timeline } = require("./shape");

const config = new pulumi.Config();
const size = config.requireNumber("size");
const rev = config.getNumber("rev") ?? 0;
const changed = config.getNumber("changed") ?? 0;
const seed = config.requireSecret("seed");
const s = shape(size);
const mark = timeline();

const cluster = mark("cluster", new camunda.Cluster("cluster", {
  name: `bench-${size}`,
  region: "Belgium, Europe (europe-west1)",
  plan: "Trial Cluster",
  stageLabel: "dev",
}));

mark("dependent", new camunda.IpAllowlist("allowlist", {
  clusterId: cluster.id,
  entries: [
    { ip: "203.0.113.0/24", description: "office" },
    { ip: "198.51.100.7", description: "ci" },
  ],
}));

for (let i = 0; i < s.clients; i++) {
  mark("dependent", new camunda.ZeebeClient(`client-${i}`, {
    clusterId: cluster.id,
    name: `worker-${i}`,
    permissions: i % 2 === 0 ? ["Zeebe"] : ["Zeebe", "Tasklist"],
  }));
}

for (let i = 0; i < s.secrets; i++) {
  mark("dependent", new camunda.ConnectorSecret(`secret-${i}`, {
    clusterId: cluster.id,
    name: `SECRET_${i}`,
    value: seed.apply((v) => secretValue(v, i, rev, changed)),
  }));
}

exports.clusterId = cluster.id;
exports.status = cluster.status;
