/**
 * The Console API client the program's lookups use (not the resources: those run in the provider process). Built
 * once per program from the stack's raw `camunda:*` config (secrets decrypted, read without Config.get's
 * "secret read as plain" warning) or the CAMUNDA_* environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { createConsoleClient, resolveBaseUrl, resolveSettings, type ConsoleClient } from "../provider/api";

const config = (key: string): string | undefined => pulumi.runtime.getConfig(`camunda:${key}`);

let client: ConsoleClient | undefined;

export function programClient(): ConsoleClient {
  client ??= createConsoleClient(resolveSettings(config, process.env));
  return client;
}

/** The Console API base URL alone (for the operations that need no credentials). */
export function programBaseUrl(): string {
  return resolveBaseUrl(config, process.env);
}

/** Memoizes a lookup for the program's run; a failure is not kept, so a retry asks again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = load();
      pending.catch(() => (pending = undefined));
    }
    return pending;
  };
}
