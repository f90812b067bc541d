/**
 * The provider's edges (issue 12): secrets the service echoes are redacted from every message; credentials travel
 * over plain HTTP only to this machine unless opted in; a token service that accepts connections but never answers
 * is given up on quickly.
 */
import * as net from "node:net";
import { MockAgent } from "undici";
import { CamundaApiError, CamundaAuthError, createConsoleClient, resetTokenProviders, resolveSettings } from "../../provider/api";
import { redact, rememberSecret } from "../../provider/redact";
import { testJwt } from "./helpers";

const ORIGIN = "https://console.mock.test";
const SECRET = "echoed-client-secret-4f8b1c";

function settings(env: Record<string, string> = {}) {
  return resolveSettings(() => undefined, {
    CAMUNDA_CONSOLE_CLIENT_ID: "mock-client",
    CAMUNDA_CONSOLE_CLIENT_SECRET: SECRET,
    CAMUNDA_CONSOLE_BASE_URL: ORIGIN,
    CAMUNDA_OAUTH_URL: `${ORIGIN}/oauth/token`,
    CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true",
    ...env,
  });
}

let agent: MockAgent;
beforeEach(() => {
  resetTokenProviders();
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(() => agent.close());

describe("secrets echoed by the service never reach a message", () => {
  it("a token service that echoes the request body (client_secret=...) in its error", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply((opts) => ({ statusCode: 401, data: `invalid_client for request: ${String(opts.body)}`, responseOptions: { headers: { "content-type": "text/plain" } } }));
    const client = createConsoleClient(settings(), { dispatcher: agent });
    const err = (await client.listClusters().catch((e: unknown) => e)) as CamundaAuthError;
    expect(err).toBeInstanceOf(CamundaAuthError);
    expect(err.message).toMatch(/invalid_client for request: .*client_secret=\[secret\]/);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(encodeURIComponent(SECRET));
  });

  it("an API error that echoes the body with a connector value, and one that echoes the bearer token", async () => {
    const token = testJwt();
    agent
      .get(ORIGIN)
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply(200, JSON.stringify({ access_token: token, expires_in: 3600 }), { headers: { "content-type": "application/json" } })
      .persist();
    agent
      .get(ORIGIN)
      .intercept({ path: "/clusters/c1/secrets", method: "POST" })
      .reply((opts) => ({ statusCode: 400, data: JSON.stringify({ message: `rejected ${String(opts.body)}` }), responseOptions: { headers: { "content-type": "application/json" } } }));
    agent
      .get(ORIGIN)
      .intercept({ path: "/clusters/c1", method: "GET" })
      .reply((opts) => ({ statusCode: 403, data: `forbidden for ${JSON.stringify(opts.headers)}`, responseOptions: { headers: { "content-type": "text/plain" } } }));
    const client = createConsoleClient(settings(), { dispatcher: agent });
    const value = "connector-value-that-must-not-show-91d2";
    const err = (await client.createSecret("c1", "TOKEN", value, { before: null }).catch((e: unknown) => e)) as CamundaApiError;
    expect(err.message).toMatch(/HTTP 400: rejected .*"secretValue":"\[secret\]"/);
    expect(err.message).not.toContain(value);
    const forbidden = (await client.getCluster("c1").catch((e: unknown) => e)) as CamundaApiError;
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).not.toContain(token);
    expect(forbidden.message).toContain("Bearer [secret]");
  });
});

