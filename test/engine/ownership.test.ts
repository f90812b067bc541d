/**
 * A stack changes only what it created (issue 10), through the real engine and the emulator: two stacks of one
 * project in one folder with one credential never take each other's objects, in sequence or at once; a planted
 * journal entry is ignored; a dropped connection never takes a person's client; hostile cache folders are refused;
 * two resources of one program claiming one object fail the preview; an existing connector secret is left alone
 * unless adopted explicitly; names the API cannot round-trip fail the preview.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack, withStacks, type EngineStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
const REGION = "Belgium, Europe (europe-west1)";
const PLAN = "Trial Cluster";
const stacks = useEmulatorForStacks({ provisioningMs: 600 });
const config = (spec: unknown) => stacks.config(spec, { v1: { value: "ownership-value-1", secret: true } });

const declared = {
  cluster: { name: "orders", region: REGION, plan: PLAN },
  clients: [{ name: "worker", permissions: ["Zeebe"] }],
  allowlist: [{ ip: "203.0.113.0/24", description: "office" }],
  secrets: [{ name: "TOKEN", secretConfigKey: "v1" }],
};

type Outputs = { clusterId: string; clients: Record<string, { clientId: string }> };
function outputsOf(up: { outputs: Record<string, { value: unknown }> }): Outputs {
  return { clusterId: up.outputs.clusterId.value as string, clients: up.outputs.clients.value as Outputs["clients"] };
}

function writes(): number {
  const m = stacks.emu.stats().apiRequests.byMethod;
  return (m.POST ?? 0) + (m.PUT ?? 0) + (m.PATCH ?? 0) + (m.DELETE ?? 0);
}

async function failure(run: Promise<unknown>, s: EngineStack): Promise<string> {
  const err = await run.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err).toBeDefined();
  return `${err?.message}\n${s.output.join("\n")}`;
}

/** A cluster made outside Pulumi (by a person, or another tool), Healthy. */
async function existingCluster(name: string): Promise<string> {
  const token = await tokenFor(stacks.emu.credentials.clientId, stacks.emu.credentials.clientSecret);
  const api = (method: string, p: string, body?: unknown) =>
    request(`${stacks.emu.url}${p}`, {
      method: method as "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => (r.statusCode === 204 ? undefined : r.body.json()));
  const params = (await api("GET", "/clusters/parameters")) as {
    regions: { uuid: string }[];
    clusterPlanTypes: { uuid: string }[];
    channels: { uuid: string; defaultGeneration: { uuid: string } }[];
  };
  const { clusterId } = (await api("POST", "/clusters", {
    name,
    regionId: params.regions[0].uuid,
    planTypeId: params.clusterPlanTypes[0].uuid,
    channelId: params.channels[0].uuid,
    generationId: params.channels[0].defaultGeneration.uuid,
  })) as { clusterId: string };
  stacks.emu.setClusterHealthy(clusterId);
  return clusterId;
}

let lastToken = 0;
async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
  // The emulator limits token requests per address, as the service does.
  const wait = lastToken + 1200 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastToken = Date.now();
  const r = await request(stacks.emu.oauthUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, audience: stacks.emu.audience }).toString(),
  });
  return ((await r.body.json()) as { access_token: string }).access_token;
}

function clusterIds(): string[] {
  return (stacks.emu.state().clusters as unknown as { uuid: string }[]).map((c) => c.uuid);
}

