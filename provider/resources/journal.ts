/**
 * A small write-ahead journal of creates, so that a run killed while the engine had not yet recorded a create (for
 * clusters that is the whole wait until Healthy) converges on the next `up` instead of leaving an orphan or failing on
 * a duplicate name. An intent (the service's time, no id) is written just before the creating request, the id as
 * soon as the Console API confirms it, and the entry is removed when `create` returns to the engine (which then
 * records the resource) or when the service refused the request. Entries live beside the token cache, are owner-only,
 * keyed by a hash of (Console URL, credential, program folder, kind, identity) and expire after a week.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const MAX_AGE_MS = 7 * 24 * 3600_000;

/** Marks this process's entries: an entry a concurrent create of this very run wrote is no interrupted run's. */
const PROCESS_MARK = randomBytes(8).toString("hex");

export interface JournalScope {
  baseUrl: string;
  clientId: string;
  /** Directory of the token cache, when it is on. */
  cacheDir?: string;
}

export interface JournalEntry {
  /** The created object's id; absent while only the intent is known (the run died before the answer arrived). */
  id?: string;
  /** When the create was attempted, by the service's clock (epoch ms). */
  at: number;
  /** The process that wrote it (default: this one). */
  by?: string;
}

function dirOf(scope: JournalScope): string {
  return path.join(scope.cacheDir ?? path.join(os.homedir(), ".camunda"), "pulumi-camunda-journal");
}

function fileOf(scope: JournalScope, kind: string, identity: readonly string[]): string {
  const key = createHash("sha256")
    .update([scope.baseUrl, scope.clientId, process.cwd(), kind, ...identity].join("\n"))
    .digest("hex")
    .slice(0, 32);
  return path.join(dirOf(scope), `${kind}-${key}.json`);
}

/** Records an intent or a created id for this identity (best effort: a read-only home must not fail the deployment). */
export function journalRecord(scope: JournalScope, kind: string, identity: readonly string[], entry: JournalEntry): void {
  try {
    const file = fileOf(scope, kind, identity);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ ...entry, by: entry.by ?? PROCESS_MARK }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // best effort
  }
}

/** The entry an interrupted run left for this identity, if any and not expired. */
export function journalFind(scope: JournalScope, kind: string, identity: readonly string[]): JournalEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(fileOf(scope, kind, identity), "utf8")) as Partial<JournalEntry>;
    if (typeof entry.at === "number" && Date.now() - entry.at < MAX_AGE_MS) {
      return { ...(typeof entry.id === "string" ? { id: entry.id } : {}), at: entry.at, ...(typeof entry.by === "string" ? { by: entry.by } : {}) };
    }
  } catch {
    // none
  }
  return undefined;
}

/** The entry an earlier, interrupted run left (entries of this process's own creates do not count). */
export function journalInterrupted(scope: JournalScope, kind: string, identity: readonly string[]): JournalEntry | undefined {
  const entry = journalFind(scope, kind, identity);
  return entry && entry.by !== PROCESS_MARK ? entry : undefined;
}

export function journalClear(scope: JournalScope, kind: string, identity: readonly string[]): void {
  try {
    fs.rmSync(fileOf(scope, kind, identity), { force: true });
  } catch {
    // best effort
  }
}

/**
 * Forgets the entry of this identity once the engine shows it recorded object `id` (it passes the id to diff, read,
 * update or delete). Until then the entry stays: a run killed between `create` returning and the engine saving the
 * resource still finds it.
 */
export function journalForget(scope: JournalScope, kind: string, identity: readonly unknown[], id: string): void {
  if (identity.some((part) => typeof part !== "string")) return;
  const entry = journalFind(scope, kind, identity as string[]);
  if (entry && (entry.id === undefined || entry.id === id)) journalClear(scope, kind, identity as string[]);
}
