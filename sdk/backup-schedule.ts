import * as pulumi from "@pulumi/pulumi";
import type { BackupScheduleArgs } from "./args";
import { resourceProps } from "./outputs";
import backupScheduleShim = require("./shims/backup-schedule");

const OUTPUTS = ["clusterId", "schedule", "adoptExisting", "adopted"] as const;

/**
 * A cluster's backup schedule: a cron expression in UTC, at most every 15 minutes (checked at preview). Updated in
 * place; destroying the resource removes the schedule.
 *
 * Id: the cluster's uuid. Read an existing one with `BackupSchedule.get(name, id)`.
 */
export class BackupSchedule extends pulumi.dynamic.Resource {
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly schedule: pulumi.Output<string>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  declare public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: BackupScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super(backupScheduleShim, name, resourceProps("BackupSchedule", name, args, OUTPUTS, opts), opts, "camunda", "BackupSchedule");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): BackupSchedule {
    return new BackupSchedule(name, {} as BackupScheduleArgs, { ...opts, id });
  }
}
