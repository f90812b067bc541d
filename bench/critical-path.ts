/**
 * The API critical path of the bench stack, measured directly with plain HTTP against the emulator: one token
 * request, the cluster create, the provisioning time until the cluster first reads Healthy (polled back to back, so
 * the wait is as short as the API allows), and the slowest of the dependent creates (a client, a secret and the IP
 * allowlist, sent at once). No client-side limit, retry or backoff is involved: this is the least time any tool can
 * take to build the stack against this API.
 */
import type { Emulator } from "../emulator";

export interface CriticalPath {
  tokenMs: number;
  clusterCreateMs: number;
  provisioningMs: number;
  /** Polls made while waiting (back to back, each one a full round trip). */
  polls: number;
  slowestDependentMs: number;
  dependentMs: Record<string, number>;
  totalMs: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function ok(res: Response, what: string): Promise<string> {
  const text = await res.text();
  if (!res.ok) throw new Error(`critical path: ${what} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

export async function measureCriticalPath(emu: Emulator): Promise<CriticalPath> {
  const [token, tokenMs] = await timed(async () => {
    const res = await fetch(emu.oauthUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: emu.credentials.clientId,
        client_secret: emu.credentials.clientSecret,
        audience: emu.audience,
      }).toString(),
    });
    return (JSON.parse(await ok(res, "token")) as { access_token: string }).access_token;
  });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" };
  const api = (method: string, p: string, body?: unknown) =>
    fetch(`${emu.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

  // The creation parameters are looked up outside the timed path (a tool can cache them).
  const params = JSON.parse(await ok(await api("GET", "/clusters/parameters"), "parameters")) as {
    channels: { uuid: string; name: string; defaultGeneration: { uuid: string } }[];
    clusterPlanTypes: { uuid: string; name: string }[];
    regions: { uuid: string; name: string }[];
  };
  const channel = params.channels.find((c) => c.name === "Stable") ?? params.channels[0];
  const plan = params.clusterPlanTypes.find((p) => p.name === "Trial Cluster") ?? params.clusterPlanTypes[0];
  const region = params.regions.find((r) => r.name.startsWith("Belgium")) ?? params.regions[0];

  const [clusterId, clusterCreateMs] = await timed(async () => {
    const res = await api("POST", "/clusters", {
      name: "critical-path",
      planTypeId: plan.uuid,
      channelId: channel.uuid,
      generationId: channel.defaultGeneration.uuid,
      regionId: region.uuid,
    });
    return (JSON.parse(await ok(res, "create cluster")) as { clusterId: string }).clusterId;
  });

  let polls = 0;
  const [, provisioningMs] = await timed(async () => {
    for (;;) {
      polls++;
      const c = JSON.parse(await ok(await api("GET", `/clusters/${clusterId}`), "get cluster")) as { status?: { ready?: string } };
      if (c.status?.ready === "Healthy") return;
    }
  });

  const deps: Record<string, () => Promise<Response>> = {
    client: () => api("POST", `/clusters/${clusterId}/clients`, { clientName: "critical-path", permissions: ["Zeebe"] }),
    secret: () => api("POST", `/clusters/${clusterId}/secrets`, { secretName: "CRITICAL_PATH", secretValue: "v" }),
    allowlist: () => api("PUT", `/clusters/${clusterId}/ipallowlist`, { ipallowlist: [{ ip: "203.0.113.0/24", description: "x" }] }),
  };
  const dependentMs: Record<string, number> = {};
  await Promise.all(
    Object.entries(deps).map(async ([name, fn]) => {
      const [, ms] = await timed(async () => ok(await fn(), `create ${name}`));
      dependentMs[name] = ms;
    }),
  );
  const slowestDependentMs = Math.max(...Object.values(dependentMs));
  await ok(await api("DELETE", `/clusters/${clusterId}`), "delete cluster");
  return {
    tokenMs,
    clusterCreateMs,
    provisioningMs,
    polls,
    slowestDependentMs,
    dependentMs,
    totalMs: tokenMs + clusterCreateMs + provisioningMs + slowestDependentMs,
  };
}
