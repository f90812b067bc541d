/** Stats, the state snapshot, the admin routes, reset, and persistence across restarts with a state file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator, EmulatorStateSnapshot } from "../../emulator";
import { call, createCluster, getToken, specViolations, startTestEmulator } from "./helpers";

afterEach(() => expect(specViolations).toEqual([]));

describe("stats", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it("counts token and API requests by method, route and status, and resets", async () => {
    const token = await getToken(emu);
    await getToken(emu, { clientId: emu.credentials.clientId, clientSecret: "wrong" }).catch(() => undefined);
    const id = await createCluster(emu, token);
    await call(emu, token, "GET", `/clusters/${id}`);
    await call(emu, token, "GET", "/clusters/does-not-exist");
    await call(emu, undefined, "GET", "/clusters");

    const s = emu.stats();
    expect(s.tokenRequests).toEqual({ total: 2, ok: 1, rateLimited: 0, unauthorized: 1, badRequest: 0 });
    expect(s.apiRequests.total).toBe(4);
    expect(s.apiRequests.byMethod).toEqual({ GET: 3, POST: 1 });
    expect(s.apiRequests.byRoute).toEqual({ "POST /clusters": 1, "GET /clusters/:clusterId": 2, "GET /clusters": 1 });
    expect(s.apiRequests.byStatus).toEqual({ "200": 2, "404": 1, "401": 1 });

    const viaHttp = await (await fetch(`${emu.url}/__emulator/stats`)).json();
    expect(viaHttp).toEqual(emu.stats());
    // Admin calls are not counted as API requests.
    expect(emu.stats().apiRequests.total).toBe(4);

    expect((await fetch(`${emu.url}/__emulator/stats/reset`, { method: "POST" })).status).toBe(204);
    expect(emu.stats().tokenRequests.total).toBe(0);
    expect(emu.stats().apiRequests).toEqual({ total: 0, byMethod: {}, byRoute: {}, byStatus: {} });
  });
});

describe("state snapshot", () => {
  it("masks secret values unless revealed, and never holds client secrets", async () => {
    const emu = await startTestEmulator();
    try {
      const token = await getToken(emu);
      const id = await createCluster(emu, token, { name: "snap" });
      await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S", secretValue: "plain" });
      const client = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "c" })).json();

      const masked = emu.state();
      expect(masked.clusters.map((c) => c.name)).toEqual(["snap"]);
      expect(masked.secrets[id]).toEqual({ S: "********" });
      expect(masked.clients[id][0]).toMatchObject({ name: "c", clientId: client.clientId });
      expect(masked.clients[id][0].secretSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(masked.members.map((m) => m.email)).toEqual(["owner@example.com"]);
      expect(masked.credentials).toEqual([
        { clientId: "demo-client", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets", "Members", "Backups"] },
      ]);
      expect(JSON.stringify(masked)).not.toContain("demo-secret");

      expect(emu.state({ revealSecrets: true }).secrets[id]).toEqual({ S: "plain" });
      const http = (await (await fetch(`${emu.url}/__emulator/state`)).json()) as EmulatorStateSnapshot;
      expect(http.secrets[id]).toEqual({ S: "********" });
      const revealed = (await (await fetch(`${emu.url}/__emulator/state?reveal=true`)).json()) as EmulatorStateSnapshot;
      expect(revealed.secrets[id]).toEqual({ S: "plain" });
    } finally {
      await emu.stop();
    }
  });
});

describe("admin routes", () => {
  it("change state out of band, revoke tokens, add credentials and reset", async () => {
    const emu = await startTestEmulator();
    try {
      const token = await getToken(emu);
      const id = await createCluster(emu, token, { name: "admin" });
      const admin = (method: string, p: string, body?: unknown) =>
        fetch(`${emu.url}/__emulator${p}`, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

      expect((await admin("PUT", `/clusters/${id}/status`, { status: "Unhealthy" })).status).toBe(204);
      expect((await call(emu, token, "GET", `/clusters/${id}`)).json().status.ready).toBe("Unhealthy");
      expect((await admin("PATCH", `/clusters/${id}`, { name: "renamed" })).status).toBe(204);
      expect((await admin("PUT", `/clusters/${id}/secrets/K`, { secretValue: "v" })).status).toBe(204);
      expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({ K: "v" });
      expect((await admin("DELETE", `/clusters/${id}/secrets/K`)).status).toBe(204);
      expect((await admin("DELETE", `/clusters/${id}/secrets/K`)).status).toBe(404);
      const entries = [{ ip: "198.51.100.0/24", description: "x" }];
      expect((await admin("PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: entries })).status).toBe(204);
      expect((await call(emu, token, "GET", `/clusters/${id}`)).json()).toMatchObject({ name: "renamed", ipallowlist: entries });
      expect((await admin("PUT", `/clusters/nope/status`, { status: "Healthy" })).status).toBe(404);

      expect((await admin("POST", "/credentials", { clientId: "ci", clientSecret: "ci-secret", scopes: ["Members"] })).status).toBe(204);
      const ci = await getToken(emu, { clientId: "ci", clientSecret: "ci-secret" });
      expect((await call(emu, ci, "GET", "/members")).status).toBe(200);
      expect((await admin("POST", "/credentials", { clientId: "x", clientSecret: "y", scopes: ["Root"] })).status).toBe(400);

      expect((await admin("POST", "/revoke-tokens")).status).toBe(204);
      expect((await call(emu, token, "GET", "/clusters")).status).toBe(401);

      expect((await admin("DELETE", `/clusters/${id}`)).status).toBe(204);
      expect((await admin("DELETE", `/clusters/${id}`)).status).toBe(404);

      await createCluster(emu, await getToken(emu));
      expect((await admin("POST", "/reset")).status).toBe(204);
      expect(emu.state().clusters).toEqual([]);
      expect(emu.state().credentials.map((c) => c.clientId)).toEqual(["demo-client"]);
      expect(emu.stats().apiRequests.total).toBe(0);
    } finally {
      await emu.stop();
    }
  });
});

describe("persistence", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "camunda-emulator-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps clusters, clients, secrets, allowlist, members and credentials across a restart", async () => {
    const stateFile = path.join(dir, "nested", "state.json");
    const first = await startTestEmulator({ stateFile });
    let id: string;
    let clientId: string;
    try {
      const token = await getToken(first);
      id = await createCluster(first, token, { name: "persisted" });
      clientId = (await call(first, token, "POST", `/clusters/${id}/clients`, { clientName: "kept" })).json().clientId;
      await call(first, token, "POST", `/clusters/${id}/secrets`, { secretName: "S", secretValue: "v" });
      await call(first, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: [{ ip: "10.1.0.0/16", description: "" }] });
      await call(first, token, "POST", "/members/kept@example.com", { orgRoles: ["analyst"] });
      first.addCredential({ clientId: "saved", clientSecret: "saved-secret", scopes: ["Cluster"] });
    } finally {
      await first.stop();
    }
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(["state.json"]);

    const second = await startTestEmulator({ stateFile });
    try {
      const token = await getToken(second);
      const c = (await call(second, token, "GET", `/clusters/${id}`)).json();
      expect(c).toMatchObject({ name: "persisted", ipallowlist: [{ ip: "10.1.0.0/16", description: "" }] });
      expect((await call(second, token, "GET", `/clusters/${id}/clients`)).json()).toEqual([
        { name: "kept", clientId, permissions: ["Zeebe", "Operate", "Optimize", "Tasklist", "Secrets"] }, // the service's order
      ]);
      expect((await call(second, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({ S: "v" });
      expect((await call(second, token, "GET", "/members")).json().map((m: { email: string }) => m.email)).toContain(
        "kept@example.com",
      );
      expect((await getToken(second, { clientId: "saved", clientSecret: "saved-secret" })).length).toBeGreaterThan(0);
      // A change after the restart is saved too.
      await call(second, token, "DELETE", `/clusters/${id}`);
      expect(JSON.parse(fs.readFileSync(stateFile, "utf8")).clusters).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it("refuses a corrupt state file with a clear error", async () => {
    const stateFile = path.join(dir, "corrupt.json");
    fs.writeFileSync(stateFile, "{not json");
    await expect(startTestEmulator({ stateFile })).rejects.toThrow(/Cannot load emulator state file/);
  });
});
