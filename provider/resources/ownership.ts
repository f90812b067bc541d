/**
 * Who owns what: the owner key the SDK passes to every resource (the hidden input `__owner`), the create journal of
 * that owner, and the claims of one program (one dynamic-provider process serves one Pulumi operation), so that two
 * resources that would manage the same Console object fail `check` with both of their names.
 */
import { currentJournal } from "./context";
import type { CheckFailure } from "./inputs";
import { isUnknown } from "./inputs";
import type { Ownership } from "./recovery";

/** The hidden input that carries the owner: JSON of [project, stack, type, resource name, parent URN?]. */
export const OWNER_INPUT = "__owner";

/** The owner key of a resource's inputs or outputs, when the SDK passed one. */
export function ownerOf(props: Record<string, unknown>): string | undefined {
  const v = props[OWNER_INPUT];
  return typeof v === "string" && v !== "" && !isUnknown(v) ? v : undefined;
}

/** `{ __owner }` to keep in a resource's outputs (diff, read and delete receive the outputs). */
export function ownerProps(props: Record<string, unknown>): Record<string, string> {
  const owner = ownerOf(props);
  return owner ? { [OWNER_INPUT]: owner } : {};
}

/** The journal of this owner, or undefined without an owner (then no crash recovery happens at all). */
export function ownershipOf(props: Record<string, unknown>): Ownership | undefined {
  const owner = ownerOf(props);
  const journal = owner ? currentJournal() : undefined;
  return owner && journal ? { owner, journal } : undefined;
}

/** `Cluster "orders"` for an owner key (the resource's type and Pulumi name). */
export function ownerLabel(owner: string): string {
  try {
    const [, , type, name] = JSON.parse(owner) as unknown[];
    if (typeof type === "string" && typeof name === "string") return `${type} ${JSON.stringify(name)}`;
  } catch {
    // not JSON
  }
  return JSON.stringify(owner);
}

/** The engine recorded object `id` of this resource: its create journal entry is no longer needed. */
export function recorded(kind: string, id: string, props: Record<string, unknown>): void {
  const owner = ownerOf(props);
  if (owner) currentJournal()?.forget(kind, owner, id);
}

// ---- claims of one program ----------------------------------------------------------------------------------

const claims = new Map<string, string>();

/**
 * Claims `key` (e.g. `allowlist/<clusterId>`) for `owner`; when another resource of this program already claimed it,
 * returns the failure naming both. `what` describes the object, `fix` how to resolve the conflict.
 */
export function claim(key: string, owner: string | undefined, property: string, what: string, fix: string): CheckFailure | undefined {
  if (!owner) return undefined;
  const holder = claims.get(key);
  if (holder === undefined) {
    claims.set(key, owner);
    return undefined;
  }
  if (holder === owner) return undefined;
  return { property, reason: `${ownerLabel(owner)} and ${ownerLabel(holder)} both manage ${what}: ${fix}` };
}

/**
 * Another resource that manages object `id` of `kind` too, by the journal of this folder (of another stack too): one
 * whose entry names the id — it created or adopted the object and has not deleted it or moved off it since (a delete
 * releases its entry, a new key overwrites it). `owner`'s delete must keep the object then.
 */
export function otherManager(kind: string, id: string, owner: string | undefined): string | undefined {
  const journal = currentJournal();
  if (!journal || !owner) return undefined;
  return journal.others(kind, owner).find((e) => e.id === id)?.owner;
}

/** `owner`'s delete of object `id` is done (deleted, or kept for another): its entry no longer names the object. */
export function released(kind: string, id: string, props: Record<string, unknown>): void {
  const owner = ownerOf(props);
  const journal = owner ? currentJournal() : undefined;
  if (owner && journal?.find(kind, owner)?.id === id) journal.clear(kind, owner);
}

/** The resource of this program, other than `owner`, that claimed `key`, if any. */
export function claimedByOther(key: string, owner: string | undefined): string | undefined {
  const holder = claims.get(key);
  return holder !== undefined && holder !== owner ? holder : undefined;
}

/**
 * The resource of this program that claimed `key` in this run, if any (its own owner included: a resource replaced
 * in this run is declared again, so the delete of its old object must not undo the new one).
 */
export function claimed(key: string): string | undefined {
  return claims.get(key);
}

/** Forgets every claim (tests). */
export function clearClaims(): void {
  claims.clear();
}

/**
 * The inputs a refresh records for a managed resource: its declared fields as the refresh found them (the input
 * keys of `schema`, taken from `outputs`), so that a later `preview --diff` names each drifted field with its live
 * and declared value (secrets stay masked: the engine keeps an input secret when it was). Undefined for a resource
 * read with `get` (no owner): its inputs are not the user's.
 */
export function refreshedInputs(schema: { shape: object }, outputs: Record<string, unknown>, props: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!ownerOf(props)) return undefined;
  const inputs: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) if (outputs[key] !== undefined) inputs[key] = outputs[key];
  return { ...inputs, ...ownerProps(props) };
}
