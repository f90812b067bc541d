/**
 * The create journal: a small write-ahead log of creates, so that a run killed while the engine had not yet recorded
 * a create (for clusters, that is the whole wait until Healthy) converges on the next `up` instead of leaving an
 * orphan or failing on a duplicate name.
 *
 * The recovery rule (docs/design.md, "Crash recovery"): an entry belongs to exactly one resource of one stack — its
 * key is the resource's owner (project, stack, type and name, passed by the SDK as the hidden input `__owner`) — and
 * can only be read back by that resource. It records, before the creating request, what the resource declared and
 * the ids of the same-named objects that already existed (`before`): those are never adopted. A candidate is adopted
 * only when it matches the declaration, appeared after the intent (and, for an intent without an id, within the time
 * a create can take), is not in `before` and no other entry of the folder claims it. Entries are authenticated (HMAC
 * with a random key kept in the private folder, which file names derive from too), so an entry planted or edited by
 * anyone who cannot read that folder is ignored. When the engine shows it recorded the object (it passes the id to
 * diff, read, update or delete) the entry becomes a tombstone (the id, recorded) that keeps other resources from
 * taking that id for a week; a create that failed clears its intent. The folder must be this user's own (see
 * ../fs/private-dir.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { UnsafeFolderError, ensurePrivateDir, ensurePrivateSubdir, listPrivateDir, readPrivateFile, removeFile, writePrivateFile } from "../fs/private-dir";

/** Entries older than this are ignored and pruned (a crash is repaired by the next run, not a month later). */
const MAX_AGE_MS = 7 * 24 * 3600_000;
/** An intent without an id younger than this may still be a create in flight in another process. */
export const IN_FLIGHT_MS = 10 * 60_000;
const FORMAT = "pulumi-camunda/journal/v2";

/** Marks this process's entries: an entry a create of this very run wrote is no interrupted run's. */
const PROCESS_MARK = randomBytes(8).toString("hex");

export type JournalKind = string;

export interface JournalScope {
  /** The Console API the objects live in. */
  baseUrl: string;
  /** The folder that holds the journal folder (the token cache folder, or ~/.camunda). */
  parentDir: string;
  /** The setting that chose `parentDir`, named in errors. */
  setting: string;
}

export interface JournalEntry {
  /** The created object's id; absent while only the intent is known (the run died before the answer arrived). */
  id?: string;
  /** When the create was attempted, by the service's clock (epoch ms). */
  at: number;
  /** What the resource declared (the fields a candidate must match), e.g. a cluster's name, region, plan, channel. */
  declaration: Record<string, string>;
  /** Ids of same-named objects that existed before the create: someone else's, never adopted. */
  before: string[];
  /** A keyed hash of what the create sent that a candidate must show (a connector secret's value). */
  fingerprint?: string;
  /** The engine recorded object `id`: a tombstone, kept only so that no other resource takes the id. */
  recorded?: boolean;
  /** The process that wrote it (default: this one). */
  by?: string;
}

interface StoredEntry extends JournalEntry {
  format: string;
  kind: string;
  owner: string;
  mac: string;
}

/** Another resource's entry in the same folder (not verified: used only to refuse adoptions, never to make one). */
export interface ForeignEntry {
  kind: string;
  owner: string;
  id?: string;
  at: number;
  declaration: Record<string, string>;
  /** A tombstone: the engine recorded the object (it may have been deleted since). */
  recorded?: boolean;
}

function canonical(baseUrl: string, kind: string, owner: string, e: JournalEntry): string {
  const declaration = Object.keys(e.declaration)
    .sort()
    .map((k) => [k, e.declaration[k]]);
  return JSON.stringify([FORMAT, baseUrl, kind, owner, e.id ?? null, e.at, declaration, [...e.before].sort(), e.fingerprint ?? null, e.recorded === true, e.by ?? null]);
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === "string");
}

function isDeclaration(x: unknown): x is Record<string, string> {
  return x !== null && typeof x === "object" && !Array.isArray(x) && Object.values(x).every((v) => typeof v === "string");
}

function parse(text: string | undefined): StoredEntry | undefined {
  if (text === undefined) return undefined;
  try {
    const e = JSON.parse(text) as Partial<StoredEntry>;
    if (
      e.format === FORMAT &&
      typeof e.kind === "string" &&
      typeof e.owner === "string" &&
      typeof e.at === "number" &&
      typeof e.mac === "string" &&
      isDeclaration(e.declaration) &&
      isStrings(e.before) &&
      (e.id === undefined || typeof e.id === "string") &&
      (e.fingerprint === undefined || typeof e.fingerprint === "string") &&
      (e.recorded === undefined || typeof e.recorded === "boolean") &&
      (e.by === undefined || typeof e.by === "string")
    ) {
      return e as StoredEntry;
    }
  } catch {
    // not an entry
  }
  return undefined;
}

/** The journal of one Console API, in one folder. */
export class Journal {
  readonly dir: string;

  constructor(readonly scope: JournalScope) {
    this.dir = path.join(scope.parentDir, "pulumi-camunda-journal");
  }

  /** Checks (and creates) the folder; throws UnsafeFolderError when it is not this user's own. */
  ensureFolder(): void {
    ensurePrivateDir(this.scope.parentDir, this.scope.setting);
    ensurePrivateSubdir(this.dir, this.scope.setting);
  }

