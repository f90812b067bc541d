import * as pulumi from "@pulumi/pulumi";
import type { SecureConnectivityArgs } from "./args";
import { resourceProps } from "./outputs";
import secureConnectivityShim = require("./shims/secure-connectivity");

const OUTPUTS = ["clusterId", "allowedPrincipals", "allowedRegions", "adoptExisting", "adopted", "serviceName", "privateDnsName"] as const;

/**
 * Private connectivity (AWS PrivateLink) to a cluster for the allowed principals and regions; a change replaces it.
 *
 * Id: the cluster's uuid. Read an existing one with `SecureConnectivity.get(name, id)`.
 */
export class SecureConnectivity extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly allowedPrincipals: pulumi.Output<string[]>;
  declare public readonly allowedRegions: pulumi.Output<string[]>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  declare public readonly adopted: pulumi.Output<boolean>;
  declare public readonly serviceName: pulumi.Output<string>;
  declare public readonly privateDnsName: pulumi.Output<string>;

  constructor(name: string, args: SecureConnectivityArgs, opts?: pulumi.CustomResourceOptions) {
    super(secureConnectivityShim, name, resourceProps("SecureConnectivity", name, args, OUTPUTS, opts), opts, "camunda", "SecureConnectivity");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): SecureConnectivity {
    return new SecureConnectivity(name, {} as SecureConnectivityArgs, { ...opts, id });
  }
}
