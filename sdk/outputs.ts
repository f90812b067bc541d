import type { CustomResourceOptions } from "@pulumi/pulumi";

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
