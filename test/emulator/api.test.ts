/** Console API rules: auth and scopes, cluster lifecycle, clients, secrets, allowlist, members, out-of-band changes. */
import type { Emulator } from "../../emulator";
import { GENERATIONS, PLAN_TYPES } from "../../emulator/seed";
import { call, clusterBody, createCluster, getToken, sleep, specViolations, startTestEmulator, waitFor } from "./helpers";

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  token = await getToken(emu);
});
afterAll(() => emu.stop());
afterEach(() => expect(specViolations).toEqual([]));

describe("authentication and scopes", () => {
  it("answers 401 in plain text without a valid bearer token", async () => {
    for (const t of [undefined, "not-a-jwt", `${token}x`]) {
      const r = await call(emu, t, "GET", "/clusters");
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(r.text).toBe("Unauthorized");
    }
  });

  it("answers 401 once the token has expired", async () => {
    // Expiry is checked in whole seconds: a 1-second token issued at S.99 is already expired at S+1.00, so the token
    // lives 4 seconds here (at least three whole seconds of validity).
    const short = await startTestEmulator({ tokenTtlSeconds: 4 });
    try {
      const t = await getToken(short);
      expect((await call(short, t, "GET", "/clusters")).status).toBe(200);
      await sleep(5100);
      expect((await call(short, t, "GET", "/clusters")).status).toBe(401);
    } finally {
      await short.stop();
    }
  });

  it("answers 403 naming the scope the credential lacks", async () => {
    emu.addCredential({ clientId: "no-zeebe", clientSecret: "s3cret-no-zeebe", scopes: ["Cluster", "Connector Secrets"] });
    const limited = await getToken(emu, { clientId: "no-zeebe", clientSecret: "s3cret-no-zeebe" });
    const id = await createCluster(emu, token, { name: "scoped" });
    const r = await call(emu, limited, "GET", `/clusters/${id}/clients`);
    expect(r.status).toBe(403);
    expect(r.text).toBe('Forbidden: this API client lacks the "Zeebe Client" scope');
    expect((await call(emu, limited, "POST", `/clusters/${id}/clients`, { clientName: "x" })).status).toBe(403);
    expect((await call(emu, limited, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: [] })).text).toContain(
      '"IP Allowlist"',
    );
    expect((await call(emu, limited, "GET", "/members")).text).toContain('"Members"');
    expect((await call(emu, limited, "GET", `/clusters/${id}/backups`)).text).toContain('"Backups"');
    // Allowed scopes work, and the allowlist fields are hidden from a credential that may not see them.
    expect((await call(emu, limited, "GET", `/clusters/${id}/secrets`)).status).toBe(200);
    const cluster = (await call(emu, limited, "GET", `/clusters/${id}`)).json();
    expect(cluster.ipallowlist).toBeUndefined();
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().ipallowlist).toEqual([]);
  });

  it("rejects the tokens of a removed credential", async () => {
    emu.addCredential({ clientId: "temp", clientSecret: "temp-secret", scopes: ["Cluster"] });
    const t = await getToken(emu, { clientId: "temp", clientSecret: "temp-secret" });
    expect((await call(emu, t, "GET", "/clusters")).status).toBe(200);
    expect(emu.removeCredential("temp")).toBe(true);
    expect((await call(emu, t, "GET", "/clusters")).status).toBe(401);
  });
});

