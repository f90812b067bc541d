/**
 * Creates that survive a crash and can never take what another resource, stack or person made.
 *
 * Before the creating request, the ids of the objects that already share the declaration's identity (`before`) are
 * noted and the intent is journalled (journal.ts). A created or recovered object is accepted as this resource's own
 * only when it is not in `before`, no other journal entry of the folder claims it, and no other resource's create of
 * the same declaration is in flight. The next run of this very resource (same stack, same owner) uses the entry to
 * adopt what its interrupted run created; nothing else ever reads it.
 */
import { expected } from "../errors";
import { consoleClient, progress } from "./context";
import { IN_FLIGHT_MS, type Journal, type JournalEntry } from "./journal";

export interface Ownership {
  /** The resource's owner key: the hidden input `__owner` the SDK passes (project, stack, type, name). */
  owner: string;
  journal: Journal;
}

/** Now, by the service's clock (journal entries are stamped with it, so that this machine's clock cannot skew them). */
const now = (): number => consoleClient().serverNow();

export interface RecoverableCreate<T> {
  kind: string;
  /** Undefined when the program passed no owner (a direct call of the provider): no journal, no crash recovery. */
  ownership: Ownership | undefined;
  /** What the resource declares: a candidate must match it (e.g. a cluster's name, region, plan and channel). */
  declaration: Record<string, string>;
  /** Ids of the objects that exist now and share the declaration's identity (name). */
  snapshot(): Promise<string[]>;
  /**
   * The object an interrupted run of this resource created (`pending`), when `isOurs` accepts it. For an intent
   * without an id, only what appeared within INTENT_WINDOW_MS after `pending.at` can be that run's.
   */
  recover(pending: JournalEntry, isOurs: (id: string) => boolean): Promise<T | undefined>;
  /** A keyed hash of what the create sends that a recovered object must show (see Journal.fingerprintOf). */
  fingerprint?: string;
  /** The creating request, whose recovery from an ambiguous failure accepts only what `isOurs` accepts. */
  create(isOurs: (id: string) => boolean): Promise<T>;
  idOf(result: T): string;
  /**
   * Ids are natural keys (an e-mail, a cluster's id for its schedule) that another resource may use again after the
   * first was destroyed: another resource's tombstone does not make the id foreign (what exists now still does).
   */
  reusableIds?: boolean;
}

/**
 * The longest a create can take, its retries included (the client's retry budget is 5 minutes): an object that
 * appeared later than this after an intent cannot be that create's.
 */
export const INTENT_WINDOW_MS = 10 * 60_000;

