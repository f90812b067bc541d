/**
 * The shared, throttled token provider against the emulator: single flight, the process-wide one-request-per-second
 * throttle, refresh before expiry, bad credentials (one request, a clear error, remembered), 429 with Retry-After,
 * and revoked tokens (one refresh).
 */
import type { Emulator, RecordedResponse } from "../../emulator";
import {
  CamundaApiError,
  CamundaAuthError,
  createConsoleClient,
  getTokenProvider,
  resetTokenProviders,
  TOKEN_REQUEST_SPACING_MS,
  type ConsoleClient,
} from "../../provider/api";
import { settingsFor, sleep, startEmu } from "./helpers";

let emu: Emulator | undefined;
const clients: ConsoleClient[] = [];

function track<T extends ConsoleClient>(c: T): T {
  clients.push(c);
  return c;
}

beforeEach(() => {
  resetTokenProviders();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emu?.stop();
  emu = undefined;
});

function tokenRecorder(): { times: number[]; statuses: number[]; tokens: string[]; onResponse: (r: RecordedResponse) => void } {
  const rec = {
    times: [] as number[],
    statuses: [] as number[],
    tokens: [] as string[],
    onResponse: (r: RecordedResponse) => {
      if (r.kind !== "token") return;
      rec.times.push(r.receivedAt); // when the request arrived: what the token service's limit measures
      rec.statuses.push(r.statusCode);
      if (r.statusCode === 200) rec.tokens.push((JSON.parse(r.body) as { access_token: string }).access_token);
    },
  };
  return rec;
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

function jwtExpMs(token: string): number {
  return (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as { exp: number }).exp * 1000;
}

describe("single flight", () => {
  it("makes exactly one token request for 200 concurrent API callers and 200 concurrent getToken() callers", async () => {
    emu = await startEmu();
    const settings = settingsFor(emu);
    // As the resource providers do: many clients built from the same settings share the process's token provider.
    const many = Array.from({ length: 200 }, () => track(createConsoleClient(settings)));
    expect(new Set(many.map((c) => c.options.tokens)).size).toBe(1);

    const results = await Promise.all(many.map((c) => c.listClusters()));
    expect(results).toHaveLength(200);
    expect(results.every((r) => Array.isArray(r))).toBe(true);

    const provider = many[0].options.tokens;
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);

    const stats = emu.stats();
    expect(stats.tokenRequests.total).toBe(1);
    expect(stats.tokenRequests.ok).toBe(1);
    expect(stats.apiRequests.total).toBe(200);
    expect(stats.apiRequests.byStatus).toEqual({ "200": 200 });
    expect(provider.stats.requests).toBe(1);
  });

  it("makes exactly one token request when 200 callers ask a fresh provider at once", async () => {
    emu = await startEmu();
    const settings = settingsFor(emu);
    const provider = getTokenProvider({
      tokenUrl: settings.oauthUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      audience: settings.audience,
    });
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(emu.stats().tokenRequests.total).toBe(1);
  });
});

describe("the process-wide throttle", () => {
  it("never sends two token requests less than a second apart, across refreshes and credentials, and never gets a 429", async () => {
    const rec = tokenRecorder();
    // The real token rate limit: a second request within 1 s would be answered 429 and block the address.
    emu = await startEmu({ tokenRateLimit: { minIntervalMs: 1000, blockMs: 5000 }, onResponse: rec.onResponse });
    emu.addCredential({ clientId: "second-client", clientSecret: "second-secret-value", scopes: ["Cluster"] });
    const a = track(createConsoleClient(settingsFor(emu)));
    const b = track(createConsoleClient(settingsFor(emu, { CAMUNDA_CONSOLE_CLIENT_ID: "second-client", CAMUNDA_CONSOLE_CLIENT_SECRET: "second-secret-value" })));
    expect(a.options.tokens).not.toBe(b.options.tokens);

    // Two credentials at once: two providers, one throttle.
    await Promise.all([a.listClusters(), b.listClusters()]);
    // Every token revoked: both providers refresh, with many callers each.
    emu.revokeTokens();
    await Promise.all([...Array.from({ length: 10 }, () => a.listClusters()), ...Array.from({ length: 10 }, () => b.listClusters())]);
    // An explicit invalidation forces one more request.
    a.options.tokens.invalidate(await a.options.tokens.getToken());
    await a.listClusters();

    expect(rec.times).toHaveLength(5);
    for (const gap of gaps(rec.times)) expect(gap).toBeGreaterThanOrEqual(1000);
    expect(rec.statuses.every((s) => s === 200)).toBe(true);
    const stats = emu.stats();
    expect(stats.tokenRequests.total).toBe(5);
    expect(stats.tokenRequests.rateLimited).toBe(0);
    expect(stats.apiRequests.byStatus["429"]).toBeUndefined();
  });
});

