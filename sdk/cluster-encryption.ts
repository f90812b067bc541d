import * as pulumi from "@pulumi/pulumi";
import type { ClusterEncryptionArgs } from "./args";
import { resourceProps } from "./outputs";
import clusterEncryptionShim = require("./shims/cluster-encryption");

const OUTPUTS = ["clusterId", "primaryKeyArn", "secondaryKeyArn", "status"] as const;

/**
 * The customer-managed AWS KMS keys of a BYOK cluster (`encryption: "External"`), set and rotated in place; the
 * preconditions are checked at preview. The API cannot remove keys: destroying the resource leaves them.
 *
 * Id: the cluster's uuid. Read an existing one with `ClusterEncryption.get(name, id)`.
 */
export class ClusterEncryption extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly primaryKeyArn: pulumi.Output<string>;
  declare public readonly secondaryKeyArn: pulumi.Output<string>;
  declare public readonly status: pulumi.Output<string>;

  constructor(name: string, args: ClusterEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(clusterEncryptionShim, name, resourceProps("ClusterEncryption", name, args, OUTPUTS, opts), opts, "camunda", "ClusterEncryption");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ClusterEncryption {
    return new ClusterEncryption(name, {} as ClusterEncryptionArgs, { ...opts, id });
  }
}
