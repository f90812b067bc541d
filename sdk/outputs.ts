/**
 * The property bag a resource registers: every output name (so that `get`, which passes no arguments, still
 * exposes all of them) set to undefined, then the user's arguments.
 */
export function withOutputs<A extends object>(args: A | undefined, outputs: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const key of outputs) props[key] = undefined;
  return { ...props, ...(args ?? {}) };
}
