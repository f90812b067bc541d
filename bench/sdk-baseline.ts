/**
 * What a user would write instead of the provider: a plain script with the official SDK's AdminApiClient
 * (@camunda8/sdk) creating the bench stack's objects (cluster, wait until Healthy by polling, clients, secrets,
 * allowlist) and then deleting them. Two styles: `sequential` (one awaited call after another, the obvious script)
 * and `parallel` (each batch of independent calls under one Promise.all). The token cache is the SDK's in-memory one
 * (its disk cache is off, so no file is written under the home folder).
 */
import { Camunda8 } from "@camunda8/sdk";
import type { Emulator } from "../emulator";

export interface SdkShape {
  clients: number;
  secrets: number;
}

export interface SdkPhase {
  wallMs: number;
  tokenRequests: number;
  apiRequests: number;
  byMethod: Record<string, number>;
  byRoute: Record<string, number>;
}

export interface SdkResult {
  style: "sequential" | "parallel";
  pollIntervalMs: number;
  create: SdkPhase;
  delete: SdkPhase;
}

function adminClient(e: Emulator) {
  const { clientId, clientSecret } = e.credentials;
  // The same settings as the environment variables CAMUNDA_CONSOLE_BASE_URL, CAMUNDA_OAUTH_URL, ...; the SDK treats a
  // non-SaaS token URL as Self-Managed and then sends ZEEBE_CLIENT_ID/SECRET for the Console audience, so both are set.
  const c8 = new Camunda8({
    CAMUNDA_AUTH_STRATEGY: "OAUTH",
    CAMUNDA_CONSOLE_BASE_URL: e.url,
    CAMUNDA_OAUTH_URL: e.oauthUrl,
    CAMUNDA_CONSOLE_CLIENT_ID: clientId,
    CAMUNDA_CONSOLE_CLIENT_SECRET: clientSecret,
    ZEEBE_CLIENT_ID: clientId,
    ZEEBE_CLIENT_SECRET: clientSecret,
    CAMUNDA_CONSOLE_OAUTH_AUDIENCE: e.audience,
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
    CAMUNDA_LOG_LEVEL: "none",
  });
  return c8.getAdminApiClient();
}

async function phase(emu: Emulator, fn: () => Promise<void>): Promise<SdkPhase> {
  emu.resetStats();
  const t = performance.now();
  await fn();
  const wallMs = performance.now() - t;
  const s = emu.stats();
  return {
    wallMs,
    tokenRequests: s.tokenRequests.total,
    apiRequests: s.apiRequests.total,
    byMethod: s.apiRequests.byMethod,
    byRoute: s.apiRequests.byRoute,
  };
}

/** Runs `fns` one after another, or all at once. */
async function batch(parallel: boolean, fns: (() => Promise<unknown>)[]): Promise<void> {
  if (parallel) {
    await Promise.all(fns.map((f) => f()));
    return;
  }
  for (const f of fns) await f();
}

export async function runSdkBaseline(
  emu: Emulator,
  shape: SdkShape,
  style: "sequential" | "parallel",
  pollIntervalMs: number,
): Promise<SdkResult> {
  const admin = adminClient(emu);
  const parallel = style === "parallel";
  let clusterId = "";
  const clientIds: string[] = [];
  const secretNames: string[] = [];

  const create = await phase(emu, async () => {
    const params = await admin.getParameters();
    const channel = params.channels.find((c) => c.name === "Stable") ?? params.channels[0];
    const plan = params.clusterPlanTypes.find((p) => p.name === "Trial Cluster") ?? params.clusterPlanTypes[0];
    const region = params.regions.find((r) => r.name === "Belgium, Europe (europe-west1)") ?? params.regions[0];
    ({ clusterId } = await admin.createCluster({
      name: `sdk-${style}`,
      planTypeId: plan.uuid,
      channelId: channel.uuid,
      generationId: channel.defaultGeneration.uuid,
      regionId: region.uuid,
    }));
    while ((await admin.getCluster(clusterId)).status.ready !== "Healthy") {
      await new Promise((r) => setTimeout(r, pollIntervalMs));
    }
    await batch(parallel, [
      ...Array.from({ length: shape.clients }, (_, i) => async () => {
        const c = await admin.createClient({
          clusterUuid: clusterId,
          clientName: `worker-${i}`,
          permissions: i % 2 === 0 ? ["Zeebe"] : ["Zeebe", "Tasklist"],
        });
        clientIds.push(c.clientId);
      }),
      ...Array.from({ length: shape.secrets }, (_, i) => async () => {
        await admin.createSecret({ clusterUuid: clusterId, secretName: `SECRET_${i}`, secretValue: `value-${i}` });
        secretNames.push(`SECRET_${i}`);
      }),
      () =>
        admin.updateIpAllowlist(clusterId, [
          { ip: "203.0.113.0/24", description: "office" },
          { ip: "198.51.100.7", description: "ci" },
        ]),
    ]);
  });

  const del = await phase(emu, async () => {
    await batch(parallel, [
      ...clientIds.map((id) => () => admin.deleteClient(clusterId, id)),
      ...secretNames.map((n) => () => admin.deleteSecret(clusterId, n)),
      () => admin.updateIpAllowlist(clusterId, []),
    ]);
    await admin.deleteCluster(clusterId);
  });

  return { style, pollIntervalMs, create, delete: del };
}