function sameDeclaration(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

function describe(d: Record<string, string>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
}

export async function recoverableCreate<T>(spec: RecoverableCreate<T>): Promise<{ result: T; recovered: boolean }> {
  const { ownership, kind, declaration } = spec;
  let pending = ownership?.journal.interrupted(kind, ownership.owner);
  if (ownership && pending && !sameDeclaration(pending.declaration, declaration)) {
    progress(
      `an interrupted run of this ${kind} resource was creating one with ${describe(pending.declaration)}; ` +
        `the declaration is now ${describe(declaration)}, so whatever that run made is left alone` +
        (pending.id ? ` (id ${pending.id}: delete it in the Console if nothing uses it)` : ""),
    );
    ownership.journal.clear(kind, ownership.owner);
    pending = undefined;
  }
  const before = new Set(pending ? pending.before : await spec.snapshot());
  let recoveringFrom: number | undefined;
  const fingerprint = spec.fingerprint ?? pending?.fingerprint;
  const isOurs = (id: string): boolean => {
    if (before.has(id)) return false;
    if (!ownership) return true;
    const others = ownership.journal.others(kind, ownership.owner);
    // A reusable id's finished create (an entry with the id, recorded by the engine or not yet) counts only while
    // recovering, for a create made after the interrupted intent (that one is the other resource's); otherwise what
    // exists now decides (`before`, the snapshot): one that is gone now was removed since.
    const stale = (e: { id?: string; at: number }) => spec.reusableIds === true && e.id !== undefined && (recoveringFrom === undefined || e.at < recoveringFrom);
    if (others.some((e) => e.id === id && !stale(e))) return false;
    // Another resource's create of the same declaration is in flight: what appeared may be its own.
    return !others.some((e) => e.id === undefined && sameDeclaration(e.declaration, declaration) && now() - e.at < IN_FLIGHT_MS);
  };
  const journalled = (id: string | undefined, at: number) =>
    ownership?.journal.record(kind, ownership.owner, {
      ...(id !== undefined ? { id } : {}),
      at,
      declaration,
      before: [...before],
      ...(fingerprint !== undefined ? { fingerprint } : {}),
    });

  if (pending) {
    recoveringFrom = pending.at;
    const found = await spec.recover(pending, isOurs);
    recoveringFrom = undefined;
    if (found !== undefined) {
      journalled(spec.idOf(found), pending.at);
      return { result: found, recovered: true };
    }
    // Nothing of that run's: what exists now and did not then is someone else's too.
    for (const id of await spec.snapshot()) before.add(id);
  }
  const at = now();
  journalled(undefined, at);
  let result: T;
  try {
    result = await spec.create(isOurs);
  } catch (err) {
    // The create failed after its own look-ups found nothing it made: no later run may take anything for it.
    ownership?.journal.clear(kind, ownership.owner);
    throw err;
  }
  journalled(spec.idOf(result), at);
  return { result, recovered: false };
}

/**
 * The create of a cluster's singleton (its backup schedule, external monitoring, secure connectivity): journalled
 * like any create, and never taking over one that existed before unless `adoptExisting` says so. Returns whether an
 * existing one was adopted.
 */
export async function createSingleton(spec: {
  kind: string;
  ownership: Ownership | undefined;
  /** The journal id, e.g. `<clusterId>` (the declaration is `{ key }`). */
  key: string;
  /** "the backup schedule of cluster <id>" */
  what: string;
  adoptExisting: boolean;
  exists(): Promise<boolean>;
  create(): Promise<void>;
}): Promise<{ adopted: boolean; recovered: boolean }> {
  let existed = false;
  const { result, recovered } = await recoverableCreate<{ adopted: boolean }>({
    kind: spec.kind,
    ownership: spec.ownership,
    declaration: { key: spec.key },
    reusableIds: true,
    snapshot: async () => ((existed = await spec.exists()) ? [spec.key] : []),
    // An interrupted run of this resource made it when it exists now and did not before that run's intent — and, for
    // an intent without an id, appeared within the time that create could take (later, it is someone else's).
    recover: async (pending, isOurs) => {
      if (pending.id === undefined && now() - pending.at > INTENT_WINDOW_MS) return undefined;
      return isOurs(spec.key) && (await spec.exists()) ? { adopted: false } : undefined;
    },
    create: async (isOurs) => {
      const foreign = existed || !isOurs(spec.key);
      if (!existed && foreign) {
        // It does not exist, but another resource's create of it is under way (in this folder, perhaps another stack).
        throw expected(
          new Error(
            `${spec.what} is being created by another resource (an unfinished create in this folder, perhaps of another stack): ` +
              "declare it in one stack only, or run again once that create has finished",
          ),
        );
      }
      if (foreign && !spec.adoptExisting) {
        throw expected(
          new Error(
            `${spec.what} exists already and this resource did not create it: set \`adoptExisting: true\` to take it over ` +
              "(it is then changed as declared, and removed with the resource), or remove it in the Console first",
          ),
        );
      }
      await spec.create();
      return { adopted: foreign };
    },
    idOf: () => spec.key,
  });
  // What the interrupted run made is made as declared now (it may have declared otherwise).
  if (recovered) await spec.create();
  if (result.adopted) progress(`${spec.what} existed and is adopted (adoptExisting: true): it is now as declared, and destroying the resource removes it`);
  return { adopted: result.adopted, recovered };
}
