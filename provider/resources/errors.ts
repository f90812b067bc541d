/** Error predicates the resource providers share. */
import { CamundaApiError } from "../errors";

export function isNotFound(err: unknown): boolean {
  return err instanceof CamundaApiError && err.status === 404;
}

/** Runs a delete and treats "already gone" (404) as success. */
export async function ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** How long a read that found nothing is confirmed over (the service is eventually consistent): 1 s, 2 s, 2 s. */
const CONFIRM_DELAYS_MS = [1000, 2000, 2000];

/**
 * Reads with `read`; a 404 is confirmed with `fresh` (an uncached read) over a few seconds before it counts as gone,
 * because an object created a moment ago may not be visible yet. Throws the 404 when it stays gone.
 */
export async function readOrConfirmGone<T>(read: () => Promise<T>, fresh: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    for (const ms of CONFIRM_DELAYS_MS) {
      await new Promise((r) => setTimeout(r, ms));
      try {
        return await fresh();
      } catch (again) {
        if (!isNotFound(again)) throw again;
      }
    }
    throw err;
  }
}

/** As readOrConfirmGone, for a listing that may not show a new member yet: `find` picks it out of `list()`. */
export async function findOrConfirmGone<L, T>(list: () => Promise<L>, fresh: () => Promise<L>, find: (l: L) => T | undefined): Promise<T | undefined> {
  const first = find(await list());
  if (first !== undefined) return first;
  for (const ms of CONFIRM_DELAYS_MS) {
    await new Promise((r) => setTimeout(r, ms));
    const found = find(await fresh());
    if (found !== undefined) return found;
  }
  return undefined;
}
