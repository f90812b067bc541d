/**
 * The live-shape profiles (issue 11): each does what its source says, each is switchable alone (option, admin route,
 * CLI flag), the presets resolve as documented, and every answer under them still validates against the document.
 */
import type { Emulator } from "../../emulator";
import { DEFAULT_PROFILES, LIVE_PROFILES, PROFILE_NAMES } from "../../emulator";
import { parseCliArgs } from "../../emulator/cli";
import { resolveProfiles } from "../../emulator/profiles";
import { GENERATIONS } from "../../emulator/seed";
import { call, createCluster, getToken, sleep, specViolations, startTestEmulator, waitFor } from "./helpers";

let emu: Emulator;
let token: string;

beforeAll(async () => {
  // Lags long enough that a loaded machine still sees the transient answer; the tests then poll until it passes.
  emu = await startTestEmulator({ provisioningMs: 0, profileTuning: { consistencyLagMs: 3000, clientDetailsLagMs: 3000, apiRequestsPerSecond: 5 } });
  token = await getToken(emu);
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.reset();
  emu.setProfiles("document");
});
afterEach(() => expect(specViolations).toEqual([]));

describe("selection", () => {
  it("resolves the presets and refuses unknown names, listing the valid ones", () => {
    expect([...resolveProfiles("document")]).toEqual([]);
    expect([...resolveProfiles(undefined)]).toEqual(DEFAULT_PROFILES);
    expect([...resolveProfiles("live")]).toEqual(LIVE_PROFILES);
    expect(LIVE_PROFILES).toEqual(PROFILE_NAMES.filter((p) => p !== "clientScopesDropped"));
    expect([...resolveProfiles(["default", "stageLabelNotReturned"])]).toEqual([...DEFAULT_PROFILES, "stageLabelNotReturned"]);
    expect(() => resolveProfiles(["sometimes"])).toThrow(/Unknown profile "sometimes"; the profiles are createdClientWithoutLinks, /);
  });

  it("switches at run time through the admin route, and reset restores the start-up selection", async () => {
    const r = await fetch(`${emu.url}/__emulator/profiles`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ profiles: ["jsonErrors"] }) });
    expect(await r.json()).toEqual({ profiles: ["jsonErrors"] });
    expect(await (await fetch(`${emu.url}/__emulator/profiles`)).json()).toEqual({ profiles: ["jsonErrors"] });
    const bad = await fetch(`${emu.url}/__emulator/profiles`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ profiles: ["nope"] }) });
    expect(bad.status).toBe(400);
    emu.reset();
    expect(emu.profiles()).toEqual(DEFAULT_PROFILES);
  });

  it("is chosen on the command line", () => {
    expect(parseCliArgs(["--profile", "live"]).options.profiles).toEqual(["live"]);
    expect(parseCliArgs(["--profile", "default,allowlistHidden", "--consistency-lag-ms", "50"]).options).toMatchObject({
      profiles: ["default", "allowlistHidden"],
      profileTuning: { consistencyLagMs: 50 },
    });
    expect(() => parseCliArgs(["--profile", "bogus"])).toThrow(/Unknown profile "bogus"/);
  });
});

