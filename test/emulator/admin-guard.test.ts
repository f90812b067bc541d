/**
 * The emulator's admin routes (issue 12, item 13): they change credentials and faults and reveal secrets, so a web
 * page must not reach them (cross-origin requests, form posts, DNS rebinding through a foreign Host); a fault pattern
 * that would backtrack catastrophically is refused; binding beyond loopback is warned about.
 */
import { request } from "undici";
import { startEmulator, type Emulator } from "../../emulator";
import { unsafePattern } from "../../emulator/faults";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ adminHosts: ["emulator.ci"] });
});
afterAll(() => emu.stop());

async function admin(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await request(`${emu.url}/__emulator${path}`, { method: method as "GET", headers, body });
  return { status: r.statusCode, text: await r.body.text() };
}

it("answers its own origin, IP addresses, localhost and the configured admin hosts", async () => {
  expect((await admin("GET", "/health")).status).toBe(200);
  expect((await admin("GET", "/health", { host: `localhost:${emu.port}` })).status).toBe(200);
  expect((await admin("GET", "/health", { host: "emulator.ci:8787" })).status).toBe(200);
  expect((await admin("PUT", "/faults", { "content-type": "application/json", origin: emu.url }, "{}")).status).toBe(200);
});

it("refuses a foreign Host (DNS rebinding), other origins and form posts", async () => {
  const rebound = await admin("GET", "/state?reveal=true", { host: "attacker.example:80" });
  expect(rebound.status).toBe(403);
  expect(rebound.text).toMatch(/answer only to localhost, IP addresses and --admin-host names/);
  expect((await admin("POST", "/reset", { origin: "https://attacker.example" })).status).toBe(403);
  expect((await admin("POST", "/reset", { "sec-fetch-site": "cross-site" })).status).toBe(403);
  const form = await admin("POST", "/credentials", { "content-type": "application/x-www-form-urlencoded" }, "clientId=evil&clientSecret=evil&scopes=Cluster");
  expect(form.status).toBe(415);
  expect(emu.state().credentials.map((c) => c.clientId)).not.toContain("evil");
});

it("refuses fault patterns that backtrack catastrophically, at once", async () => {
  expect(unsafePattern("^/clusters/(a+)+$")).toMatch(/nested quantifiers/);
  expect(unsafePattern("(x|xx)*y")).toMatch(/nested quantifiers/);
  expect(unsafePattern("^/clusters/[^/]+/(clients|secrets)$")).toBeUndefined();
  expect(unsafePattern("^/clusters/[^/]+/clients/[^/]+/x/[^/]+$")).toBeUndefined();
  expect(unsafePattern("^/.*.*.*.*.*x$")).toMatch(/more than three times/);
  expect(unsafePattern("^/a{2,}b{1,}c+d*$")).toMatch(/more than three times/);
  const started = Date.now();
  const r = await admin("PUT", "/faults", { "content-type": "application/json" }, JSON.stringify({ serverError: { rate: 1, routes: [{ path: "^/clusters/(a+)+$" }] } }));
  expect(r.status).toBe(400);
  expect(r.text).toMatch(/repeats a group that repeats/);
  // The emulator still answers at once.
  expect((await admin("GET", "/health")).status).toBe(200);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(() => emu.setFaults({ dropConnection: { rate: 1, routes: [{ path: /(a*)*b/ }] } })).toThrow(/nested quantifiers/);
});

it("warns loudly when it listens beyond loopback", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const open = await startEmulator({ host: "0.0.0.0" });
  await open.stop();
  const warnings = warn.mock.calls.map((c) => String(c[0]));
  warn.mockRestore();
  expect(warnings.join("\n")).toMatch(/listens on 0\.0\.0\.0, beyond this machine: anyone who reaches it can use its demo credential and its admin routes/);
});