  /**
   * The folder's random MAC key (created on first use, 0600). A key of the folder rather than of the credential: a
   * rotated Console secret keeps the journal readable, and only who can read this private folder can forge entries.
   */
  private macKey(): Buffer {
    // Read each time (a small file, and entries are few): a folder removed and made again gets a new key.
    const file = path.join(this.dir, "key");
    let text = readPrivateFile(file);
    if (text === undefined || !/^[0-9a-f]{64}$/.test(text)) {
      this.ensureFolder();
      try {
        writePrivateFile(file, randomBytes(32).toString("hex"));
      } catch {
        // unwritable: entries cannot be written either
      }
      text = readPrivateFile(file) ?? randomBytes(32).toString("hex");
    }
    return Buffer.from(text, "hex");
  }

  private sign(kind: string, owner: string, e: JournalEntry): string {
    return createHmac("sha256", this.macKey()).update(canonical(this.scope.baseUrl, kind, owner, e)).digest("hex");
  }

  /** A keyed hash of `value` (e.g. a secret value), for `fingerprint`. */
  fingerprintOf(value: string): string {
    return createHmac("sha256", this.macKey()).update(`fingerprint\n${value}`).digest("hex");
  }

  private fileOf(kind: string, owner: string): string {
    const name = createHmac("sha256", this.macKey())
      .update(["file", this.scope.baseUrl, kind, owner].join("\n"))
      .digest("hex")
      .slice(0, 40);
    return path.join(this.dir, `${kind}-${name}.json`);
  }

  /**
   * Records an intent, a created id or a tombstone. An unsafe folder fails; other IO failures (a read-only home) do
   * not fail the deployment: the journal is an aid to crash recovery.
   */
  record(kind: string, owner: string, entry: JournalEntry): void {
    const e: JournalEntry = { ...entry, by: entry.by ?? PROCESS_MARK };
    try {
      this.ensureFolder();
      const stored: StoredEntry = { format: FORMAT, kind, owner, ...e, mac: this.sign(kind, owner, e) };
      writePrivateFile(this.fileOf(kind, owner), JSON.stringify(stored));
    } catch (err) {
      if (err instanceof UnsafeFolderError) throw err;
      return;
    }
    this.prune();
  }

  /** This resource's entry, if any, authentic and not expired. */
  find(kind: string, owner: string): JournalEntry | undefined {
    const e = parse(readPrivateFile(this.fileOf(kind, owner)));
    if (!e || e.kind !== kind || e.owner !== owner || Date.now() - e.at >= MAX_AGE_MS) return undefined;
    const entry: JournalEntry = {
      ...(e.id !== undefined ? { id: e.id } : {}),
      at: e.at,
      declaration: { ...e.declaration },
      before: [...e.before],
      ...(e.fingerprint !== undefined ? { fingerprint: e.fingerprint } : {}),
      ...(e.recorded ? { recorded: true } : {}),
      ...(e.by !== undefined ? { by: e.by } : {}),
    };
    const expected = Buffer.from(this.sign(kind, owner, entry), "hex");
    const actual = Buffer.from(e.mac, "hex");
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    return entry;
  }

  /** The create an earlier, interrupted run of this resource left (not this process's own, not a tombstone). */
  interrupted(kind: string, owner: string): JournalEntry | undefined {
    const entry = this.find(kind, owner);
    return entry && !entry.recorded && entry.by !== PROCESS_MARK ? entry : undefined;
  }

  clear(kind: string, owner: string): void {
    removeFile(this.fileOf(kind, owner));
  }

  /**
   * The engine recorded object `id` of this resource: its entry becomes a tombstone (so that no other resource takes
   * that id). An intent without an id is kept: it may stand for a create an interrupted run made of a replacement,
   * which the next create of this resource must still find.
   */
  forget(kind: string, owner: string, id: string): void {
    const entry = this.find(kind, owner);
    if (entry && entry.id === id && !entry.recorded) this.record(kind, owner, { ...entry, recorded: true, by: entry.by });
  }

  /** The entries of other resources in this folder (unverified: used only to refuse adoptions, never to make one). */
  others(kind: string, owner: string): ForeignEntry[] {
    const out: ForeignEntry[] = [];
    for (const file of listPrivateDir(this.dir, (n) => n.startsWith(`${kind}-`) && n.endsWith(".json"))) {
      const e = parse(readPrivateFile(file));
      if (!e || e.kind !== kind || e.owner === owner || Date.now() - e.at >= MAX_AGE_MS) continue;
      out.push({ kind: e.kind, owner: e.owner, ...(e.id !== undefined ? { id: e.id } : {}), at: e.at, declaration: e.declaration, ...(e.recorded ? { recorded: true } : {}) });
    }
    return out;
  }

  /** Removes expired entries, stray temporary files and leftovers of the older, unkeyed journal format. */
  private prune(): void {
    const now = Date.now();
    for (const file of listPrivateDir(this.dir, (n) => n.endsWith(".json") || n.endsWith(".tmp"))) {
      try {
        const st = fs.lstatSync(file);
        const stale = now - st.mtimeMs > 60_000;
        if (now - st.mtimeMs >= MAX_AGE_MS || (stale && (file.endsWith(".tmp") || (st.isFile() && parse(readPrivateFile(file)) === undefined)))) {
          removeFile(file);
        }
      } catch {
        // gone meanwhile
      }
    }
  }
}
