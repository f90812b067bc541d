import * as pulumi from "@pulumi/pulumi";
import type { MonitoringClientArgs } from "./args";
import { resourceProps, withSecretOutputs } from "./outputs";
import monitoringClientShim = require("./shims/monitoring-client");

const OUTPUTS = ["clusterId", "username", "rotation", "clientUuid", "password"] as const;

/**
 * A client of a cluster's external monitoring endpoint. Its `password` is always a Pulumi secret; changing `rotation`
 * rotates it in place.
 *
 * Id: `<clusterId>/<clientUuid>`. Read an existing one with `MonitoringClient.get(name, id)`.
 */
export class MonitoringClient extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly username: pulumi.Output<string>;
  declare public readonly rotation: pulumi.Output<string>;
  declare public readonly clientUuid: pulumi.Output<string>;
  declare public readonly password: pulumi.Output<string>;

  constructor(name: string, args: MonitoringClientArgs, opts?: pulumi.CustomResourceOptions) {
    super(monitoringClientShim, name, resourceProps("MonitoringClient", name, args, OUTPUTS, opts), withSecretOutputs(opts, ["password"]), "camunda", "MonitoringClient");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): MonitoringClient {
    return new MonitoringClient(name, {} as MonitoringClientArgs, { ...opts, id });
  }
}