describe("each profile alone", () => {
  const on = (p: string) => emu.setProfiles([p]);

  it("createdClientWithoutLinks: the create answer carries no links", async () => {
    const id = await createCluster(emu, token);
    expect((await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "a" })).json().links).toBeDefined();
    on("createdClientWithoutLinks");
    expect((await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "b" })).json().links).toBeUndefined();
  });

  it("undeclaredFields and foreignClusterInList: fields the document omits, and another team's odd cluster", async () => {
    const id = await createCluster(emu, token);
    on("undeclaredFields");
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().k8sContext).toMatchObject({ name: "bru-2-context" });
    on("foreignClusterInList");
    const listed = (await call(emu, token, "GET", "/clusters")).json() as { name: string; status: { ready: string } }[];
    expect(listed.map((c) => c.name)).toEqual(["test-cluster", "another-team-cluster"]);
    expect(listed[1].status.ready).toBe("WaitingForInput");
  });

  it("unorderedPermissions: the service's order", async () => {
    const id = await createCluster(emu, token);
    on("unorderedPermissions");
    const body = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "a", permissions: ["Tasklist", "Zeebe", "Operate"] })).json();
    expect(body.permissions).toEqual(["Zeebe", "Operate", "Tasklist"]);
  });

  it("clientDetailsNotReady: a new client's details answer 412 for a moment", async () => {
    const id = await createCluster(emu, token);
    on("clientDetailsNotReady");
    const t0 = Date.now();
    const { clientId } = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "a" })).json();
    expect((await call(emu, token, "GET", `/clusters/${id}/clients/${clientId}`)).status).toBe(412);
    await waitFor(async () => (await call(emu, token, "GET", `/clusters/${id}/clients/${clientId}`)).status === 200, 20_000, "the client's details");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000); // the tuned lag, not the default
  });

  it("stageLabelNotReturned and allowlistHidden: labels and the allowlist do not come back", async () => {
    const id = await createCluster(emu, token, { stageLabel: "prod" });
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json()).toMatchObject({ labels: ["prod"], ipallowlist: [] });
    on("stageLabelNotReturned");
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().labels).toBeUndefined();
    on("allowlistHidden");
    expect((await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: [{ ip: "10.0.0.1", description: "" }] })).status).toBe(204);
    const c = (await call(emu, token, "GET", `/clusters/${id}`)).json();
    expect([c.ipallowlist, c.ipwhitelist]).toEqual([undefined, undefined]);
  });

  it("clientScopesDropped / clientScopesRejected: on 8.7+ clusters Console grants only Zeebe, Optimize and Secrets", async () => {
    const id = await createCluster(emu, token, { generationId: GENERATIONS.v87.uuid });
    on("clientScopesDropped");
    const dropped = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "a", permissions: ["Zeebe", "Operate"] })).json();
    expect(dropped.permissions).toEqual(["Zeebe"]);
    expect((await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "all" })).json().permissions).toEqual(["Zeebe", "Optimize", "Secrets"]);
    on("clientScopesRejected");
    const rejected = await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "b", permissions: ["Tasklist"] });
    expect([rejected.status, rejected.text]).toEqual([400, expect.stringMatching(/Permissions Tasklist are not managed in Console/)]);
  });

  it("eventualConsistency: new objects are invisible for a moment, deleted secrets linger", async () => {
    on("eventualConsistency");
    let t0 = Date.now();
    const id = await createCluster(emu, token);
    expect((await call(emu, token, "GET", `/clusters/${id}`)).status).toBe(404);
    expect((await call(emu, token, "GET", "/clusters")).json()).toEqual([]);
    await waitFor(async () => (await call(emu, token, "GET", `/clusters/${id}`)).status === 200, 20_000, "the new cluster");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000); // the tuned lag, not the default
    t0 = Date.now();
    await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S", secretValue: "v" });
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({});
    await waitFor(async () => "S" in (await call(emu, token, "GET", `/clusters/${id}/secrets`)).json(), 20_000, "the new secret");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({ S: "v" });
    await call(emu, token, "DELETE", `/clusters/${id}/secrets/S`);
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({ S: "v" });
  });

  it("clusterLifecycle: Creating → Updating → Healthy, auto-pause of a dev Trial cluster, wake through Resuming", async () => {
    // Creating lasts 1.8 s, Updating 1.2 s, Healthy 1.5 s before the pause: each state is wide enough for a poll
    // every 50 ms to see it on a loaded machine; Resuming lasts provisioningMs again.
    const slow = await startTestEmulator({ provisioningMs: 3000, profiles: ["clusterLifecycle"], profileTuning: { autoPauseMs: 1500 } });
    try {
      const t = await getToken(slow);
      const id = await createCluster(slow, t, { stageLabel: "dev" });
      const seen = new Set<string>();
      const until = Date.now() + 30_000;
      while (!seen.has("Suspended") && Date.now() < until) {
        seen.add((await call(slow, t, "GET", `/clusters/${id}`)).json().status.ready);
        await sleep(50);
      }
      expect([...seen]).toEqual(["Creating", "Updating", "Healthy", "Suspended"]);
      await call(slow, t, "PUT", `/clusters/${id}/wake`);
      expect((await call(slow, t, "GET", `/clusters/${id}`)).json().status.ready).toBe("Resuming");
    } finally {
      await slow.stop();
    }
  });

  it("apiRateLimit, missingScope401 and jsonErrors", async () => {
    on("apiRateLimit");
    // The limit is 5 per calendar second: 12 requests at once put at least 6 into one second, even when the burst
    // straddles a second's boundary (sent one after another, 8 requests can split 4 + 4 on a slow machine).
    const statuses = await Promise.all(Array.from({ length: 12 }, async () => (await call(emu, token, "GET", "/clusters")).status));
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    await sleep(1100);
    emu.setProfiles(["missingScope401", "jsonErrors"]);
    emu.addCredential({ clientId: "narrow", clientSecret: "narrow-secret", scopes: ["Cluster"] });
    const narrow = await getToken(emu, { clientId: "narrow", clientSecret: "narrow-secret" });
    const r = await call(emu, narrow, "GET", "/members");
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ status: 401, title: "Unauthorized", detail: 'Unauthorized: this API client lacks the "Members" scope' });
  });
});
