import * as pulumi from "@pulumi/pulumi";
import type { CustomResourceOptions } from "@pulumi/pulumi";
import { beforeRegister } from "./guard";

/**
 * The property bag a resource registers: every output name (so that `get`, which passes no arguments, still
 * exposes all of them) set to undefined, then the user's arguments.
 */
export function withOutputs<A extends object>(args: A | undefined, outputs: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const key of outputs) props[key] = undefined;
  return { ...props, ...(args ?? {}) };
}

/** The resource options with `secrets` added to `additionalSecretOutputs`, whatever the user passed. */
export function withSecretOutputs(opts: CustomResourceOptions | undefined, secrets: readonly string[]): CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secrets])] };
}

/**
 * The hidden input `__owner` that ties the provider's create journal and its claims to this very resource of this
 * very stack: JSON of [project, stack, type, name] and, under a parent, the parent's URN. Not set for `get`.
 */
export function withOwner(
  props: Record<string, unknown>,
  type: string,
  name: string,
  opts: CustomResourceOptions | undefined,
): Record<string, unknown> {
  if (opts?.id !== undefined) return props;
  const base = [pulumi.getProject(), pulumi.getStack(), type, name];
  const owner = opts?.parent ? opts.parent.urn.apply((urn) => JSON.stringify([...base, urn])) : JSON.stringify(base);
  return { ...props, __owner: owner };
}

/**
 * The property bag of a resource: every output name, the user's arguments (`secretInputs` wrapped as Pulumi secrets
 * whatever the program passed, so that state, history and `preview --diff` never hold them in plain text) and the
 * owner; the checks of guard.ts first.
 */
export function resourceProps<A extends object>(
  type: string,
  name: string,
  args: A | undefined,
  outputs: readonly string[],
  opts: CustomResourceOptions | undefined,
  secretInputs: readonly string[] = [],
): Record<string, unknown> {
  beforeRegister(type, name, opts);
  const props = withOutputs(args, outputs);
  for (const key of secretInputs) {
    if (props[key] !== undefined) props[key] = pulumi.secret(props[key] as pulumi.Input<unknown>);
  }
  return withOwner(props, type, name, opts);
}
