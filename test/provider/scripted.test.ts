/**
 * Scripted exchanges with undici's MockAgent, where an exact sequence of answers is clearer than the emulator:
 * API 503/429 → retried; a 401 that survives the refresh; token-service answers that must not loop (wrong URL,
 * unusable answer, endless 429); expiry from `expires_in` under clock skew; the refresh margin of long-lived tokens.
 */
import { MockAgent } from "undici";
import {
  CamundaApiError,
  CamundaAuthError,
  createConsoleClient,
  getTokenProvider,
  resetTokenProviders,
  resolveSettings,
  TOKEN_REQUEST_SPACING_MS,
  TokenDiskCache,
  type Settings,
} from "../../provider/api";
import { removeTempDirs, sleep, tempDir, testJwt } from "./helpers";

const ORIGIN = "https://console.mock.test";
const SECRET = "mock-secret-Yt73";

let agent: MockAgent;

function settings(env: Record<string, string> = {}): Settings {
  return resolveSettings(() => undefined, {
    CAMUNDA_CONSOLE_CLIENT_ID: "mock-client",
    CAMUNDA_CONSOLE_CLIENT_SECRET: SECRET,
    CAMUNDA_CONSOLE_BASE_URL: ORIGIN,
    CAMUNDA_OAUTH_URL: `${ORIGIN}/oauth/token`,
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true",
    ...env,
  });
}

/** Answers token requests with `answer` (default: a valid token for an hour) and counts them. */
function mockTokens(answer?: () => { statusCode: number; data?: string | object; responseOptions?: { headers?: Record<string, string> } }) {
  const counter = { requests: 0, tokens: [] as string[] };
  agent
    .get(ORIGIN)
    .intercept({ path: "/oauth/token", method: "POST" })
    .reply(() => {
      counter.requests++;
      if (answer) return answer();
      const token = testJwt(3600, { n: counter.requests });
      counter.tokens.push(token);
      return { statusCode: 200, data: { access_token: token, expires_in: 3600, token_type: "Bearer" } };
    })
    .persist();
  return counter;
}

/** Scripts the answers of `GET path`, in order; counts the requests. */
function mockApi(path: string, answers: { status: number; body?: string | object; headers?: Record<string, string> }[]) {
  const seen: { authorization: string | undefined }[] = [];
  agent
    .get(ORIGIN)
    .intercept({ path, method: "GET" })
    .reply((opts) => {
      const headers = (opts.headers ?? {}) as Record<string, string>;
      seen.push({ authorization: headers.authorization });
      const a = answers[Math.min(seen.length - 1, answers.length - 1)];
      return { statusCode: a.status, data: a.body ?? "", responseOptions: { headers: a.headers ?? {} } };
    })
    .persist();
  return seen;
}

beforeEach(() => {
  resetTokenProviders();
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  await agent.close();
  removeTempDirs();
});

