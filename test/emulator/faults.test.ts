/** Fault and latency injection, set at start, through setFaults() and through PUT /__emulator/faults. */
import type { Emulator } from "../../emulator";
import { call, createCluster, getToken, specViolations, startTestEmulator, waitFor } from "./helpers";

let emu: Emulator;
let token: string;
let clusterId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await getToken(emu);
  clusterId = await createCluster(emu, token, { name: "faulty" });
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  emu.resetStats();
});
afterEach(() => expect(specViolations).toEqual([]));

it("injects 503 on the selected route only", async () => {
  emu.setFaults({ serverError: { rate: 1, routes: [{ method: "GET", route: "/clusters/:clusterId" }] } });
  const hit = await call(emu, token, "GET", `/clusters/${clusterId}`);
  expect(hit.status).toBe(503);
  expect(hit.text).toBe("Service Unavailable");
  expect((await call(emu, token, "GET", "/clusters")).status).toBe(200);
  expect((await call(emu, token, "PATCH", `/clusters/${clusterId}`, { name: "still-works" })).status).toBe(204);
  expect(emu.stats().faultsInjected.serverError).toBe(1);
});

it("matches routes by path regular expression", async () => {
  emu.setFaults({ serverError: { rate: 1, routes: [{ path: "/secrets$" }] } });
  expect((await call(emu, token, "GET", `/clusters/${clusterId}/secrets`)).status).toBe(503);
  expect((await call(emu, token, "GET", `/clusters/${clusterId}/clients`)).status).toBe(200);
});

it("injects 429 with Retry-After", async () => {
  emu.setFaults({ rateLimit: { rate: 1, retryAfterSeconds: 7 } });
  const r = await call(emu, token, "GET", "/clusters");
  expect(r.status).toBe(429);
  expect(r.headers.get("retry-after")).toBe("7");
  expect(emu.stats().faultsInjected.rateLimit).toBe(1);
});

it("drops the connection without a response", async () => {
  emu.setFaults({ dropConnection: { rate: 1, routes: [{ route: "/clusters" }] } });
  const err = await call(emu, token, "GET", "/clusters").then(
    () => undefined,
    (e: unknown) => e as Error & { cause?: { code?: string; message?: string } },
  );
  // fetch's TypeError comes from another realm under Jest: compare by name.
  expect(err?.name).toBe("TypeError");
  expect(err?.message).toBe("fetch failed");
  expect(String(err?.cause?.code ?? err?.cause?.message)).toMatch(/SOCKET|closed|ECONNRESET/i);
  expect((await call(emu, token, "GET", `/clusters/${clusterId}`)).status).toBe(200);
  expect(emu.stats().faultsInjected.dropConnection).toBe(1);
});

it("answers GETs with 412 not ready, and secret writes with 409 in progress", async () => {
  emu.setFaults({ notReady: { rate: 1 }, secretConflict: { rate: 1 } });
  const get = await call(emu, token, "GET", `/clusters/${clusterId}/secrets`);
  expect(get.status).toBe(412);
  expect(get.text).toBe("The cluster is not ready; try again later");
  const write = await call(emu, token, "POST", `/clusters/${clusterId}/secrets`, { secretName: "C", secretValue: "v" });
  expect(write.status).toBe(409);
  expect(write.text).toMatch(/in progress\. Try the request again/);
  expect((await call(emu, token, "PUT", `/clusters/${clusterId}/secrets/C`, { secretValue: "v" })).status).toBe(409);
  expect((await call(emu, token, "DELETE", `/clusters/${clusterId}/secrets/C`)).status).toBe(409);
  // Non-secret writes are untouched.
  expect((await call(emu, token, "PATCH", `/clusters/${clusterId}`, { description: "x" })).status).toBe(204);
  // Auth still comes first.
  expect((await call(emu, undefined, "GET", "/clusters")).status).toBe(401);
  emu.setFaults({});
  expect((await call(emu, token, "GET", `/clusters/${clusterId}/secrets`)).json().C).toBeUndefined();
});

it("keeps deleted secrets visible for secretLingerMs", async () => {
  emu.setFaults({ secretLingerMs: 3000 });
  await call(emu, token, "POST", `/clusters/${clusterId}/secrets`, { secretName: "GHOST", secretValue: "boo" });
  const t0 = Date.now();
  expect((await call(emu, token, "DELETE", `/clusters/${clusterId}/secrets/GHOST`)).status).toBe(204);
  expect((await call(emu, token, "GET", `/clusters/${clusterId}/secrets`)).json().GHOST).toBe("boo");
  expect(emu.stats().faultsInjected.lingeringSecretReads).toBe(1);
  await waitFor(async () => (await call(emu, token, "GET", `/clusters/${clusterId}/secrets`)).json().GHOST === undefined, 20_000, "the secret's removal");
  expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
});

it("adds latency to API and token responses", async () => {
  emu.setFaults({ latencyMs: 120 });
  let t = Date.now();
  await call(emu, token, "GET", "/clusters");
  expect(Date.now() - t).toBeGreaterThanOrEqual(115);
  t = Date.now();
  await getToken(emu);
  expect(Date.now() - t).toBeGreaterThanOrEqual(115);
  expect(emu.stats().faultsInjected.latency).toBe(2);
});

it("never applies faults to the admin routes or the token endpoint", async () => {
  emu.setFaults({ serverError: { rate: 1 }, dropConnection: { rate: 0 } });
  expect((await fetch(`${emu.url}/__emulator/stats`)).status).toBe(200);
  expect((await getToken(emu)).length).toBeGreaterThan(0);
  expect((await call(emu, token, "GET", "/clusters")).status).toBe(503);
});

it("is reproducible with a seed", async () => {
  const run = async () => {
    emu.setFaults({ serverError: { rate: 0.5 }, seed: 42 });
    const out: number[] = [];
    for (let i = 0; i < 16; i++) out.push((await call(emu, token, "GET", "/clusters/parameters")).status);
    return out;
  };
  const a = await run();
  const b = await run();
  expect(a).toEqual(b);
  expect(a).toContain(503);
  expect(a).toContain(200);
});

it("is configurable over HTTP and refuses an invalid configuration", async () => {
  const put = await fetch(`${emu.url}/__emulator/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ serverError: { rate: 1, routes: [{ method: "DELETE" }] } }),
  });
  expect(put.status).toBe(200);
  expect(await put.json()).toEqual({ serverError: { rate: 1, routes: [{ method: "DELETE" }] } });
  expect((await call(emu, token, "DELETE", `/clusters/${clusterId}/secrets/x`)).status).toBe(503);
  expect((await call(emu, token, "GET", "/clusters")).status).toBe(200);

  const bad = await fetch(`${emu.url}/__emulator/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ serverError: { rate: 2 } }),
  });
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/serverError\.rate/);
  expect(() => emu.setFaults({ notReady: { rate: 1, routes: [{ path: "(" }] } })).toThrow(/notReady\.routes/);

  expect((await fetch(`${emu.url}/__emulator/faults`, { method: "DELETE" })).status).toBe(204);
  expect(emu.faults()).toEqual({});
});

it("can be set at start", async () => {
  const other = await startTestEmulator({ faults: { serverError: { rate: 1, routes: [{ route: "/members" }] } } });
  try {
    const t = await getToken(other);
    expect((await call(other, t, "GET", "/members")).status).toBe(503);
    expect((await call(other, t, "GET", "/clusters")).status).toBe(200);
  } finally {
    await other.stop();
  }
});
