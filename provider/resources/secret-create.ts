/**
 * Creating a connector secret: journalled (recovery.ts), so that what an interrupted run of this resource made is
 * adopted (it exists now, did not before, and holds the value that run sent), and never taking over a secret that
 * existed before unless `adoptExisting` says so (announced).
 */
import { consoleClient, progress } from "./context";
import { isNotFound } from "./errors";
import type { ConnectorSecretInputs } from "./inputs";
import type { CreateContext, Props } from "./lifecycle";
import { snapshot } from "./read-cache";
import { recoverableCreate } from "./recovery";

/** What a refresh keeps from the record (the API does not show it). */
export function recordedFields(props: Props): Props {
  return { ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}), ...(props.adopted ? { adopted: true } : {}) };
}

/** The create, journalled (recovery.ts) and never taking over an existing secret unless `adoptExisting` says so. */
export async function createSecret(ins: ConnectorSecretInputs, { ownership }: CreateContext): Promise<{ adopted: boolean }> {
  const { clusterId, name, value } = ins;
  const client = consoleClient();
  const key = `${clusterId}/${name}`;
  let listedBefore: string | null = null;
  const { result, recovered } = await recoverableCreate<{ adopted: boolean }>({
    kind: "secret",
    ownership,
    declaration: { clusterId, name },
    fingerprint: ownership?.journal.fingerprintOf(value),
    snapshot: async () => {
      listedBefore = (await snapshot(`secrets/${clusterId}`, () => client.listSecrets(clusterId))).get(name) ?? null;
      return listedBefore === null ? [] : [key];
    },
    // An interrupted run of this resource made the secret when it exists now, did not before, and holds what it sent.
    recover: async (pending, isOurs) => {
      const listed = (await client.listSecrets(clusterId)).get(name);
      if (!isOurs(key) || listed === undefined || pending.fingerprint !== ownership?.journal.fingerprintOf(listed)) return undefined;
      const written = await client.updateSecret(clusterId, name, value).then(
        () => true,
        (err: unknown) => (isNotFound(err) ? false : Promise.reject(err)), // a deleted secret that lingers in the listing
      );
      return written ? { adopted: false } : undefined;
    },
    // Claimed by another resource's journal: never this call's (the declared value as "before" refuses any listing).
    create: (isOurs) => client.createSecret(clusterId, name, value, { before: isOurs(key) ? listedBefore : (listedBefore ?? value), adoptExisting: ins.adoptExisting === true }),
    idOf: () => key,
  });
  if (recovered) progress(`connector secret ${JSON.stringify(name)} was created by an interrupted run of this resource: adopting it`);
  if (result.adopted) {
    progress(
      `connector secret ${JSON.stringify(name)} existed on cluster ${clusterId} and is adopted (adoptExisting: true): ` +
        "its value is now the declared one, and destroying this resource deletes it",
    );
  }
  return result;
}