describe("redaction", () => {
  it("redacts a long echo before cutting it: a secret at the cut, and a whole access token, never show even in part", async () => {
    const token = testJwt(3600, { pad: "x".repeat(600) });
    agent
      .get(ORIGIN)
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply(200, JSON.stringify({ access_token: token, expires_in: 3600 }), { headers: { "content-type": "application/json" } })
      .persist();
    // The secret starts 5 characters before the 300-character cut; the token is longer than the cut.
    agent
      .get(ORIGIN)
      .intercept({ path: "/clusters/c1", method: "GET" })
      .reply(() => ({ statusCode: 400, data: `${"y".repeat(280)} client_secret=${SECRET}`, responseOptions: { headers: { "content-type": "text/plain" } } }));
    agent
      .get(ORIGIN)
      .intercept({ path: "/clusters/c2", method: "GET" })
      .reply(() => ({ statusCode: 400, data: `auth=${token}`, responseOptions: { headers: { "content-type": "text/plain" } } }));
    const client = createConsoleClient(settings(), { dispatcher: agent });
    const cut = (await client.getCluster("c1").catch((e: unknown) => e)) as CamundaApiError;
    expect(cut.status).toBe(400);
    expect(cut.message).toMatch(/client_secret=\[secr…$/);
    expect(cut.message).not.toMatch(/client_secret=echo/);
    const long = (await client.getCluster("c2").catch((e: unknown) => e)) as CamundaApiError;
    expect(long.message).toMatch(/auth=\[secret\]/);
    expect(long.message).not.toContain(token.slice(0, 40));
  });

  it("covers Basic credentials, multi-line values, lower-case percent-encoding and ASCII-only JSON", () => {
    settings();
    const pem = "-----BEGIN KEY-----\nMIIBVQIBADANBgkqhkiG9w0B\n-----END KEY-----";
    rememberSecret(pem);
    const odd = "pässwörd/with spaces";
    rememberSecret(odd);
    const basic = Buffer.from(`mock-client:${SECRET}`).toString("base64");
    const text = [
      `Authorization: Basic ${basic}`,
      `body: ${pem.replace(/\n/g, " ")}`,
      `form: ${encodeURIComponent(odd).toLowerCase()}`,
      `json: ${JSON.stringify(odd).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/\//g, "\\/")}`,
    ].join("\n");
    const out = redact(text);
    expect(out).not.toContain(basic);
    expect(out).not.toContain("MIIBVQIBADANBgkqhkiG9w0B");
    expect(out).not.toMatch(/p%c3%a4/i);
    expect(out).not.toContain("\\u00e4");
    expect(out.match(/\[secret\]/g)).toHaveLength(4);
  });

  it("remembers 20 000 values in well under a second, and never forgets the Console client secret", () => {
    settings();
    const started = Date.now();
    const value = (i: number) => `connector-value-${i}-${"z".repeat(i % 7)}`;
    for (let i = 0; i < 20_000; i++) rememberSecret(value(i));
    expect(redact(`refused: ${SECRET}`)).toBe("refused: [secret]");
    expect(redact(value(19_999))).toBe("[secret]");
    // The oldest unpinned values are forgotten beyond the bound.
    expect(redact(value(0))).toBe(value(0));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("plain HTTP", () => {
  it("is refused beyond this machine unless opted in", () => {
    expect(() => settings({ CAMUNDA_CONSOLE_BASE_URL: "http://console.example.com" })).toThrow(
      /Insecure provider setting camunda:baseUrl .*uses plain http to console\.example\.com, so the client secret and access tokens would travel unencrypted/,
    );
    expect(() => settings({ CAMUNDA_OAUTH_URL: "http://login.example.com/oauth/token" })).toThrow(/camunda:oauthUrl/);
    for (const url of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787", "http://localhost.:8787", "http://[::ffff:127.0.0.1]:8787"]) {
      expect(() => settings({ CAMUNDA_CONSOLE_BASE_URL: url, CAMUNDA_OAUTH_URL: `${url}/oauth/token` })).not.toThrow();
    }
    expect(() => settings({ CAMUNDA_CONSOLE_BASE_URL: "http://[::ffff:10.0.0.1]:8787" })).toThrow(/Insecure provider setting/);
    for (const yes of ["true", "1", "TRUE", "yes"]) {
      expect(settings({ CAMUNDA_CONSOLE_BASE_URL: "http://emulator:8787", CAMUNDA_ALLOW_INSECURE_HTTP: yes }).baseUrl).toBe("http://emulator:8787");
    }
    expect(() => settings({ CAMUNDA_CONSOLE_BASE_URL: "http://emulator:8787", CAMUNDA_ALLOW_INSECURE_HTTP: "0" })).toThrow(/Insecure provider setting/);
  });
});

describe("a token service that never answers", () => {
  it("is tried three times at most, each bounded by the request timeout", async () => {
    let connections = 0;
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      connections++;
      sockets.push(s); // accepted, never answered
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const client = createConsoleClient(
        settings({ CAMUNDA_CONSOLE_BASE_URL: `http://127.0.0.1:${port}`, CAMUNDA_OAUTH_URL: `http://127.0.0.1:${port}/oauth/token`, CAMUNDA_CONSOLE_REQUEST_TIMEOUT_SECONDS: "1" }),
      );
      const started = Date.now();
      const err = (await client.listClusters().catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/Could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token \(no response\)/);
      expect(connections).toBe(3);
      expect(Date.now() - started).toBeLessThan(20_000); // 3 × 1 s, with back-off between: not minutes
      await client.close();
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
