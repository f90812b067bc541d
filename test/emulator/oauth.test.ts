/** The token endpoint: body formats, credentials, audience, the JWT, the per-address rate limit and the bad-credential delay. */
import type { Emulator } from "../../emulator";
import { call, getToken, sleep, startTestEmulator, tokenRequest } from "./helpers";

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split(".");
  const part = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: part(h), payload: part(p) };
}

describe("token requests", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ tokenTtlSeconds: 3600 });
  });
  afterAll(() => emu.stop());

  const good = () => ({
    grant_type: "client_credentials",
    client_id: emu.credentials.clientId,
    client_secret: emu.credentials.clientSecret,
    audience: "api.cloud.camunda.io",
  });

  it("accepts a form body and returns a Bearer JWT with exp, iat, aud, sub and the scopes", async () => {
    const r = await tokenRequest(emu, good());
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(body.scope).toBe("cluster zeebe-client ip-allowlist connector-secrets members backups");
    const { header, payload } = decodeJwt(body.access_token);
    expect(header.alg).toBe("HS256");
    expect(payload.aud).toBe("api.cloud.camunda.io");
    expect(payload.sub).toBe(emu.credentials.clientId);
    expect(typeof payload.iat).toBe("number");
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(payload.permissions).toEqual(["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets", "Members", "Backups"]);
  });

  it("accepts a JSON body", async () => {
    const r = await tokenRequest(emu, good(), { as: "json" });
    expect(r.status).toBe(200);
    expect(r.json().token_type).toBe("Bearer");
  });

  it("accepts HTTP Basic credentials", async () => {
    const basic = Buffer.from(`${emu.credentials.clientId}:${emu.credentials.clientSecret}`).toString("base64");
    const r = await tokenRequest(
      emu,
      { grant_type: "client_credentials", audience: "api.cloud.camunda.io" },
      { headers: { authorization: `Basic ${basic}` } },
    );
    expect(r.status).toBe(200);
  });

  it("answers bad credentials with 401 access_denied", async () => {
    const r = await tokenRequest(emu, { ...good(), client_secret: "not-the-secret" });
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ error: "access_denied", error_description: "Unauthorized" });
    const unknown = await tokenRequest(emu, { ...good(), client_id: "nobody" }, { as: "json" });
    expect(unknown.status).toBe(401);
  });

  it("rejects a wrong or missing audience with a message naming it", async () => {
    const wrong = await tokenRequest(emu, { ...good(), audience: "zeebe.camunda.io" });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error_description).toContain("zeebe.camunda.io");
    const { audience: _a, ...noAudience } = good();
    const missing = await tokenRequest(emu, noAudience);
    expect(missing.status).toBe(401);
    expect(missing.json().error_description).toMatch(/audience/);
  });

  it("rejects other grant types with 400", async () => {
    const r = await tokenRequest(emu, { ...good(), grant_type: "password" });
    expect(r.status).toBe(400);
    expect(r.json().error).toBe("unsupported_grant_type");
  });

  it("issues tokens the API accepts, and revokeTokens() invalidates them", async () => {
    const token = await getToken(emu);
    expect((await call(emu, token, "GET", "/clusters")).status).toBe(200);
    emu.revokeTokens();
    const after = await call(emu, token, "GET", "/clusters");
    expect(after.status).toBe(401);
    expect(after.text).toBe("Unauthorized");
    expect((await call(emu, await getToken(emu), "GET", "/clusters")).status).toBe(200);
  });
});

describe("token rate limit", () => {
  let emu: Emulator;
  beforeAll(async () => {
    // Windows of seconds, not milliseconds: a loaded machine must not let the block end between two requests.
    emu = await startTestEmulator({ tokenRateLimit: { minIntervalMs: 2000, blockMs: 3000 } });
  });
  afterAll(() => emu.stop());

  const body = () => ({
    grant_type: "client_credentials",
    client_id: emu.credentials.clientId,
    client_secret: emu.credentials.clientSecret,
    audience: emu.audience,
  });

  it("blocks an address that asks twice within the interval (the service: about a second), then lets it in again after the block", async () => {
    expect((await tokenRequest(emu, body())).status).toBe(200);
    const second = await tokenRequest(emu, body());
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Every request during the block is refused too, whatever its credentials.
    const during = await tokenRequest(emu, { ...body(), client_secret: "wrong" });
    expect(during.status).toBe(429);
    await sleep(3100);
    expect((await tokenRequest(emu, body())).status).toBe(200);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 4, ok: 2, rateLimited: 2, unauthorized: 0 });
  });

  it("counts failed requests toward the limit", async () => {
    await sleep(2050);
    emu.resetStats();
    expect((await tokenRequest(emu, { ...body(), client_secret: "wrong" })).status).toBe(401);
    expect((await tokenRequest(emu, body())).status).toBe(429);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 2, unauthorized: 1, rateLimited: 1 });
  });
});

describe("repeated bad credentials", () => {
  it("are answered only after badCredentialDelayMs", async () => {
    const emu = await startTestEmulator({ badCredentialDelayMs: 1500 });
    try {
      const bad = {
        grant_type: "client_credentials",
        client_id: emu.credentials.clientId,
        client_secret: "wrong",
        audience: emu.audience,
      };
      let t = Date.now();
      expect((await tokenRequest(emu, bad)).status).toBe(401);
      expect(Date.now() - t).toBeLessThan(1000);
      t = Date.now();
      expect((await tokenRequest(emu, bad)).status).toBe(401);
      expect(Date.now() - t).toBeGreaterThanOrEqual(1490);
    } finally {
      await emu.stop();
    }
  });
});