describe("refresh before expiry", () => {
  it("gets a new token before the old one expires, so the API never answers 401", async () => {
    const rec = tokenRecorder();
    emu = await startEmu({ tokenTtlSeconds: 3, onResponse: rec.onResponse });
    const client = track(createConsoleClient(settingsFor(emu)));

    const until = Date.now() + 3_300;
    let calls = 0;
    while (Date.now() < until) {
      await client.listClusters();
      calls++;
      await sleep(100);
    }

    const stats = emu.stats();
    expect(stats.apiRequests.byStatus["401"]).toBeUndefined();
    expect(stats.apiRequests.byStatus["200"]).toBe(calls);
    // At least one refresh, and each new token was asked for while the previous one was still valid.
    expect(rec.tokens.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < rec.tokens.length; i++) {
      expect(rec.times[i]).toBeLessThan(jwtExpMs(rec.tokens[i - 1]));
    }
    // ... and not wastefully early: a 3 s token is not refreshed more than every ~second.
    expect(rec.tokens.length).toBeLessThanOrEqual(4);
  });
});

describe("bad credentials", () => {
  const WRONG = "wrong-secret-Zq81xPv";

  it("make exactly one token request and fail with a clear error naming the client id and its source, never the secret", async () => {
    emu = await startEmu();
    const settings = settingsFor(emu, { CAMUNDA_CONSOLE_CLIENT_SECRET: WRONG });
    const client = track(createConsoleClient(settings));

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => client.listClusters()));
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    const err = (outcomes[0] as PromiseRejectedResult).reason as CamundaAuthError;
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect(err.status).toBe(401);
    expect(err.message).toContain('"demo-client"');
    expect(err.message).toContain("environment variable CAMUNDA_CONSOLE_CLIENT_ID");
    expect(err.message).toMatch(/CAMUNDA_CONSOLE_CLIENT_SECRET/);
    expect(err.message).toMatch(/does not retry/);
    for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).not.toContain(WRONG);
    expect(JSON.stringify(err)).not.toContain(WRONG);
    expect(emu.stats().tokenRequests.total).toBe(1);

    // The failure is remembered: asking again sends nothing.
    await expect(client.options.tokens.getToken()).rejects.toBe(err);
    await expect(client.getParameters()).rejects.toBeInstanceOf(CamundaAuthError);
    await sleep(TOKEN_REQUEST_SPACING_MS + 100);
    await expect(client.options.tokens.getToken()).rejects.toBe(err);
    expect(emu.stats().tokenRequests.total).toBe(1);
    expect(emu.stats().apiRequests.total).toBe(0);
  });

  it("name stack config as the source when the client id came from there, and a corrected secret works", async () => {
    emu = await startEmu();
    const bad = settingsFor(emu, {}, { clientId: "demo-client", clientSecret: WRONG });
    expect(bad.sources.clientId).toBe("stack config camunda:clientId");
    const err = await track(createConsoleClient(bad)).options.tokens.getToken().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect((err as Error).message).toContain("stack config camunda:clientId");
    expect((err as Error).message).not.toContain(WRONG);

    // A corrected secret replaces the remembered failure (a new provider for the new secret).
    const good = track(createConsoleClient(settingsFor(emu, {}, { clientId: "demo-client" })));
    await expect(good.listClusters()).resolves.toEqual([]);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 2, unauthorized: 1, ok: 1 });
  });
});

