import * as pulumi from "@pulumi/pulumi";
import type { BackupArgs } from "./args";
import { resourceProps } from "./outputs";
import backupShim = require("./shims/backup");

const OUTPUTS = ["clusterId", "trigger", "waitTimeoutMinutes", "backupId", "backupName", "status", "created", "completed"] as const;

/**
 * An on-demand backup of a cluster, kept as long as the resource lives; changing `trigger` takes a new one. The create
 * waits until the backup is complete. Restoring is a one-shot operation: `restoreBackup` of `pulumi-camunda/provider`.
 *
 * Id: `<clusterId>/<backupId>`. Read an existing one with `Backup.get(name, id)`.
 */
export class Backup extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly trigger: pulumi.Output<string>;
  declare public readonly waitTimeoutMinutes: pulumi.Output<number>;
  declare public readonly backupId: pulumi.Output<string>;
  declare public readonly backupName: pulumi.Output<string>;
  declare public readonly status: pulumi.Output<string>;
  declare public readonly created: pulumi.Output<string>;
  declare public readonly completed: pulumi.Output<string>;

  constructor(name: string, args: BackupArgs, opts?: pulumi.CustomResourceOptions) {
    super(backupShim, name, resourceProps("Backup", name, args, OUTPUTS, opts), opts, "camunda", "Backup");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Backup {
    return new Backup(name, {} as BackupArgs, { ...opts, id });
  }
}
