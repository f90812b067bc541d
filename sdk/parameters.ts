/**
 * Lookups for programs: the cluster creation parameters (channels with their generations, plan types, regions).
 * These run in the program itself, on every preview and update, so they cost one API request per run; the
 * resources accept names directly and need no lookup.
 */
import type { Parameters } from "../provider/schemas/api";
import { once, programClient } from "./program-client";

export type ClusterParameters = Parameters;

/** The creation parameters, read with the stack's `camunda:*` config or the CAMUNDA_* environment variables. */
export const getClusterParameters: () => Promise<ClusterParameters> = once(() => programClient().getParameters());

export interface NamedItem {
  uuid: string;
  name: string;
}

function byName<T extends NamedItem>(kind: string, items: readonly T[], name: string): T {
  const found = items.find((i) => i.name === name || i.uuid === name);
  if (!found) {
    throw new Error(`No ${kind} named ${JSON.stringify(name)}; the ${kind}s are ${items.map((i) => JSON.stringify(i.name)).join(", ")}`);
  }
  return found;
}

export async function getRegion(name: string): Promise<NamedItem> {
  return byName("region", (await getClusterParameters()).regions, name);
}

export async function getPlanType(name: string): Promise<NamedItem> {
  return byName("plan type", (await getClusterParameters()).clusterPlanTypes, name);
}

export async function getChannel(
  name: string,
): Promise<NamedItem & { defaultGeneration: NamedItem; allowedGenerations: NamedItem[] }> {
  return byName("channel", (await getClusterParameters()).channels, name);
}
