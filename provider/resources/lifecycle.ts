/**
 * The one lifecycle of every resource. A resource is a short declarative spec — its input schema, which inputs
 * replace it and which it updates in place, how it claims objects within one program, how it is journalled for crash
 * recovery, and its API calls — and `defineResource` turns it into the dynamic provider Pulumi calls:
 *
 * - `check`: the settings, the inputs (an unknown value is accepted at any depth, at preview), one program's claims,
 *   further checks against the API (only for changed, known inputs); the hidden owner key kept.
 * - `diff`: the declared inputs against the declared fields recorded in the outputs, field by field (an unknown value
 *   is a change); replacements and in-place updates as the spec says.
 * - `create` / `update`: the inputs parsed with the schema — fully typed, known values, no casts — the outputs with
 *   the owner key; creates journalled through `recoverableCreate` when the spec says how.
 * - `read`: not-found (and a short grace for eventual consistency) means gone; the refreshed inputs are recorded, so
 *   that `preview --diff` names each drifted field.
 * - `delete`: not-found means done; an object another resource of this program claimed in this run (it moved there)
 *   is kept. Every method forgets the create journal's entry once the engine shows it
 *   recorded the object.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { checkInputs, parseInputs } from "./check";
import { configure, progress } from "./context";
import { ignoreNotFound, isNotFound } from "./errors";
import { isUnknown, type CheckFailure } from "./inputs";
import { claim, claimedByOther, otherManager, ownerLabel, ownerOf, ownerProps, ownershipOf, recorded, refreshedInputs, released } from "./ownership";
import type { Ownership } from "./recovery";

export type Props = Record<string, unknown>;

/** Whether `value` is unknown (the preview's placeholder) anywhere inside. */
export function hasUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

/** Deep equality of two input values, `undefined` and a missing key alike. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue((a as Props)[k], (b as Props)[k]));
  }
  return false;
}

/** An object one resource of a program manages: two resources claiming one fail the preview. */
export interface Claim {
  key: string;
  property: string;
  what: string;
  fix: string;
}

export interface CreateContext {
  /** The resource's owner and create journal (undefined: no owner, or no usable journal folder). */
  ownership: Ownership | undefined;
  /** The raw inputs (with the hidden owner key). */
  raw: Props;
}

/** `<clusterId>/<rest>` ids (a client, a secret, a backup): the two parts, or an error naming the form. */
export function splitId(id: string, type: string, rest: string): [clusterId: string, rest: string] {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) throw new Error(`${type} id ${JSON.stringify(id)} is not of the form <clusterId>/<${rest}>`);
  return [id.slice(0, i), id.slice(i + 1)];
}

/**
 * An error that keeps what a create (or update) made in the stack: the engine records `id` and `properties` (marked
 * `__awaiting`, for the resource's diff to plan the rest), so a destroy still removes it and the next up goes on.
 */
export function keptInStack(message: string, id: string, outs: Props, raw: Props): Error {
  return Object.assign(new Error(message), {
    id,
    properties: { ...outs, __awaiting: true, ...ownerProps(raw), __provider: raw.__provider },
    reasons: [message],
  });
}

export interface DiffMore {
  replaces?: string[];
  updates?: string[];
}

export interface ResourceSpec<S extends z.ZodObject, Out extends Props> {
  /** The SDK type name ("Cluster"): messages, claims. */
  type: string;
  /** The journal and claim kind ("cluster"). */
  kind: string;
  /** The id the create journal records for a resource id (default: the id itself). */
  journalId?: (id: string) => string;
  inputs: S;
  /** Inputs whose change replaces the object. */
  replaceOn: readonly (keyof z.infer<S>)[];
  /** Whether a replacement deletes the old object first (names unique in a cluster). Default false. */
  deleteBeforeReplace?: (olds: Props, news: Props) => boolean;
  /** How a new input value compares with the recorded one (default: deep equality). */
  same?: { [K in keyof z.infer<S>]?: (news: unknown, olds: Props) => boolean };
  /** The declared inputs as the outputs record them (default: the outputs' input keys), for drift naming. */
  declared?(outs: Props): Props;
  /** Further changes only the resource knows of (a cluster still to wait for, an upgrade that cannot be done in place). */
  diffMore?(olds: Props, news: Props): Promise<DiffMore> | DiffMore;
  /** The objects the resource manages, once its inputs are known (for one program's claims). */
  claims?(inputs: z.infer<S>): Claim[];
  /**
   * The id names the API object itself (a member's e-mail, a cluster's schedule, a secret's name — not a client with
   * an id of its own), so another resource may come to own the same object: the claim key of the object with this id.
   * `delete` keeps the object when another resource of this program claims it in this run (a rename), or when the
   * journal of this folder shows another resource (of another stack too) manages it too; either way the delete
   * releases this resource's entry.
   */
  sharedId?: (id: string) => string;
  /** Checks against the API (e.g. names of regions), run only with known inputs. */
  checkMore?(inputs: z.infer<S>, olds: Props): Promise<CheckFailure[]>;
  create(inputs: z.infer<S>, ctx: CreateContext): Promise<{ id: string; outs: Out }>;
  /** The object as it is now, or undefined when it is gone. */
  read(id: string, props: Props): Promise<Props | undefined>;
  /** In-place changes; without it every change replaces (then `replaceOn` should list every input). */
  update?(id: string, olds: Props, inputs: z.infer<S>): Promise<Props>;
  delete(id: string, props: Props): Promise<void>;
}

