import * as pulumi from "@pulumi/pulumi";
import type { IpAllowlistArgs } from "./args";
import { resourceProps } from "./outputs";
import ipAllowlistShim = require("./shims/ip-allowlist");

const ALLOWLIST_OUTPUTS = ["clusterId", "entries"] as const;

/**
 * The whole IP allowlist of a cluster. Changes update it in place; destroying it clears the list (the cluster
 * then accepts connections from anywhere again). Use one IpAllowlist per cluster.
 *
 * Read an existing list with `IpAllowlist.get(name, clusterId)`.
 */
export class IpAllowlist extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly entries: pulumi.Output<{ ip: string; description: string }[]>;

  constructor(name: string, args: IpAllowlistArgs, opts?: pulumi.CustomResourceOptions) {
    super(ipAllowlistShim, name, resourceProps("IpAllowlist", name, args, ALLOWLIST_OUTPUTS, opts), opts, "camunda", "IpAllowlist");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): IpAllowlist {
    return new IpAllowlist(name, {} as IpAllowlistArgs, { ...opts, id });
  }
}