describe("token service 429", () => {
  it("waits as Retry-After says and recovers once the address is unblocked", async () => {
    // A wide interval, so that the provider's request is sure to come within it however late it starts.
    emu = await startEmu({ tokenRateLimit: { minIntervalMs: 5000, blockMs: 2000 } });
    const settings = settingsFor(emu);
    const client = track(createConsoleClient(settings));
    // Let this process's throttle slot free up, so that the provider's request follows the raw one at once.
    await sleep(TOKEN_REQUEST_SPACING_MS + 50);

    // Another client behind the same address takes a token: the provider's request right after it gets the address blocked.
    const raw = await fetch(emu.oauthUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        audience: settings.audience,
      }).toString(),
    });
    expect(raw.status).toBe(200);
    await raw.body?.cancel();

    const started = Date.now();
    await expect(client.listClusters()).resolves.toEqual([]);
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(6000);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 3, ok: 2, rateLimited: 1 });
    expect(client.options.tokens.stats.requests).toBe(2);
    expect(emu.stats().apiRequests.byStatus).toEqual({ "200": 1 });
  });
});

describe("revoked tokens", () => {
  it("a 401 from the API refreshes the token once and the call succeeds; concurrent 401s share one refresh", async () => {
    emu = await startEmu();
    const client = track(createConsoleClient(settingsFor(emu)));
    await client.listClusters();
    const first = await client.options.tokens.getToken();

    emu.revokeTokens();
    await expect(client.listClusters()).resolves.toEqual([]);
    const second = await client.options.tokens.getToken();
    expect(second).not.toBe(first);
    let stats = emu.stats();
    expect(stats.tokenRequests.total).toBe(2);
    expect(stats.apiRequests.byStatus).toEqual({ "200": 2, "401": 1 });
    expect(client.stats.requests).toBe(3);

    // Revoked again, with 30 calls at once: every 401 is followed by the same single refresh.
    emu.revokeTokens();
    emu.resetStats();
    const results = await Promise.all(Array.from({ length: 30 }, () => client.listClusters()));
    expect(results).toHaveLength(30);
    stats = emu.stats();
    expect(stats.tokenRequests.total).toBe(1);
    expect(stats.apiRequests.byStatus["200"]).toBe(30);
    expect(stats.apiRequests.byStatus["401"]).toBeGreaterThanOrEqual(1);
    expect(stats.apiRequests.byStatus["401"]).toBeLessThanOrEqual(30);
    expect(await client.options.tokens.getToken()).not.toBe(second);
  });

  it("a credential removed on the service side ends in one refused token request, not a loop", async () => {
    emu = await startEmu();
    emu.addCredential({ clientId: "short-lived", clientSecret: "short-lived-secret", scopes: ["Cluster"] });
    const client = track(
      createConsoleClient(settingsFor(emu, { CAMUNDA_CONSOLE_CLIENT_ID: "short-lived", CAMUNDA_CONSOLE_CLIENT_SECRET: "short-lived-secret" })),
    );
    await client.listClusters();
    emu.removeCredential("short-lived");

    const err = await client.listClusters().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect(err).not.toBeInstanceOf(CamundaApiError);
    expect((err as Error).message).not.toContain("short-lived-secret");
    await expect(client.listClusters()).rejects.toBeInstanceOf(CamundaAuthError);
    const stats = emu.stats();
    expect(stats.tokenRequests).toMatchObject({ total: 2, ok: 1, unauthorized: 1 });
    expect(stats.apiRequests.byStatus).toEqual({ "200": 1, "401": 1 });
  });
});
