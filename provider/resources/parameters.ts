/**
 * Resolves a cluster's region, plan type, channel and generation, each given by name or uuid, against the
 * Console API's creation parameters; unknown values give a failure that lists the valid names.
 */
import type { Parameters } from "../schemas/api";
import type { CheckFailure } from "./inputs";
import { coalesced } from "./read-cache";
import { consoleClient } from "./context";

export interface NamedId {
  uuid: string;
  name: string;
}

export interface ResolvedParameters {
  region: NamedId;
  plan: NamedId;
  channel: NamedId;
  generation: NamedId;
}

export interface ParameterChoice {
  region: string;
  plan: string;
  channel: string;
  generation?: string;
}

/** The creation parameters, read once per process. */
export function loadParameters(): Promise<Parameters> {
  return coalesced("parameters", () => consoleClient().getParameters(), 10 * 60_000);
}

function find<T extends NamedId>(items: readonly T[], wanted: string): T | undefined {
  const w = wanted.trim();
  return (
    items.find((i) => i.uuid === w) ??
    items.find((i) => i.name === w) ??
    items.find((i) => i.name.toLowerCase() === w.toLowerCase())
  );
}

function list(items: readonly NamedId[]): string {
  return items.map((i) => JSON.stringify(i.name)).join(", ");
}

export function resolveParameters(
  params: Parameters,
  choice: ParameterChoice,
): { resolved: ResolvedParameters; failures: [] } | { resolved: undefined; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const region = find(params.regions, choice.region);
  if (!region) {
    failures.push({
      property: "region",
      reason: `Cluster.region: ${JSON.stringify(choice.region)} is not a region; use one of ${list(params.regions)} (or its uuid)`,
    });
  }
  const plan = find(params.clusterPlanTypes, choice.plan);
  if (!plan) {
    failures.push({
      property: "plan",
      reason: `Cluster.plan: ${JSON.stringify(choice.plan)} is not a plan type; use one of ${list(params.clusterPlanTypes)} (or its uuid)`,
    });
  }
  const channel = find(params.channels, choice.channel);
  if (!channel) {
    failures.push({
      property: "channel",
      reason: `Cluster.channel: ${JSON.stringify(choice.channel)} is not a channel; use one of ${list(params.channels)} (or its uuid)`,
    });
  }
  let generation: NamedId | undefined;
  if (channel) {
    if (choice.generation === undefined) {
      generation = channel.defaultGeneration;
    } else {
      generation = find(channel.allowedGenerations, choice.generation);
      if (!generation) {
        failures.push({
          property: "generation",
          reason:
            `Cluster.generation: ${JSON.stringify(choice.generation)} is not available on channel ${JSON.stringify(channel.name)}; ` +
            `use one of ${list(channel.allowedGenerations)}, or omit it for the default ${JSON.stringify(channel.defaultGeneration.name)}`,
        });
      }
    }
  }
  if (failures.length || !region || !plan || !channel || !generation) return { resolved: undefined, failures };
  const pick = (x: NamedId): NamedId => ({ uuid: x.uuid, name: x.name });
  return {
    resolved: { region: pick(region), plan: pick(plan), channel: pick(channel), generation: pick(generation) },
    failures: [],
  };
}

/** True when `wanted` (a name or uuid) designates the same object as the stored name/uuid pair. */
export function sameChoice(wanted: unknown, stored: { input?: unknown; uuid?: unknown; name?: unknown }): boolean {
  if (typeof wanted !== "string") return wanted === stored.input;
  const w = wanted.trim();
  return (
    w === stored.input ||
    w === stored.uuid ||
    (typeof stored.name === "string" && w.toLowerCase() === stored.name.toLowerCase())
  );
}

/** The version numbers in a generation's name ("Camunda 8.8.x" → [8, 8]; "Camunda 8.9.0-alpha2" → [8, 9, 0]). */
function versionOf(name: string): number[] {
  const m = /(\d+(?:\.\d+)*)/.exec(name);
  return m ? m[1].split(".").map(Number) : [];
}

/**
 * Whether generation `to` is newer than `from` (by the versions in their names; by their order in the channel's
 * list when the names carry none): an upgrade the API can make in place.
 */
export function isNewerGeneration(channel: Parameters["channels"][number], from: NamedId, to: NamedId): boolean {
  const a = versionOf(from.name);
  const b = versionOf(to.name);
  if (a.length && b.length) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = (b[i] ?? 0) - (a[i] ?? 0);
      if (d !== 0) return d > 0;
    }
    return false;
  }
  const ids = channel.allowedGenerations.map((g) => g.uuid);
  return ids.indexOf(to.uuid) > ids.indexOf(from.uuid);
}
