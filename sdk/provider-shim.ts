/**
 * The dynamic-provider objects Pulumi serializes into every resource's state. Each method only captures the
 * resource kind (a short string) and loads the real implementation by package name when it runs, so the
 * serialized closure stays a few hundred bytes, holds no credentials, and refresh/destroy run the installed
 * provider code rather than code frozen in state.
 */
import type * as pulumi from "@pulumi/pulumi";

import type { ProviderKind as Kind } from "../provider/resources";

export function shim(kind: Kind): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require("pulumi-camunda/provider").providers[kind].configure(req);
    },
    async check(olds, news) {
      return require("pulumi-camunda/provider").providers[kind].check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-camunda/provider").providers[kind].diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-camunda/provider").providers[kind].create(inputs);
    },
    async read(id, props) {
      return require("pulumi-camunda/provider").providers[kind].read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-camunda/provider").providers[kind].update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-camunda/provider").providers[kind].delete(id, props);
    },
  };
}
