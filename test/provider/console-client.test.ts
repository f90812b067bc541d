/**
 * The Console API client against the emulator: bounded retries honouring Retry-After, creating POSTs whose response
 * is lost (recovered, never duplicated), and 403 errors that name the missing scope.
 */
import { Agent } from "undici";
import { CHANNELS, GENERATIONS, PLAN_TYPES, REGIONS, type Emulator, type RecordedResponse } from "../../emulator";
import { CamundaApiError, createConsoleClient, resetTokenProviders, type ConsoleClient, type CreateClusterBody } from "../../provider/api";
import { loseResponses, settingsFor, startEmu } from "./helpers";

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 2_000, maxAttempts: 6, maxTotalMs: 20_000 };

let emu: Emulator | undefined;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  resetTokenProviders();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await emu?.stop();
  emu = undefined;
});

function clusterBody(name: string): CreateClusterBody {
  return {
    name,
    planTypeId: PLAN_TYPES[0].uuid,
    channelId: CHANNELS[0].uuid,
    generationId: GENERATIONS.v88.uuid,
    regionId: REGIONS[0].uuid,
  };
}

describe("retries", () => {
  it("retries GETs through 503s and a 429, waiting as Retry-After says, and succeeds", async () => {
    const seen: number[] = [];
    const route = { method: "GET", route: "/clusters" };
    const onResponse = (r: RecordedResponse) => {
      if (r.kind !== "api") return;
      seen.push(r.statusCode);
      // Two 503s, then one 429 with Retry-After: 1, then the service is fine again.
      if (seen.filter((s) => s === 503).length === 2 && !seen.includes(429)) {
        emu?.setFaults({ rateLimit: { rate: 1, retryAfterSeconds: 1, routes: [route] } });
      } else if (r.statusCode === 429) {
        emu?.setFaults({});
      }
    };
    emu = await startEmu({ onResponse, faults: { serverError: { rate: 1, routes: [route] } } });
    const client = createConsoleClient(settingsFor(emu), { retry: FAST_RETRY });
    closers.push(() => client.close());

    const started = Date.now();
    await expect(client.listClusters()).resolves.toEqual([]);
    const elapsed = Date.now() - started;

    expect(seen).toEqual([503, 503, 429, 200]);
    expect(client.stats.retries).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(1000); // Retry-After: 1 was honoured
    expect(emu.stats().faultsInjected).toMatchObject({ serverError: 2, rateLimit: 1 });
  });

  it("gives up after maxAttempts with the last error", async () => {
    emu = await startEmu({ faults: { serverError: { rate: 1, routes: [{ method: "GET", route: "/clusters" }] } } });
    const client = createConsoleClient(settingsFor(emu), { retry: { ...FAST_RETRY, maxAttempts: 3 } });
    closers.push(() => client.close());

    const err = await client.listClusters().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaApiError);
    expect((err as CamundaApiError).status).toBe(503);
    expect((err as Error).message).toContain("GET /clusters failed with HTTP 503: Service Unavailable");
    expect(emu.stats().apiRequests.byRoute["GET /clusters"]).toBe(3);
    expect(client.stats.retries).toBe(2);
  });

  it("sends a creating POST turned away with 429 again without looking, and never replays one answered 503 blindly", async () => {
    let hook: ((r: RecordedResponse) => void) | undefined;
    emu = await startEmu({ onResponse: (r) => hook?.(r) });
    const client = createConsoleClient(settingsFor(emu), { retry: FAST_RETRY });
    closers.push(() => client.close());

    // 429 on the first POST /clusters: nothing was done, so it is simply sent again.
    emu.setFaults({ rateLimit: { rate: 1, retryAfterSeconds: 0, routes: [{ method: "POST", route: "/clusters" }] } });
    hook = (r) => {
      if (r.statusCode === 429) emu?.setFaults({});
    };
    const { clusterId, recovered } = await client.createCluster(clusterBody("after-429"));
    expect(recovered).toBeUndefined();
    expect(emu.state().clusters.filter((c) => c.name === "after-429")).toHaveLength(1);
    let routes = emu.stats().apiRequests.byRoute;
    expect(routes["POST /clusters"]).toBe(2);
    expect(routes["GET /clusters"]).toBe(1); // the same-named clusters noted before the POST; no lookup after a 429

    // A backup POST answered 503 may or may not have been carried out, and a backup has no name to look for: not replayed.
    hook = undefined;
    emu.setFaults({ serverError: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/backups" }] } });
    await expect(client.createBackup(clusterId)).rejects.toMatchObject({ status: 503 });
    routes = emu.stats().apiRequests.byRoute;
    expect(routes["POST /clusters/:clusterId/backups"]).toBe(1);
  });
});

describe("creating POSTs whose response is lost", () => {
  async function lossyClient(routePattern: RegExp, retry = FAST_RETRY) {
    const loss = loseResponses((opts) => opts.method === "POST" && routePattern.test(String(opts.path)));
    const agent = new Agent();
    const client = createConsoleClient(settingsFor(emu as Emulator), { dispatcher: agent.compose(loss.interceptor), retry });
    closers.push(() => agent.close());
    return { client, loss };
  }

  it("createCluster recovers the cluster its lost POST created, never an older one of the same name", async () => {
    emu = await startEmu();
    const { client, loss } = await lossyClient(/^\/clusters$/);
    const plain = createConsoleClient(settingsFor(emu), { retry: FAST_RETRY });
    closers.push(() => plain.close());
    await plain.createCluster(clusterBody("same-name")); // an older cluster of the same name
    emu.resetStats();

    const result = await client.createCluster(clusterBody("same-name"));

    expect(loss.lost()).toBe(1);
    expect(result.recovered).toBe(true);
    const clusters = emu.state().clusters.filter((c) => c.name === "same-name");
    expect(clusters).toHaveLength(2);
    expect(clusters[1].uuid).toBe(result.clusterId);
    // The same-named clusters listed before the POST are never taken for the one it created.
    expect(emu.stats().apiRequests.byRoute).toEqual({ "POST /clusters": 1, "GET /clusters": 2 });
  });

  it("createCluster returns the cluster the lost POST created (recovered), without creating a second one", async () => {
    emu = await startEmu();
    const { client, loss } = await lossyClient(/^\/clusters$/);

    const result = await client.createCluster(clusterBody("lost-response"));

    expect(loss.lost()).toBe(1);
    expect(result.recovered).toBe(true);
    const clusters = emu.state().clusters.filter((c) => c.name === "lost-response");
    expect(clusters).toHaveLength(1);
    expect(clusters[0].uuid).toBe(result.clusterId);
    expect(emu.stats().apiRequests.byRoute["POST /clusters"]).toBe(1);
    expect(client.stats.recoveries).toBe(1);
  });

  it("createClient returns the client the lost POST created (recovered, no secret), without a duplicate", async () => {
    emu = await startEmu();
    const { client, loss } = await lossyClient(/^\/clusters\/[^/]+\/clients$/);
    const { clusterId } = await client.createCluster(clusterBody("with-client"));

    const created = await client.createClient(clusterId, { clientName: "worker", permissions: ["Zeebe"] });

    expect(loss.lost()).toBe(1);
    expect(created.recovered).toBe(true);
    expect(created.clientSecret).toBeUndefined();
    const stored = emu.state().clients[clusterId];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: "worker", clientId: created.clientId, permissions: ["Zeebe"] });
    expect(emu.stats().apiRequests.byRoute["POST /clusters/:clusterId/clients"]).toBe(1);
  });

  it("createSecret recovers the secret the lost POST created, without a second POST", async () => {
    emu = await startEmu();
    const { client, loss } = await lossyClient(/^\/clusters\/[^/]+\/secrets$/);
    const { clusterId } = await client.createCluster(clusterBody("with-secret"));

    await expect(client.createSecret(clusterId, "API_KEY", "value-1")).resolves.toEqual({ adopted: false, recovered: true });

    expect(loss.lost()).toBe(1);
    expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ API_KEY: "value-1" });
    const routes = emu.stats().apiRequests.byRoute;
    expect(routes["POST /clusters/:clusterId/secrets"]).toBe(1);
    // The adopted secret is written once more: a listed secret may be a deleted one that still lingers.
    expect(routes["PUT /clusters/:clusterId/secrets/:secretName"]).toBe(1);
  });

  it("createSecret creates a secret whose deleted namesake still lingers in the list, after an ambiguous failure", async () => {
    emu = await startEmu();
    emu.setFaults({ secretLingerMs: 60_000 });
    const client = createConsoleClient(settingsFor(emu), { retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    closers.push(() => client.close());
    const { clusterId } = await client.createCluster(clusterBody("lingering"));
    await client.createSecret(clusterId, "API_KEY", "old");
    await client.deleteSecret(clusterId, "API_KEY");
    expect(await client.listSecrets(clusterId)).toEqual(new Map([["API_KEY", "old"]])); // deleted, still listed
    emu.setFaults({ secretLingerMs: 60_000, serverError: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/secrets" }] } });
    let answered = 0;
    const done = client.createSecret(clusterId, "API_KEY", "new");
    // Let the first POST fail (503), then lift the fault so that the second creation goes through.
    while (emu.stats().faultsInjected.serverError === 0 && answered++ < 200) await new Promise((r) => setTimeout(r, 5));
    emu.setFaults({ secretLingerMs: 60_000 });
    await expect(done).resolves.toEqual({ adopted: false });
    expect(emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ API_KEY: "new" });
  });

  it("recovers the object even when no attempt is left (maxAttempts: 1)", async () => {
    emu = await startEmu();
    const { client, loss } = await lossyClient(/^\/clusters\/[^/]+\/clients$/, { ...FAST_RETRY, maxAttempts: 1 });
    const { clusterId } = await client.createCluster(clusterBody("last-attempt"));

    const created = await client.createClient(clusterId, { clientName: "only-try" });

    expect(loss.lost()).toBe(1);
    expect(created).toMatchObject({ name: "only-try", recovered: true });
    expect(emu.state().clients[clusterId]).toHaveLength(1);
  });

  it("posts again when the lost POST created nothing (connection dropped before the handler)", async () => {
    // The client lists the clients before the POST, and looks for the Zeebe client after the drop (the second GET of
    // clients here, then twice more over 3 s, as the service is eventually consistent); the service recovers right then.
    let gets = 0;
    const onResponse = (r: RecordedResponse) => {
      if (r.method === "GET" && r.route === "/clusters/:clusterId/clients" && ++gets === 2) emu?.setFaults({});
    };
    emu = await startEmu({ onResponse });
    const client = createConsoleClient(settingsFor(emu), { retry: FAST_RETRY });
    closers.push(() => client.close());
    const { clusterId } = await client.createCluster(clusterBody("dropped"));
    emu.setFaults({ dropConnection: { rate: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/clients" }] } });

    const created = await client.createClient(clusterId, { clientName: "after-drop" });

    expect(created.recovered).toBeUndefined();
    expect(typeof created.clientSecret).toBe("string");
    expect(emu.state().clients[clusterId]).toHaveLength(1);
    expect(emu.stats().faultsInjected.dropConnection).toBe(1);
    expect(emu.stats().apiRequests.byRoute).toMatchObject({ "POST /clusters/:clusterId/clients": 2, "GET /clusters/:clusterId/clients": 4 });
  });
});

describe("errors", () => {
  it("a 403 names the scope the credential lacks, and is not retried", async () => {
    emu = await startEmu();
    emu.addCredential({ clientId: "cluster-only", clientSecret: "cluster-only-secret", scopes: ["Cluster"] });
    const client: ConsoleClient = createConsoleClient(
      settingsFor(emu, { CAMUNDA_CONSOLE_CLIENT_ID: "cluster-only", CAMUNDA_CONSOLE_CLIENT_SECRET: "cluster-only-secret" }),
      { retry: FAST_RETRY },
    );
    closers.push(() => client.close());
    await expect(client.listClusters()).resolves.toEqual([]);

    const err = await client.listSecrets("some-cluster").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaApiError);
    const apiErr = err as CamundaApiError;
    expect(apiErr.status).toBe(403);
    expect(apiErr.method).toBe("GET");
    expect(apiErr.path).toBe("/clusters/some-cluster/secrets");
    expect(apiErr.message).toContain("HTTP 403");
    expect(apiErr.message).toContain('"Connector Secrets" scope');
    expect(apiErr.hint).toContain("Connector Secrets");
    expect(apiErr.message).not.toContain("cluster-only-secret");
    expect(emu.stats().apiRequests.byStatus).toEqual({ "200": 1, "403": 1 });
  });

  it("a 404 says the object is gone and suggests `pulumi refresh`", async () => {
    emu = await startEmu();
    const client = createConsoleClient(settingsFor(emu), { retry: FAST_RETRY });
    closers.push(() => client.close());
    const err = await client.getCluster("no-such-cluster").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaApiError);
    expect((err as CamundaApiError).status).toBe(404);
    expect((err as Error).message).toMatch(/pulumi refresh/);
    expect(emu.stats().apiRequests.byRoute["GET /clusters/:clusterId"]).toBe(1);
  });
});
