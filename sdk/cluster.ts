import * as pulumi from "@pulumi/pulumi";
import type { ClusterArgs } from "./args";
import { resourceProps } from "./outputs";
import clusterShim = require("./shims/cluster");

const CLUSTER_OUTPUTS = ["name", "description", "stageLabel", "region", "plan", "channel", "generation", "autoUpdate", "hardwarePackages", "encryption", "waitTimeoutMinutes", "status", "regionId", "regionName", "planTypeId", "planTypeName", "channelId", "channelName", "generationId", "generationName", "links", "zeebeAddress"] as const;

/**
 * A Camunda 8 SaaS cluster. `create` waits until the cluster is Healthy (a BYOK cluster: until it waits for the keys
 * its ClusterEncryption sets). Name, description, stage label and hardware packages update in place; with autoUpdate
 * false, a newer generation is upgraded to in place (the cluster keeps its uuid); region, plan, channel, autoUpdate,
 * encryption and an older generation replace it.
 *
 * Read an existing cluster with `Cluster.get(name, clusterId)`.
 */
export class Cluster extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly stageLabel: pulumi.Output<string | undefined>;
  /** The combined health: Creating, Healthy, Unhealthy, Updating, Suspended, ... */
  declare public readonly status: pulumi.Output<string>;
  declare public readonly region: pulumi.Output<string>;
  declare public readonly plan: pulumi.Output<string>;
  declare public readonly channel: pulumi.Output<string>;
  declare public readonly generation: pulumi.Output<string | undefined>;
  declare public readonly autoUpdate: pulumi.Output<boolean>;
  /** As declared (the API does not return it). */
  declare public readonly hardwarePackages: pulumi.Output<number | undefined>;
  declare public readonly encryption: pulumi.Output<string | undefined>;
  declare public readonly regionId: pulumi.Output<string>;
  declare public readonly regionName: pulumi.Output<string>;
  declare public readonly planTypeId: pulumi.Output<string>;
  declare public readonly planTypeName: pulumi.Output<string>;
  declare public readonly channelId: pulumi.Output<string>;
  declare public readonly channelName: pulumi.Output<string>;
  declare public readonly generationId: pulumi.Output<string>;
  declare public readonly generationName: pulumi.Output<string>;
  /** Endpoints: zeebe, operate, tasklist, optimize, console, ... */
  declare public readonly links: pulumi.Output<Record<string, string>>;
  /** The Zeebe gRPC address, `<id>.<region>.zeebe.camunda.io:443`. */
  declare public readonly zeebeAddress: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      clusterShim,
      name,
      resourceProps("Cluster", name, args, CLUSTER_OUTPUTS, opts),
      opts,
      "camunda", "Cluster",
    );
  }

  /** Reads an existing cluster by its uuid (Pulumi's `import` does not work for dynamic resources). */
  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Cluster {
    return new Cluster(name, {} as ClusterArgs, { ...opts, id });
  }
}