describe("two stacks of one project in one folder with one credential", () => {
  it("in sequence and at once, each stack gets its own objects, and destroying one leaves the others untouched", async () => {
    const names = ["teamA", "teamB", "teamC", "teamD"];
    await withStacks({ programDir: PROGRAM, config: config(declared), env: stacks.env() }, names, async ([a, b, c, d]) => {
      const upA = outputsOf(await a.up());
      const upB = outputsOf(await b.up());
      expect(upB.clusterId).not.toBe(upA.clusterId);
      expect(b.output.join("\n")).not.toMatch(/interrupted run/);
      const st = stacks.emu.state();
      expect(st.clusters).toHaveLength(2);
      expect(st.clients[upA.clusterId].map((x) => x.clientId)).toEqual([upA.clients.worker.clientId]);
      expect(st.clients[upB.clusterId].map((x) => x.clientId)).toEqual([upB.clients.worker.clientId]);

      // At once.
      const [upC, upD] = (await Promise.all([c.up(), d.up()])).map(outputsOf);
      expect(new Set([upA.clusterId, upB.clusterId, upC.clusterId, upD.clusterId]).size).toBe(4);

      await b.destroy();
      await d.destroy();
      const left = stacks.emu.state({ revealSecrets: true });
      expect(clusterIds().sort()).toEqual([upA.clusterId, upC.clusterId].sort());
      for (const up of [upA, upC]) {
        expect(left.clients[up.clusterId].map((x) => x.clientId)).toEqual([up.clients.worker.clientId]);
        expect(left.secrets[up.clusterId]).toEqual({ TOKEN: "ownership-value-1" });
      }
      // The survivors converge: nothing of theirs was touched.
      stacks.emu.resetStats();
      await a.preview({ expectNoChanges: true });
      await c.preview({ expectNoChanges: true });
      expect(writes()).toBe(0);
    });
  });

  it("ignores a journal entry planted for the dev stack that names the prod cluster", async () => {
    const prodId = await existingCluster("orders");
    await withStack({ programDir: PROGRAM, config: config({ cluster: declared.cluster }), env: stacks.env(), stackName: "dev" }, async (dev) => {
      // The entry the journal of the previous version would have read for this declaration: its file name is
      // computable from non-secret values (Console URL, client id, program folder, declaration).
      const token = await tokenFor(stacks.emu.credentials.clientId, stacks.emu.credentials.clientSecret);
      const params = (await (
        await request(`${stacks.emu.url}/clusters/parameters`, { headers: { authorization: `Bearer ${token}` } })
      ).body.json()) as { regions: { uuid: string; name: string }[]; clusterPlanTypes: { uuid: string; name: string }[]; channels: { uuid: string; name: string }[] };
      const identity = ["orders", params.regions.find((r) => r.name === REGION)?.uuid, params.clusterPlanTypes.find((p) => p.name === PLAN)?.uuid, params.channels.find((ch) => ch.name === "Stable")?.uuid];
      const key = createHash("sha256")
        .update([stacks.emu.url, stacks.emu.credentials.clientId, fs.realpathSync(dev.workDir), "cluster", ...identity].join("\n"))
        .digest("hex")
        .slice(0, 32);
      const dir = path.join(stacks.env().CAMUNDA_TOKEN_CACHE_DIR, "pulumi-camunda-journal");
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(dir, `cluster-${key}.json`), JSON.stringify({ id: prodId, at: Date.now(), by: "planted" }), { mode: 0o600 });
      // And forged entries in the current format (without the Console secret, their MAC cannot be right).
      for (const name of ["cluster-0000.json", `cluster-${key}${key}.json`.slice(0, 48) + ".json"]) {
        fs.writeFileSync(
          path.join(dir, name),
          JSON.stringify({ format: "pulumi-camunda/journal/v2", kind: "cluster", owner: JSON.stringify(["camunda-spec", "dev", "Cluster", "cluster"]), id: prodId, at: Date.now(), declaration: {}, before: [], mac: "00" }),
          { mode: 0o600 },
        );
      }

      const up = outputsOf(await dev.up());
      expect(up.clusterId).not.toBe(prodId);
      expect(dev.output.join("\n")).not.toMatch(/adopting/);
      await dev.destroy();
      expect(clusterIds()).toEqual([prodId]);
    });
  });

  it("destroying stack A never removes the member stack B invited after A's was removed in the Console", async () => {
    const estate = path.join(__dirname, "../programs/estate");
    const team = { cluster: { name: "team", region: REGION, plan: PLAN }, members: [{ email: "jane@example.com", roles: ["analyst"] }] };
    await withStacks({ programDir: estate, config: stacks.config(team), env: stacks.env() }, ["teamA", "teamB"], async ([a, b]) => {
      await a.up();
      const token = await tokenFor(stacks.emu.credentials.clientId, stacks.emu.credentials.clientSecret);
      const removed = await request(`${stacks.emu.url}/members/jane%40example.com`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
      await removed.body.dump();
      expect(removed.statusCode).toBeLessThan(300); // she left: an admin removed her in the Console
      await b.up(); // nothing exists: a plain create, although stack A's entry is not marked recorded yet
      expect(stacks.emu.state().members.find((m) => m.email === "jane@example.com")?.roles).toEqual(["analyst"]);
      await a.destroy();
      expect(a.output.join("\n")).toMatch(/Member "jane@example.com" is now managed by Member "member-0": it is kept/);
      expect(stacks.emu.state().members.some((m) => m.email === "jane@example.com")).toBe(true);
    });
  });
});