describe("API retries (scripted)", () => {
  it("503, 429 (Retry-After: 1), 503, then 200: retried with the small policy and succeeds", async () => {
    mockTokens();
    const seen = mockApi("/clusters", [
      { status: 503, body: "Service Unavailable", headers: { "content-type": "text/plain" } },
      { status: 429, body: { message: "Too Many Requests" }, headers: { "content-type": "application/json", "retry-after": "1" } },
      { status: 503, body: "<html><head><title>503 Service Temporarily Unavailable</title></head></html>", headers: { "content-type": "text/html" } },
      { status: 200, body: [], headers: { "content-type": "application/json" } },
    ]);
    const client = createConsoleClient(settings(), { dispatcher: agent, retry: { baseDelayMs: 20, maxDelayMs: 5_000, maxAttempts: 5 } });

    const started = Date.now();
    await expect(client.listClusters()).resolves.toEqual([]);

    expect(seen).toHaveLength(4);
    expect(client.stats.retries).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("a 401 that survives the refresh ends after one refresh with a CamundaApiError, not a loop", async () => {
    const tokens = mockTokens();
    const invalid = { "content-type": "text/plain", "www-authenticate": 'Bearer error="invalid_token"' };
    const seen = mockApi("/clusters", [{ status: 401, body: "Unauthorized", headers: invalid }]);
    const client = createConsoleClient(settings(), { dispatcher: agent, retry: { baseDelayMs: 20, maxAttempts: 5 } });

    const err = await client.listClusters().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaApiError);
    expect((err as CamundaApiError).status).toBe(401);
    expect((err as Error).message).toMatch(/refused even after a refresh/);
    expect(tokens.requests).toBe(2);
    expect(seen).toHaveLength(2);
    // The retry used the new token.
    expect(seen.map((s) => s.authorization)).toEqual(tokens.tokens.map((t) => `Bearer ${t}`));
  });

  it("a 401 for a token issued moments ago (no invalid_token) names the missing scope and asks for no other token", async () => {
    const tokens = mockTokens();
    const seen = mockApi("/clusters/c1/secrets", [{ status: 401, body: '{"status":401,"title":"Unauthorized","detail":"missing scope"}', headers: { "content-type": "application/json" } }]);
    const client = createConsoleClient(settings(), { dispatcher: agent, retry: { baseDelayMs: 20, maxAttempts: 5 } });

    const err = await client.listSecrets("c1").catch((e: unknown) => e);
    expect((err as CamundaApiError).status).toBe(401);
    expect((err as Error).message).toMatch(/Unauthorized: missing scope\. A token issued moments ago was refused: the Console API credentials lack the "Connector Secrets" scope/);
    expect(tokens.requests).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe("token service answers that must not loop (scripted)", () => {
  it("a token URL answering 404 fails once with a hint about camunda:oauthUrl, and is remembered", async () => {
    const tokens = mockTokens(() => ({
      statusCode: 404,
      data: "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
      responseOptions: { headers: { "content-type": "text/html" } },
    }));
    const provider = createConsoleClient(settings(), { dispatcher: agent }).options.tokens;

    const err = await provider.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect((err as Error).message).toContain("HTTP 404");
    expect((err as Error).message).toContain("404 Not Found");
    expect((err as Error).message).toContain("camunda:oauthUrl");
    expect((err as Error).message).not.toContain(SECRET);
    await expect(provider.getToken()).rejects.toBe(err);
    expect(tokens.requests).toBe(1);
  });

  it("a 200 that is not a token (an HTML page) fails once and is remembered", async () => {
    const tokens = mockTokens(() => ({ statusCode: 200, data: "<html><body>Welcome</body></html>", responseOptions: { headers: { "content-type": "text/html" } } }));
    const provider = createConsoleClient(settings(), { dispatcher: agent }).options.tokens;

    const err = await provider.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect((err as Error).message).toMatch(/unusable answer/);
    await expect(provider.getToken()).rejects.toBe(err);
    expect(tokens.requests).toBe(1);
  });

  it("an endless 429 gives up after maxWaitMs with a message about the block", async () => {
    const tokens = mockTokens(() => ({ statusCode: 429, data: { error: "too_many_requests" }, responseOptions: { headers: { "retry-after": "1", "content-type": "application/json" } } }));
    const s = settings();
    const provider = getTokenProvider({
      tokenUrl: s.oauthUrl,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      audience: s.audience,
      dispatcher: agent,
      maxWaitMs: 2_400,
    });
    // The previous test's token request holds this process's throttle slot for up to 1.25 s: start after it.
    await sleep(TOKEN_REQUEST_SPACING_MS);
    const started = Date.now();
    const err = await provider.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect((err as CamundaAuthError).status).toBe(429);
    expect((err as Error).message).toMatch(/HTTP 429/);
    // Retried once, as Retry-After and the throttle slot allow (at 1.25 s); a third request would go out at 2.5 s,
    // past the bound, so it is not sent: the provider gives up at once instead of waiting for it.
    expect(tokens.requests).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TOKEN_REQUEST_SPACING_MS);
    expect(Date.now() - started).toBeLessThan(2_400);
  });
});

describe("token lifetime (scripted)", () => {
  it("trusts expires_in when the JWT exp disagrees (a skewed clock): the token is reused, not fetched per call", async () => {
    const tokens = mockTokens(() => {
      // The token service's clock is 10 minutes behind this machine's: by its exp the token expired long ago.
      const now = Math.floor(Date.now() / 1000) - 600;
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const token = `${part({ alg: "none" })}.${part({ iat: now, exp: now + 300 })}.sig`;
      return { statusCode: 200, data: { access_token: token, expires_in: 300 } };
    });
    const provider = createConsoleClient(settings(), { dispatcher: agent }).options.tokens;
    const first = await provider.getToken();
    const again = await Promise.all([provider.getToken(), provider.getToken()]);
    expect(again).toEqual([first, first]);
    expect(tokens.requests).toBe(1);
  });

  it.each([null, 0, "soon"])("ignores expires_in %j and goes by the JWT's exp", async (expiresIn) => {
    const token = testJwt(3600);
    const tokens = mockTokens(() => ({ statusCode: 200, data: { access_token: token, expires_in: expiresIn } }));
    const provider = createConsoleClient(settings(), { dispatcher: agent }).options.tokens;
    expect(await provider.getToken()).toBe(token);
    expect(await provider.getToken()).toBe(token);
    expect(tokens.requests).toBe(1);
  });

  it("refreshes a tenth of the token's lifetime before expiry, not one second before", async () => {
    const dir = tempDir();
    const s = settings({ CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "false", CAMUNDA_TOKEN_CACHE_DIR: dir });
    const key = { tokenUrl: s.oauthUrl, clientId: s.clientId, audience: s.audience, clientSecret: s.clientSecret };
    const now = Date.now();

    // A one-hour token with 6 minutes left: still fresh (the margin is a tenth of the lifetime, at most 5 minutes).
    const cache = new TokenDiskCache(dir, key);
    const cached = testJwt(360);
    cache.write({ accessToken: cached, expiresAt: now + 6 * 60_000, obtainedAt: now - 54 * 60_000 });
    const tokens = mockTokens();
    let provider = createConsoleClient(s, { dispatcher: agent }).options.tokens;
    expect(await provider.getToken()).toBe(cached);
    expect(provider.stats.diskHits).toBe(1);
    expect(tokens.requests).toBe(0);

    // A one-minute token with 5 s left: within its margin (6 s), so a new one is fetched.
    resetTokenProviders();
    cache.write({ accessToken: testJwt(5), expiresAt: now + 5_000, obtainedAt: now - 55_000 });
    provider = createConsoleClient(s, { dispatcher: agent }).options.tokens;
    const token = await provider.getToken();
    expect(tokens.requests).toBe(1);
    expect(token).toBe(tokens.tokens[0]);
  });
});
