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