describe("objects that existed before", () => {
  it("one dropped connection never takes, replaces or deletes a person's same-named client", async () => {
    const clusterId = await existingCluster("shared");
    const token = await tokenFor(stacks.emu.credentials.clientId, stacks.emu.credentials.clientSecret);
    const persons = (await (
      await request(`${stacks.emu.url}/clusters/${clusterId}/clients`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientName: "worker" }),
      })
    ).body.json()) as { clientId: string };
    const spec = { existingClusterId: clusterId, clients: [{ name: "worker" }] };
    await withStack({ programDir: PROGRAM, config: config(spec), env: stacks.env() }, async (s) => {
      stacks.emu.setFaults({ dropConnection: { rate: 1, times: 1, routes: [{ method: "POST", route: "/clusters/:clusterId/clients" }] } });
      const text = await failure(s.up(), s);
      expect(stacks.emu.stats().faultsInjected.dropConnection).toBe(1);
      expect(text).toMatch(/Client names must be unique\. A client of this name already exists on the cluster: choose another name or adopt it with ZeebeClient\.get/);
      expect(stacks.emu.state().clients[clusterId].map((c) => c.clientId)).toEqual([persons.clientId]);
    });
  });

  it("an existing connector secret is neither overwritten nor deleted unless adoptExisting takes it over, announced", async () => {
    const clusterId = await existingCluster("secrets");
    stacks.emu.setSecretValue(clusterId, "TOKEN", "made-by-hand");
    const refused = { existingClusterId: clusterId, secrets: [{ name: "TOKEN", secretConfigKey: "v1" }] };
    await withStack({ programDir: PROGRAM, config: config(refused), env: stacks.env() }, async (s) => {
      const text = await failure(s.up(), s);
      expect(text).toMatch(/A connector secret named "TOKEN" already exists on the cluster and this resource did not create it: choose another name, or set `adoptExisting: true`/);
      await s.destroy();
      expect(stacks.emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "made-by-hand" });

      await s.setConfig("spec", JSON.stringify({ existingClusterId: clusterId, secrets: [{ name: "TOKEN", secretConfigKey: "v1", adoptExisting: true }] }));
      await s.up();
      expect(s.output.join("\n")).toMatch(/connector secret "TOKEN" existed on cluster .* and is adopted \(adoptExisting: true\)/);
      expect(stacks.emu.state({ revealSecrets: true }).secrets[clusterId]).toEqual({ TOKEN: "ownership-value-1" });
      await s.preview({ expectNoChanges: true });
      await s.destroy();
      expect(stacks.emu.state().secrets[clusterId]).toEqual({});
    });
  });
});

