/**
 * Dynamic provider of `camunda.ConnectorSecret`: one connector secret of a cluster. The value is updated in place
 * (PUT) and always kept as a Pulumi secret. A secret of that name that existed before is someone else's: the create
 * fails, unless `adoptExisting: true` takes it over (announced). A run interrupted after the create converges through
 * the create journal (recovery.ts). Id: `<clusterId>/<secretName>`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient, progress } from "./context";
import { ignoreNotFound, isNotFound } from "./errors";
import { connectorSecretInputsSchema, isUnknown, type ConnectorSecretInputs } from "./inputs";
import { claim, claimedByOther, ownerLabel, ownerOf, ownerProps, ownershipOf, recorded, refreshedInputs } from "./ownership";
import { coalesced, invalidateCluster, snapshot } from "./read-cache";
import { recoverableCreate } from "./recovery";

type Props = Record<string, unknown>;

export function parseSecretId(id: string): { clusterId: string; name: string } {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) {
    throw new Error(`ConnectorSecret id ${JSON.stringify(id)} is not of the form <clusterId>/<secretName>`);
  }
  return { clusterId: id.slice(0, i), name: id.slice(i + 1) };
}

function outputs(clusterId: string, name: string, value: unknown, props: Props, extra: Props = {}): Props {
  return { clusterId, name, value, ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}), ...extra, ...ownerProps(props) };
}

export const connectorSecretProvider = {
  async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configure(req);
  },

  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const checked = checkInputs(connectorSecretInputsSchema, "ConnectorSecret", news);
    if (checked.failures?.length) return checked;
    const { clusterId, name } = checked.inputs as ConnectorSecretInputs;
    if (isUnknown(clusterId) || isUnknown(name)) return checked;
    const conflict = claim(
      `secret/${clusterId}/${name}`,
      ownerOf(news),
      "name",
      `the connector secret ${JSON.stringify(name)} of cluster ${clusterId}`,
      "declare each secret once (destroying one would delete the other's secret)",
    );
    return conflict ? { inputs: news, failures: [conflict] } : checked;
  },

  async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    recorded("secret", id, olds);
    const replaces: string[] = [];
    if (isUnknown(news.clusterId) || news.clusterId !== olds.clusterId) replaces.push("clusterId");
    if (isUnknown(news.name) || news.name !== olds.name) replaces.push("name");
    const valueChanged = isUnknown(news.value) || news.value !== olds.value;
    const adoptChanged = (news.adoptExisting ?? false) !== (olds.adoptExisting ?? false); // recorded only: it acts at create
    // Names are unique in a cluster: a replacement that keeps them (`pulumi up --replace`) must delete first.
    const sameIdentity = !replaces.includes("clusterId") && !replaces.includes("name");
    return { changes: replaces.length > 0 || valueChanged || adoptChanged, replaces, deleteBeforeReplace: sameIdentity };
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const ins = parseInputs(connectorSecretInputsSchema, "ConnectorSecret", inputs);
    const clusterId = ins.clusterId as string;
    const name = ins.name as string;
    const value = ins.value as string;
    const client = consoleClient();
    const key = `${clusterId}/${name}`;
    let listedBefore: string | null = null;
    const owned = ownershipOf(inputs);
    const { result, recovered } = await recoverableCreate<{ adopted: boolean }>({
      kind: "secret",
      ownership: owned,
      fingerprint: owned?.journal.fingerprintOf(value),
      declaration: { clusterId, name },
      now: () => client.serverNow(),
      snapshot: async () => {
        listedBefore = (await snapshot(`secrets/${clusterId}`, () => client.listSecrets(clusterId))).get(name) ?? null;
        return listedBefore === null ? [] : [key];
      },
      recover: async (pending, isOurs) => {
        // An interrupted run of this resource created the secret when it exists now, did not exist before its intent,
        // and holds the value that run sent (its keyed hash is in the intent).
        const listed = (await client.listSecrets(clusterId)).get(name);
        if (!isOurs(key) || listed === undefined || !owned || pending.fingerprint !== owned.journal.fingerprintOf(listed)) return undefined;
        try {
          await client.updateSecret(clusterId, name, value);
          return { adopted: false };
        } catch (err) {
          if (isNotFound(err)) return undefined; // a deleted secret that lingers in the listing
          throw err;
        }
      },
      create: async (isOurs) =>
        client.createSecret(clusterId, name, value, {
          // Claimed by another resource's journal: never this call's, whatever the listing shows (the declared value
          // as "before" makes the client take no listed secret for its own).
          before: isOurs(key) ? listedBefore : (listedBefore ?? value),
          adoptExisting: ins.adoptExisting === true,
        }),
      idOf: () => key,
    });
    if (recovered) progress(`connector secret ${JSON.stringify(name)} was created by an interrupted run of this resource: adopting it`);
    if (result.adopted) {
      progress(
        `connector secret ${JSON.stringify(name)} existed on cluster ${clusterId} and is adopted (adoptExisting: true): ` +
          "its value is now the declared one, and destroying this resource deletes it",
      );
    }
    invalidateCluster(clusterId);
    return { id: `${clusterId}/${name}`, outs: outputs(clusterId, name, value, inputs, result.adopted ? { adopted: true } : {}) };
  },

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    recorded("secret", id, props);
    const { clusterId, name } = parseSecretId(id);
    let secrets: Map<string, string>;
    try {
      secrets = await coalesced(`secrets:${clusterId}`, () => consoleClient().listSecrets(clusterId));
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    const value = secrets.get(name);
    if (value === undefined) return {};
    const outs = outputs(clusterId, name, value, props, props.adopted ? { adopted: true } : {});
    const inputs = refreshedInputs(connectorSecretInputsSchema, outs, props);
    return { id, props: outs, ...(inputs ? { inputs } : {}) };
  },

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    recorded("secret", id, olds);
    const ins = parseInputs(connectorSecretInputsSchema, "ConnectorSecret", news);
    const { clusterId, name } = parseSecretId(id);
    if (ins.value !== olds.value) {
      await consoleClient().updateSecret(clusterId, name, ins.value as string);
      invalidateCluster(clusterId);
    }
    return { outs: outputs(clusterId, name, ins.value, news, olds.adopted ? { adopted: true } : {}) };
  },

  async delete(id: string, props: Props): Promise<void> {
    recorded("secret", id, props);
    const { clusterId, name } = parseSecretId(id);
    // The secret moved to another resource of this program in this run: deleting it would remove that one's.
    const successor = claimedByOther(`secret/${clusterId}/${name}`, ownerOf(props));
    if (successor) {
      progress(`connector secret ${JSON.stringify(name)} of cluster ${clusterId} is now managed by ${ownerLabel(successor)}: it is kept`);
      return;
    }
    await ignoreNotFound(() => consoleClient().deleteSecret(clusterId, name));
    invalidateCluster(clusterId);
  },
};