describe("clusters", () => {
  it("validates the create body, naming the field", async () => {
    const missing = await call(emu, token, "POST", "/clusters", clusterBody({ regionId: undefined }));
    expect(missing.status).toBe(400);
    expect(missing.text).toBe("regionId is required");
    const badPlan = await call(emu, token, "POST", "/clusters", clusterBody({ planTypeId: "nope" }));
    expect(badPlan.text).toBe("invalid clusterPlanType");
    const badGen = await call(emu, token, "POST", "/clusters", clusterBody({ generationId: GENERATIONS.v89alpha.uuid }));
    expect(badGen.text).toBe("invalid generation");
    const longName = await call(emu, token, "POST", "/clusters", clusterBody({ name: "n".repeat(51) }));
    expect(longName.status).toBe(400);
    expect(longName.text).toMatch(/^Invalid name: Name is too long/);
    const badType = await call(emu, token, "POST", "/clusters", clusterBody({ autoUpdate: "yes" }));
    expect(badType.text).toMatch(/^Invalid autoUpdate/);
    const notJson = await fetch(`${emu.url}/clusters`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{oops",
    });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("goes from Creating to Healthy after provisioningMs; GET client is 412 until then", async () => {
    // Four requests must land before provisioning ends: 5 s leaves a loaded machine room.
    const slow = await startTestEmulator({ provisioningMs: 5000 });
    try {
      const t = await getToken(slow);
      const id = await createCluster(slow, t);
      const before = (await call(slow, t, "GET", `/clusters/${id}`)).json();
      expect(before.status.ready).toBe("Creating");
      expect(before.status.zeebeStatus).toBe("Creating");
      const client = (await call(slow, t, "POST", `/clusters/${id}/clients`, { clientName: "early" })).json();
      const early = await call(slow, t, "GET", `/clusters/${id}/clients/${client.clientId}`);
      expect(early.status).toBe(412);
      expect(early.text).toBe("The cluster is not ready; try again later");
      await waitFor(async () => (await call(slow, t, "GET", `/clusters/${id}`)).json().status.ready === "Healthy", 20_000);
      expect((await call(slow, t, "GET", `/clusters/${id}/clients/${client.clientId}`)).status).toBe(200);
    } finally {
      await slow.stop();
    }
  });

  it("setClusterHealthy() ends provisioning at once", async () => {
    const slow = await startTestEmulator({ provisioningMs: 60_000 });
    try {
      const t = await getToken(slow);
      const id = await createCluster(slow, t);
      slow.setClusterHealthy(id);
      expect((await call(slow, t, "GET", `/clusters/${id}`)).json().status.ready).toBe("Healthy");
    } finally {
      await slow.stop();
    }
  });

  it("resumes a suspended cluster on wake", async () => {
    const id = await createCluster(emu, token, { name: "sleepy" });
    emu.setClusterStatus(id, "Suspended");
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().status.ready).toBe("Suspended");
    expect((await call(emu, token, "PUT", `/clusters/${id}/wake`)).status).toBe(204);
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().status.ready).toBe("Healthy");
  });

  it("ignores autoUpdate on a non-stable channel and uses the given plan", async () => {
    const id = await createCluster(emu, token, {
      channelId: "c767585c-eccc-4762-be78-3bfcd562ee1e",
      generationId: GENERATIONS.v89alpha.uuid,
      planTypeId: PLAN_TYPES[2].uuid,
      autoUpdate: true,
    });
    const c = (await call(emu, token, "GET", `/clusters/${id}`)).json();
    expect(c.autoUpdate).toBe(false);
    expect(c.planType).toEqual({ uuid: PLAN_TYPES[2].uuid, name: "Standard" });
    expect(c.channel.name).toBe("Alpha");
  });

  it("deletes a cluster with its clients and secrets", async () => {
    const id = await createCluster(emu, token, { name: "doomed" });
    await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "c" });
    await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S", secretValue: "v" });
    expect((await call(emu, token, "DELETE", `/clusters/${id}`)).status).toBe(204);
    expect((await call(emu, token, "GET", `/clusters/${id}`)).text).toBe("Cluster not found");
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).status).toBe(404);
    expect(emu.state().clients[id]).toBeUndefined();
  });
});

