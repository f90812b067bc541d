"use strict";
// Engine floor of the benchmark (npm run bench): the stack shape of test/programs/bench made of do-nothing dynamic
// resources (one provider object per kind, as the real SDK has) whose every method returns at once.
// With BENCH_TIMELINE_FILE set, the program records when each resource is done (see shape.js).
const pulumi = require("@pulumi/pulumi");
const { shape, secretValue, timeline } = require("./shape");

function nothing(kind) {
  return {
    async create(inputs) {
      return { id: `${kind}-${Math.random().toString(16).slice(2, 14)}`, outs: inputs };
    },
    async read(id, props) {
      return { id, props };
    },
    async update(_id, _olds, news) {
      return { outs: news };
    },
    async delete() {},
  };
}

const providers = {
  cluster: nothing("cluster"),
  allowlist: nothing("allowlist"),
  client: nothing("client"),
  secret: nothing("secret"),
};

class Nothing extends pulumi.dynamic.Resource {
  constructor(kind, name, args, opts) {
    super(providers[kind], name, args, opts);
  }
}

const config = new pulumi.Config();
const size = config.requireNumber("size");
const rev = config.getNumber("rev") ?? 0;
const changed = config.getNumber("changed") ?? 0;
const seed = config.requireSecret("seed");
const s = shape(size);
const mark = timeline();

const cluster = mark("cluster", new Nothing("cluster", "cluster", {
  name: `bench-${size}`,
  region: "Belgium, Europe (europe-west1)",
  plan: "Trial Cluster",
  stageLabel: "dev",
}));
mark("dependent", new Nothing("allowlist", "allowlist", {
  clusterId: cluster.id,
  entries: [
    { ip: "203.0.113.0/24", description: "office" },
    { ip: "198.51.100.7", description: "ci" },
  ],
}));
for (let i = 0; i < s.clients; i++) {
  mark("dependent", new Nothing("client", `client-${i}`, {
    clusterId: cluster.id,
    name: `worker-${i}`,
    permissions: i % 2 === 0 ? ["Zeebe"] : ["Zeebe", "Tasklist"],
  }));
}
for (let i = 0; i < s.secrets; i++) {
  mark("dependent", new Nothing("secret", `secret-${i}`, {
    clusterId: cluster.id,
    name: `SECRET_${i}`,
    value: seed.apply((v) => secretValue(v, i, rev, changed)),
  }));
}

exports.clusterId = cluster.id;
