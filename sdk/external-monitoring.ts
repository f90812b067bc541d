import * as pulumi from "@pulumi/pulumi";
import type { ExternalMonitoringArgs } from "./args";
import { resourceProps } from "./outputs";
import externalMonitoringShim = require("./shims/external-monitoring");

const OUTPUTS = ["clusterId", "adoptExisting", "adopted", "metricsEndpoint"] as const;

/**
 * External monitoring of a cluster: on while the resource lives, off when it is destroyed.
 *
 * Id: the cluster's uuid. Read an existing one with `ExternalMonitoring.get(name, id)`.
 */
export class ExternalMonitoring extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  declare public readonly adopted: pulumi.Output<boolean>;
  declare public readonly metricsEndpoint: pulumi.Output<string>;

  constructor(name: string, args: ExternalMonitoringArgs, opts?: pulumi.CustomResourceOptions) {
    super(externalMonitoringShim, name, resourceProps("ExternalMonitoring", name, args, OUTPUTS, opts), opts, "camunda", "ExternalMonitoring");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ExternalMonitoring {
    return new ExternalMonitoring(name, {} as ExternalMonitoringArgs, { ...opts, id });
  }
}