describe("cache and journal folders others can write", () => {
  const me = process.getuid?.() ?? 0;

  function tokenFile(dir: string): string {
    const e = stacks.emu;
    const digest = createHash("sha256").update(["pulumi-camunda/v1", e.oauthUrl, e.credentials.clientId, e.audience, e.credentials.clientSecret].join("\n")).digest("hex").slice(0, 32);
    return path.join(dir, `pulumi-camunda-token-${digest}.json`);
  }

  it("refuses a folder others can write (with a planted token), naming it and the fix, before any request", async () => {
    const hostile = fs.mkdtempSync(path.join(os.tmpdir(), "pc-hostile-"));
    fs.chmodSync(hostile, 0o777);
    if (me === 0) fs.chownSync(hostile, 65534, 65534); // as on a shared runner: another user's folder
    stacks.emu.addCredential({ clientId: "attacker", clientSecret: "attacker-secret", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets"] });
    const planted = await tokenFor("attacker", "attacker-secret");
    fs.writeFileSync(tokenFile(hostile), JSON.stringify({ accessToken: planted, expiresAt: Date.now() + 3600_000, obtainedAt: Date.now() }));
    stacks.emu.resetStats();
    try {
      await withStack({ programDir: PROGRAM, config: config(declared), env: { ...stacks.env(), CAMUNDA_TOKEN_CACHE_DIR: hostile } }, async (s) => {
        const text = await failure(s.preview(), s);
        expect(text).toContain(`Refusing the folder ${hostile} (camunda:tokenCacheDir (or CAMUNDA_TOKEN_CACHE_DIR))`);
        expect(text).toMatch(me === 0 ? /owned by uid 65534, not by this user/ : /others can write it \(mode 0777\)/);
        expect(stacks.emu.stats().apiRequests.total).toBe(0);
        expect(stacks.emu.stats().tokenRequests.total).toBe(0);
      });
    } finally {
      fs.rmSync(hostile, { recursive: true, force: true });
    }
  });

  it("never follows a planted symlink, tightens the journal folder, and breaks a lock whose process is gone at once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-own-"));
    const victim = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pc-victim-")), "passwd");
    fs.writeFileSync(victim, "root:x:0:0\n", { mode: 0o644 });
    fs.chmodSync(victim, 0o644);
    fs.symlinkSync(victim, tokenFile(dir));
    fs.mkdirSync(path.join(dir, "pulumi-camunda-journal"), { mode: 0o777 });
    fs.chmodSync(path.join(dir, "pulumi-camunda-journal"), 0o777);
    try {
      // The engine's own time: a preview of another stack, its token kept off the disk (the up below must be the
      // first to meet the cache file and its lock).
      let started = Date.now();
      await withStack({ programDir: PROGRAM, config: config({ cluster: declared.cluster }), env: { ...stacks.env(), CAMUNDA_TOKEN_CACHE_DIR: dir, CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" } }, (s) =>
        s.preview(),
      );
      const engineMs = Date.now() - started;
      // A lock left by a killed run (its process is gone).
      const ns = fs.readlinkSync("/proc/self/ns/pid"); // the provider's PID namespace is this one
      fs.writeFileSync(`${tokenFile(dir)}.lock`, JSON.stringify({ host: os.hostname(), ns, pid: 2 ** 22 + 7, token: "dead" }), { mode: 0o600 });
      await withStack({ programDir: PROGRAM, config: config({ cluster: declared.cluster }), env: { ...stacks.env(), CAMUNDA_TOKEN_CACHE_DIR: dir } }, async (s) => {
        started = Date.now();
        await s.up();
        // The lock's stale age is 20 s: a run that waited for it would take at least that much beyond the engine's time.
        expect(Date.now() - started - engineMs).toBeLessThan(15_000);
        expect(fs.existsSync(`${tokenFile(dir)}.lock`)).toBe(false);
        expect((fs.statSync(victim).mode & 0o777).toString(8)).toBe("644");
        expect(fs.readFileSync(victim, "utf8")).toBe("root:x:0:0\n");
        expect((fs.statSync(path.join(dir, "pulumi-camunda-journal")).mode & 0o777).toString(8)).toBe("700");
        expect(fs.existsSync(`${tokenFile(dir)}.lock`)).toBe(false);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.dirname(victim), { recursive: true, force: true });
    }
  });
});

describe("one program, one object", () => {
  it("two resources claiming one allowlist, secret name or client name fail the preview with both names, before any write", async () => {
    const clusterId = await existingCluster("claimed");
    const cases: [object, RegExp][] = [
      [
        { allowlists: [{ resourceName: "office", entries: [{ ip: "203.0.113.0/24" }] }, { resourceName: "vpn", entries: [{ ip: "198.51.100.7" }] }] },
        /IpAllowlist "(vpn|office)" and IpAllowlist "(vpn|office)" both manage the IP allowlist of cluster .*: one IpAllowlist holds a cluster's whole list/,
      ],
      [
        { secrets: [{ name: "TOKEN", secretConfigKey: "v1", resourceName: "first" }, { name: "TOKEN", secretConfigKey: "v1", resourceName: "second" }] },
        /ConnectorSecret "(first|second)" and ConnectorSecret "(first|second)" both manage the connector secret "TOKEN" of cluster/,
      ],
      [
        { clients: [{ name: "worker", resourceName: "w1" }, { name: "worker", resourceName: "w2" }] },
        /ZeebeClient "(w1|w2)" and ZeebeClient "(w1|w2)" both manage the client "worker" of cluster .*: client names are unique in a cluster/,
      ],
    ];
    await withStack({ programDir: PROGRAM, config: config({ existingClusterId: clusterId }), env: stacks.env() }, async (s) => {
      for (const [extra, message] of cases) {
        await s.setConfig("spec", JSON.stringify({ existingClusterId: clusterId, ...extra }));
        stacks.emu.resetStats();
        expect(await failure(s.preview(), s)).toMatch(message);
        expect(writes()).toBe(0);
      }
    });
  });

  it("names the API cannot round-trip fail the preview", async () => {
    const clusterId = await existingCluster("names");
    const cases: [object, RegExp][] = [
      [{ secrets: [{ name: "__proto__", secretConfigKey: "v1" }] }, /ConnectorSecret\.name: name "__proto__" is a reserved name/],
      [{ secrets: [{ name: "constructor", secretConfigKey: "v1" }] }, /ConnectorSecret\.name: name "constructor" is a reserved name/],
      [{ clients: [{ name: "work\u0007er" }] }, /ZeebeClient\.name: name contains a control character/],
      [{ clients: [{ name: "\u200b\u200b" }] }, /ZeebeClient\.name: name has no visible character \(only zero-width or other invisible characters\)/],
      [{ existingClusterId: undefined, cluster: { name: "\u200b", region: REGION, plan: PLAN } }, /Cluster\.name: name has no visible character/],
    ];
    await withStack({ programDir: PROGRAM, config: config({ existingClusterId: clusterId }), env: stacks.env() }, async (s) => {
      for (const [extra, message] of cases) {
        await s.setConfig("spec", JSON.stringify({ existingClusterId: clusterId, ...extra }));
        expect(await failure(s.preview(), s)).toMatch(message);
      }
    });
  });
});
