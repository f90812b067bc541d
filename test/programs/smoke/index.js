"use strict";
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const provider = {
  async create(inputs) {
    return { id: `thing-${inputs.size}`, outs: { size: inputs.size, token: inputs.token } };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: { size: news.size, token: news.token } };
  },
  async delete() {},
};

class Thing extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, args, opts);
  }
}

const thing = new Thing("thing", { size: config.getNumber("size") ?? 1, token: config.requireSecret("token") });
exports.thingId = thing.id;
exports.token = thing.token;
