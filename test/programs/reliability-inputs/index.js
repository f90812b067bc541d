"use strict";
// Declares the resources listed in the JSON stack config `resources`, passing their arguments through untouched
// (wrong types included), so that tests can check how each bad input is reported at `preview`:
//   [{ kind: "Cluster" | "ZeebeClient" | "IpAllowlist" | "ConnectorSecret", name: "<resource name>", args: {...} }]
const pulumi = require("@pulumi/pulumi");
const camunda = require("pulumi-camunda");

const config = new pulumi.Config();
const resources = config.getObject("resources") ?? [];

for (const r of resources) {
  const Kind = camunda[r.kind];
  if (typeof Kind !== "function") throw new Error(`unknown resource kind ${JSON.stringify(r.kind)}`);
  new Kind(r.name, r.args ?? {});
}
exports.count = resources.length;