/** The dynamic provider of a resource spec. */
export function defineResource<S extends z.ZodObject, Out extends Props>(spec: ResourceSpec<S, Out>) {
  const keys = Object.keys(spec.inputs.shape) as (keyof z.infer<S> & string)[];
  const withOwner = (outs: Props, props: Props): Props => ({ ...outs, ...ownerProps(props) });
  const forget = (id: string, props: Props) => recorded(spec.kind, spec.journalId ? spec.journalId(id) : id, props);

  return {
    async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
      configure(req);
    },

    async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
      const checked = checkInputs(spec.inputs, spec.type, news);
      if (checked.failures?.length || hasUnknown(checked.inputs)) return checked;
      const inputs = parseInputs(spec.inputs, spec.type, news);
      const failures: CheckFailure[] = [];
      for (const c of spec.claims?.(inputs) ?? []) {
        const conflict = claim(c.key, ownerOf(news), c.property, c.what, c.fix);
        if (conflict) failures.push(conflict);
      }
      if (!failures.length && spec.checkMore) failures.push(...(await spec.checkMore(inputs, olds)));
      return failures.length ? { inputs: news, failures } : checked;
    },

    async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
      forget(id, olds);
      const replaces: string[] = [];
      const updates: string[] = [];
      for (const key of keys) {
        const same = spec.same?.[key];
        const unchanged = !hasUnknown(news[key]) && (same ? same(news[key], olds) : sameValue(news[key], olds[key]));
        if (!unchanged) (spec.replaceOn.includes(key) ? replaces : updates).push(key);
      }
      const more = (await spec.diffMore?.(olds, news)) ?? {};
      replaces.push(...(more.replaces ?? []));
      updates.push(...(more.updates ?? []));
      return {
        changes: replaces.length > 0 || updates.length > 0,
        replaces,
        deleteBeforeReplace: spec.deleteBeforeReplace?.(olds, news) ?? false,
      };
    },

    async create(raw: Props): Promise<dynamic.CreateResult> {
      const inputs = parseInputs(spec.inputs, spec.type, raw);
      const { id, outs } = await spec.create(inputs, { ownership: ownershipOf(raw), raw });
      return { id, outs: withOwner(outs, raw) };
    },

    async read(id: string, props: Props): Promise<dynamic.ReadResult> {
      forget(id, props);
      let outs: Props | undefined;
      try {
        outs = await spec.read(id, props);
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
      if (!outs) return {};
      const all = withOwner(outs, props);
      const inputs = refreshedInputs(spec.inputs, spec.declared ? spec.declared(all) : all, props);
      return { id, props: all, ...(inputs ? { inputs } : {}) };
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      forget(id, olds);
      if (!spec.update) throw new Error(`${spec.type} cannot be updated in place`);
      const inputs = parseInputs(spec.inputs, spec.type, news);
      return { outs: withOwner(await spec.update(id, olds, inputs), news) };
    },

    async delete(id: string, props: Props): Promise<void> {
      forget(id, props);
      if (!spec.sharedId) return ignoreNotFound(() => spec.delete(id, props));
      // Another resource manages the object too (of this program in this run, or one that created or adopted it
      // later, by the journal of this folder, of another stack too): deleting it would undo that one's.
      const owner = ownerOf(props);
      const journalId = spec.journalId ? spec.journalId(id) : id;
      const successor = claimedByOther(spec.sharedId(id), owner) ?? otherManager(spec.kind, journalId, owner);
      if (successor) progress(`${spec.type} ${JSON.stringify(id)} is now managed by ${ownerLabel(successor)}: it is kept`);
      else await ignoreNotFound(() => spec.delete(id, props));
      released(spec.kind, journalId, props);
    },
  };
}