describe("clients", () => {
  let id: string;
  beforeAll(async () => {
    id = await createCluster(emu, token, { name: "clients" });
  });

  it("returns the secret only in the create response", async () => {
    const created = await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "once" });
    const body = created.json();
    // As live answers are (the createdClientWithoutLinks profile, on by default): no links.
    expect(Object.keys(body).sort()).toEqual(["audience", "clientId", "clientSecret", "name", "permissions", "uuid"]);
    expect(body.clientSecret).toMatch(/^[A-Za-z0-9~._-]{64}$/);
    expect(body.clientId).toMatch(/^[A-Za-z0-9~._-]{32}$/);
    expect(body.audience).toBe("zeebe.camunda.io");
    expect(body.permissions).toEqual(["Zeebe", "Operate", "Optimize", "Tasklist", "Secrets"]);
    // As the document has it: with links.
    emu.setProfiles("document");
    try {
      const doc = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "documented" })).json();
      expect(Object.keys(doc).sort()).toEqual(["audience", "clientId", "clientSecret", "links", "name", "permissions", "uuid"]);
      expect(doc.permissions).toEqual(["Zeebe", "Tasklist", "Operate", "Optimize", "Secrets"]);
    } finally {
      emu.setProfiles("default");
    }

    const secret = body.clientSecret as string;
    const list = await call(emu, token, "GET", `/clusters/${id}/clients`);
    const one = await call(emu, token, "GET", `/clusters/${id}/clients/${encodeURIComponent(body.clientId)}`);
    const state = JSON.stringify(emu.state({ revealSecrets: true }));
    for (const text of [list.text, one.text, state]) expect(text.includes(secret)).toBe(false);

    expect(one.json()).toEqual({
      name: "once",
      ZEEBE_ADDRESS: `${id}.bru-2.zeebe.camunda.io:443`,
      ZEEBE_CLIENT_ID: body.clientId,
      ZEEBE_AUTHORIZATION_SERVER_URL: "https://login.cloud.camunda.io/oauth/token",
    });
    expect(list.json()).toContainEqual({ name: "once", clientId: body.clientId, permissions: body.permissions });
  });

  it("refuses a duplicate name with 400 and unknown permissions with a message naming the field", async () => {
    await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "dup", permissions: ["Operate", "Zeebe"] });
    const dup = await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "dup" });
    expect(dup.status).toBe(400);
    expect(dup.text).toBe("Client names must be unique");
    const bad = await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "p", permissions: ["Root"] });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^Invalid permissions\[0\]/);
    const list = (await call(emu, token, "GET", `/clusters/${id}/clients`)).json();
    expect(list.find((c: { name: string }) => c.name === "dup").permissions).toEqual(["Zeebe", "Operate"]);
  });

  it("answers 404 for an unknown cluster or client", async () => {
    expect((await call(emu, token, "GET", `/clusters/${id}/clients/unknown`)).text).toBe("Cluster or client not found");
    expect((await call(emu, token, "DELETE", `/clusters/${id}/clients/unknown`)).status).toBe(404);
    expect((await call(emu, token, "POST", "/clusters/unknown/clients", { clientName: "x" })).text).toBe("Cluster not found");
  });
});

describe("connector secrets", () => {
  let id: string;
  beforeAll(async () => {
    id = await createCluster(emu, token, { name: "secrets" });
  });

  it("refuses names of 50 characters or more, and duplicates with 409", async () => {
    const long = await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S".repeat(50), secretValue: "v" });
    expect(long.status).toBe(400);
    expect(long.text).toBe("Secret name must be less than 50 characters");
    expect(
      (await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S".repeat(49), secretValue: "v" })).status,
    ).toBe(204);
    const dup = await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S".repeat(49), secretValue: "w" });
    expect(dup.status).toBe(409);
    expect(dup.text).toBe("Secret names must be unique");
    const noValue = await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "X" });
    expect(noValue.text).toBe("secretValue is required");
  });

  it("updates in place, 404s an unknown secret, and deletes idempotently", async () => {
    await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "K", secretValue: "1" });
    expect((await call(emu, token, "PUT", `/clusters/${id}/secrets/K`, { secretValue: "2" })).status).toBe(204);
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json().K).toBe("2");
    expect((await call(emu, token, "PUT", `/clusters/${id}/secrets/missing`, { secretValue: "2" })).status).toBe(404);
    expect((await call(emu, token, "DELETE", `/clusters/${id}/secrets/K`)).status).toBe(204);
    expect((await call(emu, token, "DELETE", `/clusters/${id}/secrets/K`)).status).toBe(204);
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json().K).toBeUndefined();
  });
});

