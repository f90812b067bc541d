/**
 * `camunda.BackupSchedule`: a cluster's backup schedule (a cron expression in UTC, at most every 15 minutes, checked at
 * preview). Updated in place; destroying the resource removes the schedule. One that existed before is taken over
 * only with `adoptExisting: true`. Id: the cluster's uuid.
 */
import { consoleClient } from "./context";
import { backupScheduleInputsSchema } from "./inputs";
import { defineResource } from "./lifecycle";
import { createSingleton } from "./recovery";

export const backupScheduleProvider = defineResource({
  type: "BackupSchedule",
  kind: "backup-schedule",
  inputs: backupScheduleInputsSchema,
  replaceOn: ["clusterId"],
  // One schedule per cluster: a replacement on the same cluster removes first.
  deleteBeforeReplace: (olds, news) => olds.clusterId === news.clusterId,
  same: {
    schedule: (news, olds) => typeof news === "string" && news.split(/\s+/).join(" ") === String(olds.schedule).split(/\s+/).join(" "),
    adoptExisting: (news, olds) => (news ?? false) === (olds.adoptExisting ?? false),
  },
  sharedId: (id) => `schedule/${id}`,
  claims: ({ clusterId }) => [{ key: `schedule/${clusterId}`, property: "clusterId", what: `the backup schedule of cluster ${clusterId}`, fix: "a cluster has one schedule: declare it once" }],
  create: async (ins, { ownership }) => {
    const client = consoleClient();
    const { adopted } = await createSingleton({
      kind: "backup-schedule",
      ownership,
      key: ins.clusterId,
      what: `the backup schedule of cluster ${ins.clusterId}`,
      adoptExisting: ins.adoptExisting === true,
      exists: async () => (await client.getBackupSchedule(ins.clusterId)) !== undefined,
      create: async () => void (await client.setBackupSchedule(ins.clusterId, ins.schedule)),
    });
    return { id: ins.clusterId, outs: { ...ins, ...(adopted ? { adopted: true } : {}) } };
  },
  read: async (id, props) => {
    const s = await consoleClient().getBackupSchedule(id);
    if (!s) return undefined;
    // The same schedule spelled with other spaces is no change.
    const recorded = typeof props.schedule === "string" ? props.schedule : "";
    const schedule = recorded.split(/\s+/).join(" ") === s.schedule.split(/\s+/).join(" ") ? recorded : s.schedule;
    return { clusterId: id, schedule, ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}), ...(props.adopted ? { adopted: true } : {}) };
  },
  update: async (id, olds, ins) => {
    if (ins.schedule !== olds.schedule) await consoleClient().setBackupSchedule(id, ins.schedule);
    return { ...ins, ...(olds.adopted ? { adopted: true } : {}) };
  },
  delete: (id) => consoleClient().deleteBackupSchedule(id),
});
