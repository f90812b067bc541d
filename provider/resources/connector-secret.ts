/**
 * Dynamic provider of `camunda.ConnectorSecret`: one connector secret of a cluster. The value is updated in place
 * (PUT) and always kept as a Pulumi secret. A secret that already exists with the same name is adopted (its value
 * set), so a run interrupted after the create converges. Id: `<clusterId>/<secretName>`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { checkInputs, parseInputs } from "./check";
import { configure, consoleClient } from "./context";
import { ignoreNotFound, isNotFound } from "./errors";
import { connectorSecretInputsSchema, isUnknown } from "./inputs";
import { coalesced, invalidateCluster } from "./read-cache";

type Props = Record<string, unknown>;

export function parseSecretId(id: string): { clusterId: string; name: string } {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) {
    throw new Error(`ConnectorSecret id ${JSON.stringify(id)} is not of the form <clusterId>/<secretName>`);
  }
  return { clusterId: id.slice(0, i), name: id.slice(i + 1) };
}

export const connectorSecretProvider = {
  async configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
    configure(req);
  },

  async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return checkInputs(connectorSecretInputsSchema, "ConnectorSecret", news);
  },

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const replaces: string[] = [];
    if (isUnknown(news.clusterId) || news.clusterId !== olds.clusterId) replaces.push("clusterId");
    if (isUnknown(news.name) || news.name !== olds.name) replaces.push("name");
    const valueChanged = isUnknown(news.value) || news.value !== olds.value;
    return { changes: replaces.length > 0 || valueChanged, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const v = { inputs: parseInputs(connectorSecretInputsSchema, "ConnectorSecret", inputs) };
    const clusterId = v.inputs.clusterId as string;
    const name = v.inputs.name as string;
    const value = v.inputs.value as string;
    await consoleClient().createSecret(clusterId, name, value);
    invalidateCluster(clusterId);
    return { id: `${clusterId}/${name}`, outs: { clusterId, name, value } };
  },

  async read(id: string): Promise<dynamic.ReadResult> {
    const { clusterId, name } = parseSecretId(id);
    let secrets: Record<string, string>;
    try {
      secrets = await coalesced(`secrets:${clusterId}`, () => consoleClient().listSecrets(clusterId));
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
    if (!Object.prototype.hasOwnProperty.call(secrets, name)) return {};
    return { id, props: { clusterId, name, value: secrets[name] } };
  },

  async update(id: string, _olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const v = { inputs: parseInputs(connectorSecretInputsSchema, "ConnectorSecret", news) };
    const { clusterId, name } = parseSecretId(id);
    await consoleClient().updateSecret(clusterId, name, v.inputs.value as string);
    invalidateCluster(clusterId);
    return { outs: { clusterId, name, value: v.inputs.value } };
  },

  async delete(id: string): Promise<void> {
    const { clusterId, name } = parseSecretId(id);
    await ignoreNotFound(() => consoleClient().deleteSecret(clusterId, name));
    invalidateCluster(clusterId);
  },
};