describe("IP allowlist", () => {
  it("replaces the list, clears it with [], and validates addresses", async () => {
    const id = await createCluster(emu, token, { name: "allow" });
    const list = [
      { ip: "10.0.0.0/8", description: "a" },
      { ip: "2001:db8::/32", description: "b" },
    ];
    expect((await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: list })).status).toBe(204);
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().ipallowlist).toEqual(list);
    await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: [] });
    expect((await call(emu, token, "GET", `/clusters/${id}`)).json().ipwhitelist).toEqual([]);
    const bad = await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, {
      ipallowlist: [{ ip: "10.0.0.0/33", description: "" }],
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/^Invalid ipallowlist\[0\]\.ip/);
    const noDesc = await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: [{ ip: "10.0.0.1" }] });
    expect(noDesc.text).toBe("ipallowlist[0].description is required");
    const wrongKey = await call(emu, token, "PUT", `/clusters/${id}/ipwhitelist`, { ipallowlist: [] });
    expect(wrongKey.text).toBe("ipwhitelist is required");
  });
});

describe("members", () => {
  it("invites, changes roles, and protects the owner", async () => {
    expect((await call(emu, token, "POST", "/members/dev@example.com", { orgRoles: ["developer"] })).status).toBe(204);
    let members = (await call(emu, token, "GET", "/members")).json();
    expect(members).toContainEqual({ name: "dev@example.com", email: "dev@example.com", roles: ["developer"], invitePending: true });
    await call(emu, token, "POST", "/members/dev@example.com", { orgRoles: ["analyst", "modeler"] });
    members = (await call(emu, token, "GET", "/members")).json();
    expect(members.find((m: { email: string }) => m.email === "dev@example.com").roles).toEqual(["analyst", "modeler"]);
    expect((await call(emu, token, "POST", "/members/owner@example.com", { orgRoles: ["admin"] })).status).toBe(403);
    expect((await call(emu, token, "DELETE", "/members/owner@example.com")).status).toBe(403);
    expect((await call(emu, token, "POST", "/members/not-an-email", { orgRoles: ["admin"] })).status).toBe(400);
    expect((await call(emu, token, "DELETE", "/members/dev@example.com")).status).toBe(204);
  });
});

describe("out-of-band changes", () => {
  it("are visible through the API", async () => {
    const id = await createCluster(emu, token, { name: "oob" });
    const client = (await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "c" })).json();
    await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "S", secretValue: "v" });

    emu.patchCluster(id, { name: "changed-in-ui", description: "by hand" });
    emu.setSecretValue(id, "S", "rotated");
    emu.setSecretValue(id, "NEW", "added");
    emu.setIpAllowlist(id, [{ ip: "192.0.2.0/24", description: "ui" }]);
    const c = (await call(emu, token, "GET", `/clusters/${id}`)).json();
    expect(c).toMatchObject({ name: "changed-in-ui", description: "by hand", ipallowlist: [{ ip: "192.0.2.0/24", description: "ui" }] });
    expect((await call(emu, token, "GET", `/clusters/${id}/secrets`)).json()).toEqual({ S: "rotated", NEW: "added" });

    expect(emu.deleteSecret(id, "S")).toBe(true);
    expect(emu.deleteSecret(id, "S")).toBe(false);
    expect(emu.deleteClient(id, client.clientId)).toBe(true);
    expect((await call(emu, token, "GET", `/clusters/${id}/clients`)).json()).toEqual([]);
    expect(emu.deleteCluster(id)).toBe(true);
    expect(emu.deleteCluster(id)).toBe(false);
    expect((await call(emu, token, "GET", `/clusters/${id}`)).status).toBe(404);
    expect(() => emu.setSecretValue(id, "S", "x")).toThrow("Cluster not found");
  });
});

describe("other routes", () => {
  it("answers unknown paths with a plain-text 404 and serves /meta/ip-ranges without a token", async () => {
    const r = await call(emu, token, "GET", "/nothing-here");
    expect(r.status).toBe(404);
    expect(r.text).toBe("Not Found");
    expect((await call(emu, undefined, "GET", "/meta/ip-ranges")).json()["web-modeler"].length).toBeGreaterThan(0);
  });
});
