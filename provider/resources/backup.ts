/**
 * `camunda.Backup`: an on-demand backup of a cluster, kept as long as the resource lives (e.g. taken before an
 * upgrade); `trigger` changed takes a new one (replacing this one). The create waits until the backup is complete. The
 * create is journalled: a backup an interrupted run took is adopted, never one that existed before; a backup that ends
Failed is removed and the create fails (the next `up` takes a new one). Restoring a backup
 * is a one-shot operation, not desired state: `restoreBackup` of `pulumi-camunda/provider`. Id: `<clusterId>/<backupId>`.
 */
import { isAmbiguous } from "../http/console-client";
import type { Backup } from "../schemas/api";
import { consoleClient, progress } from "./context";
import { ignoreNotFound } from "./errors";
import { backupInputsSchema } from "./inputs";
import { defineResource, keptInStack, splitId } from "./lifecycle";
import { invalidateCluster } from "./read-cache";
import { INTENT_WINDOW_MS, recoverableCreate } from "./recovery";

export function parseBackupId(id: string): { clusterId: string; backupId: string } {
  const [clusterId, backupId] = splitId(id, "Backup", "backupId");
  return { clusterId, backupId };
}

/** Read at run time (the serialized provider captures no setting). */
const pollMs = () => Number(process.env.PULUMI_CAMUNDA_POLL_MS ?? 1000);
const failed = (b: Backup) => /fail|error/i.test(b.status ?? "");
// A failed backup may carry a completion time too: failure is looked at first.
const complete = (b: Backup) => !failed(b) && (/complete/i.test(b.status ?? "") || Boolean(b.completed));

function outputsOf(clusterId: string, b: Backup, declared: Record<string, unknown>) {
  return { ...declared, clusterId, backupId: b.uuid, backupName: b.name ?? "", status: b.status ?? "", created: b.created ?? "", completed: b.completed ?? "" };
}

/** A backup of this resource ended Failed. */
class BackupFailed extends Error {}

/** A backup of this resource still in progress when the wait ran out. */
class BackupStillRunning extends Error {
  constructor(message: string, readonly backup: Backup) {
    super(message);
  }
}

async function waitComplete(clusterId: string, backup: Backup, minutes: number): Promise<Backup> {
  const deadline = Date.now() + minutes * 60_000;
  for (let b = backup; ; ) {
    if (failed(b)) {
      // This resource's own backup, of no use: removed, so that nothing is left behind and the next up takes another.
      await ignoreNotFound(() => consoleClient().deleteBackup(clusterId, b.uuid)).catch(() => undefined);
      throw new BackupFailed(`Backup ${b.uuid} of cluster ${clusterId} failed (${b.status}); it was removed: run \`pulumi up\` again to take a new one`);
    }
    if (complete(b)) return b;
    if (Date.now() > deadline) {
      throw new BackupStillRunning(`Backup ${b.uuid} of cluster ${clusterId} is still ${b.status} after ${minutes} minutes; it is kept in the stack: run \`pulumi up\` again to go on waiting`, b);
    }
    await new Promise((r) => setTimeout(r, pollMs()));
    b = (await consoleClient().listBackups(clusterId)).find((x) => x.uuid === b.uuid) ?? b;
  }
}

