/**
 * The create journal: a small write-ahead log of creates, so that a run killed while the engine had not yet recorded
 * a create (for clusters, that is the whole wait until Healthy) converges on the next `up` instead of leaving an
 * orphan or failing on a duplicate name.
 *
 * The recovery rule (docs/design.md, "Crash recovery"): an entry belongs to exactly one resource of one stack — its
 * key is the resource's owner (project, stack, type and name, passed by the SDK as the hidden input `__owner`) — and
 * can only be read back by that resource. It records, before the creating request, what the resource declared and
 * the ids of the same-named objects that already existed (`before`): those are never adopted. A candidate is adopted
 * only when it matches the declaration, appeared after the intent, is not in `before` and no other entry of the
 * folder claims it. Entries are authenticated (HMAC keyed by the Console credential's secret, file names too), so an
 * entry planted or edited by anyone without that secret is ignored, and they are removed as soon as the engine shows
 * it recorded the object (it passes the id to diff, read, update or delete), or when the service refused the create.
 * The folder must be this user's own (see ../fs/private-dir.ts).
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
  /** The Console credential's secret: keys the entries' MACs and file names. */
  clientSecret: string;
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
}

function macKey(scope: JournalScope): Buffer {
  return createHmac("sha256", scope.clientSecret).update(FORMAT).digest();
}

function canonical(kind: string, owner: string, e: JournalEntry): string {
  const declaration = Object.keys(e.declaration)
    .sort()
    .map((k) => [k, e.declaration[k]]);
  return JSON.stringify([FORMAT, kind, owner, e.id ?? null, e.at, declaration, [...e.before].sort(), e.by ?? null]);
}

function sign(scope: JournalScope, kind: string, owner: string, e: JournalEntry): string {
  return createHmac("sha256", macKey(scope)).update(canonical(kind, owner, e)).digest("hex");
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
      (e.by === undefined || typeof e.by === "string")
    ) {
      return e as StoredEntry;
    }
  } catch {
    // not an entry
  }
  return undefined;
}

/** The journal of one Console API and credential, in one folder. */
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

  private fileOf(kind: string, owner: string): string {
    const name = createHmac("sha256", macKey(this.scope))
      .update(["file", this.scope.baseUrl, kind, owner].join("\n"))
      .digest("hex")
      .slice(0, 40);
    return path.join(this.dir, `${kind}-${name}.json`);
  }

  /** Records an intent or a created id. IO failures (a read-only home) do not fail the deployment; an unsafe folder does. */
  record(kind: string, owner: string, entry: JournalEntry): void {
    this.ensureFolder();
    const e: JournalEntry = { ...entry, by: entry.by ?? PROCESS_MARK };
    const stored: StoredEntry = { format: FORMAT, kind, owner, ...e, mac: sign(this.scope, kind, owner, e) };
    try {
      writePrivateFile(this.fileOf(kind, owner), JSON.stringify(stored));
    } catch (err) {
      if (err instanceof UnsafeFolderError) throw err;
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
      ...(e.by !== undefined ? { by: e.by } : {}),
    };
    const expected = Buffer.from(sign(this.scope, kind, owner, entry), "hex");
    const actual = Buffer.from(e.mac, "hex");
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    return entry;
  }

  /** The entry an earlier, interrupted run of this resource left (entries of this process's own creates do not count). */
  interrupted(kind: string, owner: string): JournalEntry | undefined {
    const entry = this.find(kind, owner);
    return entry && entry.by !== PROCESS_MARK ? entry : undefined;
  }

  clear(kind: string, owner: string): void {
    removeFile(this.fileOf(kind, owner));
  }

  /** Forgets this resource's entry once the engine shows it recorded object `id`. */
  forget(kind: string, owner: string, id: string): void {
    const entry = this.find(kind, owner);
    if (entry && (entry.id === undefined || entry.id === id)) this.clear(kind, owner);
  }

  /** The entries of other resources in this folder (any credential), for refusing adoptions they may claim. */
  others(kind: string, owner: string): ForeignEntry[] {
    const out: ForeignEntry[] = [];
    for (const file of listPrivateDir(this.dir, (n) => n.startsWith(`${kind}-`) && n.endsWith(".json"))) {
      const e = parse(readPrivateFile(file));
      if (!e || e.kind !== kind || e.owner === owner || Date.now() - e.at >= MAX_AGE_MS) continue;
      out.push({ kind: e.kind, owner: e.owner, ...(e.id !== undefined ? { id: e.id } : {}), at: e.at, declaration: e.declaration });
    }
    return out;
  }

  /** Removes expired entries and leftovers of the older, unkeyed journal format. */
  private prune(): void {
    const now = Date.now();
    for (const file of listPrivateDir(this.dir, (n) => n.endsWith(".json") || n.endsWith(".tmp"))) {
      try {
        const st = fs.lstatSync(file);
        if (now - st.mtimeMs >= MAX_AGE_MS || (st.isFile() && parse(readPrivateFile(file)) === undefined && now - st.mtimeMs > 60_000)) {
          removeFile(file);
        }
      } catch {
        // gone meanwhile
      }
    }
  }
}