export const backupProvider = defineResource({
  type: "Backup",
  kind: "backup",
  journalId: (id) => parseBackupId(id).backupId,
  inputs: backupInputsSchema,
  replaceOn: ["clusterId", "trigger"],
  // A backup still in progress when the create's wait ran out: the next up goes on waiting.
  diffMore: (olds) => (olds.__awaiting === true ? { updates: ["status"] } : {}),
  create: async (ins, { ownership, raw }) => {
    const client = consoleClient();
    const created = (b: Backup) => Date.parse(b.created ?? "");
    const { result } = await recoverableCreate<Backup>({
      kind: "backup",
      ownership,
      declaration: { clusterId: ins.clusterId, trigger: ins.trigger ?? "" },
      snapshot: async () => (await client.listBackups(ins.clusterId)).map((b) => b.uuid),
      // A backup the interrupted run took: by its id, or (an intent without one, not older than a create can take) one
      // that did not exist before, taken within that time, and that no other interrupted backup create on this cluster
      // (another resource or stack, whatever its trigger: a backup does not show it) could have taken as well.
      recover: async (pending, isOurs) => {
        if (pending.id === undefined && client.serverNow() - pending.at > INTENT_WINDOW_MS) return undefined;
        const within = (b: Backup, at: number) => created(b) >= at - 5_000 && created(b) <= at + INTENT_WINDOW_MS;
        const rivals = (ownership?.journal.others("backup", ownership.owner) ?? []).filter((e) => e.id === undefined && e.declaration.clusterId === ins.clusterId);
        const mine = (await client.listBackups(ins.clusterId)).filter(
          (b) => isOurs(b.uuid) && (pending.id ? b.uuid === pending.id : within(b, pending.at) && !rivals.some((e) => within(b, e.at))),
        );
        if (mine.length !== 1) return undefined;
        if (!failed(mine[0])) return mine[0];
        // That run's backup failed since: removed (it is this resource's), and a new one is taken.
        await ignoreNotFound(() => client.deleteBackup(ins.clusterId, mine[0].uuid)).catch(() => undefined);
        return undefined;
      },
      create: async (isOurs) => {
        const since = client.serverNow();
        try {
          return await client.createBackup(ins.clusterId);
        } catch (err) {
          // A refusal (4xx, 429 after its retries) took none: nothing to look for, and a backup taken meanwhile (the
          // schedule's, a colleague's) is not this call's. No blind replay: after a lost answer, the one backup that
          // appeared since is this call's.
          if (!isAmbiguous(err)) throw err;
          const mine = (await client.listBackups(ins.clusterId)).filter((b) => isOurs(b.uuid) && created(b) >= since - 5_000);
          if (mine.length === 1) return mine[0];
          throw err;
        }
      },
      idOf: (b) => b.uuid,
    });
    progress(`backup ${result.uuid} of cluster ${ins.clusterId} taken; waiting until it is complete`);
    invalidateCluster(ins.clusterId);
    const done = await waitComplete(ins.clusterId, result, ins.waitTimeoutMinutes).catch((err: unknown) => {
      // Failed (and removed): no later run may adopt it. Still in progress: kept in the stack, waited for by the next up.
      if (err instanceof BackupFailed) ownership?.journal.clear("backup", ownership.owner);
      if (err instanceof BackupStillRunning) throw keptInStack(err.message, `${ins.clusterId}/${err.backup.uuid}`, outputsOf(ins.clusterId, err.backup, ins), raw);
      throw err;
    });
    return { id: `${ins.clusterId}/${done.uuid}`, outs: outputsOf(ins.clusterId, done, ins) };
  },
  read: async (id, props) => {
    const { clusterId, backupId } = parseBackupId(id);
    const b = (await consoleClient().listBackups(clusterId)).find((x) => x.uuid === backupId);
    const declared = { ...(props.trigger !== undefined ? { trigger: props.trigger } : {}), waitTimeoutMinutes: props.waitTimeoutMinutes ?? 60 };
    if (!b) return undefined;
    return { ...outputsOf(clusterId, b, declared), ...(props.__awaiting === true && !complete(b) ? { __awaiting: true } : {}) };
  },
  // Only waitTimeoutMinutes changes in place (recorded); a backup still in progress is waited for.
  update: async (id, olds, ins) => {
    if (olds.__awaiting !== true) return { ...olds, ...ins };
    const { clusterId, backupId } = parseBackupId(id);
    const b = (await consoleClient().listBackups(clusterId)).find((x) => x.uuid === backupId);
    if (!b) throw new Error(`Backup ${backupId} of cluster ${clusterId} is gone: run \`pulumi refresh\`, then \`pulumi up\` takes a new one`);
    try {
      return outputsOf(clusterId, await waitComplete(clusterId, b, ins.waitTimeoutMinutes), ins);
    } catch (err) {
      if (err instanceof BackupStillRunning) throw keptInStack(err.message, id, outputsOf(clusterId, err.backup, ins), olds);
      throw err;
    }
  },
  delete: async (id) => {
    const { clusterId, backupId } = parseBackupId(id);
    await consoleClient().deleteBackup(clusterId, backupId);
  },
});
