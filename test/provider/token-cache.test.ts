/**
 * The on-disk token cache: private modes, no secret on disk, reuse by a second process, one token request for
 * several processes started at once (the cross-process lock), a rotated secret → another entry.
 * Child processes load the TypeScript sources through a small transpile-only require hook, so they test the current
 * code without a build.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";
import { CamundaAuthError, createConsoleClient, resetTokenProviders, TOKEN_REQUEST_SPACING_MS, type ConsoleClient } from "../../provider/api";
import { removeTempDirs, settingsFor, sleep, startEmu, tempDir } from "./helpers";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

const CHILD = `
const fs = require("fs");
const root = process.argv[2];
const ts = require(require.resolve("typescript", { paths: [root] }));
require.extensions[".ts"] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(out.outputText, filename);
};
const api = require(root + "/provider/api.ts");
(async () => {
  // Optional start barrier: wait until every sibling process has loaded, so that they all ask at once.
  const { BARRIER_DIR, BARRIER_COUNT } = process.env;
  if (BARRIER_DIR) {
    fs.writeFileSync(BARRIER_DIR + "/" + process.pid, "");
    while (fs.readdirSync(BARRIER_DIR).length < Number(BARRIER_COUNT)) await new Promise((r) => setTimeout(r, 5));
  }
  const settings = api.resolveSettings(() => undefined, process.env);
  const client = api.createConsoleClient(settings);
  const clusters = await client.listClusters();
  const t = client.options.tokens;
  process.stdout.write(JSON.stringify({ requests: t.stats.requests, diskHits: t.stats.diskHits, clusters: clusters.length, cacheFile: t.cacheFile }));
  await client.close();
})().catch((e) => {
  process.stderr.write(String(e && e.message));
  process.exit(1);
});
`;

interface ChildResult {
  requests: number;
  diskHits: number;
  clusters: number;
  cacheFile: string;
}

let childScript = "";

/** Runs one provider process with this environment (only this: credentials never go on a command line); returns its token statistics. */
async function childProcess(env: Record<string, string>): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [childScript, ROOT], { env, timeout: 60_000 });
  return JSON.parse(stdout) as ChildResult;
}

function cacheEnv(emu: Emulator, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...emu.env(), CAMUNDA_TOKEN_CACHE_DIR: dir, ...extra };
}

function mode(p: string): number {
  return fs.statSync(p).mode & 0o777;
}

let emu: Emulator | undefined;
const clients: ConsoleClient[] = [];

beforeAll(() => {
  childScript = path.join(tempDir("pulumi-camunda-child-"), "child.js");
  fs.writeFileSync(childScript, CHILD);
});

beforeEach(() => {
  resetTokenProviders();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emu?.stop();
  emu = undefined;
});

afterAll(() => removeTempDirs());

function client(e: Emulator, env: Record<string, string | undefined>): ConsoleClient {
  const c = createConsoleClient(settingsFor(e, { CAMUNDA_TOKEN_DISK_CACHE_DISABLE: undefined, ...env }));
  clients.push(c);
  return c;
}

describe("the disk cache", () => {
  it("is private (dir 0700, file 0600), holds no secret, and a second process reuses its token", async () => {
    emu = await startEmu();
    const dir = path.join(tempDir(), "nested", "cache");
    const c = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir });
    await c.listClusters();

    const file = c.options.tokens.cacheFile as string;
    expect(path.dirname(file)).toBe(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.dirname(dir))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    // Only the entry (and the token service's throttle record, a time): no lock or temporary file left behind.
    const [slot, ...others] = fs.readdirSync(dir).filter((f) => f !== path.basename(file));
    expect(others).toEqual([]);
    expect(slot).toMatch(/^pulumi-camunda-token-slot-[0-9a-f]{32}\.last$/);
    expect(fs.readFileSync(path.join(dir, slot), "utf8")).toMatch(/^\d+ \d+$/); // the slot reserved, the request sent
    const secret = emu.credentials.clientSecret;
    expect(path.basename(file)).not.toContain(secret);
    const content = fs.readFileSync(file, "utf8");
    expect(content).not.toContain(secret);
    const entry = JSON.parse(content) as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(["accessToken", "expiresAt", "obtainedAt"]);
    expect(entry.accessToken).toBe(await c.options.tokens.getToken());

    const child = await childProcess(cacheEnv(emu, dir));
    expect(child).toEqual({ requests: 0, diskHits: 1, clusters: 0, cacheFile: file });
    expect(emu.stats().tokenRequests.total).toBe(1);
    expect(emu.stats().apiRequests.byStatus).toEqual({ "200": 2 });
  });

  it("uses a folder the user chose as it is (others may read, not write it) and tightens a wider entry", async () => {
    emu = await startEmu();
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const first = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir });
    await first.options.tokens.getToken();
    expect(mode(dir)).toBe(0o755); // it may be the user's home or project folder; only ~/.camunda is tightened
    const file = first.options.tokens.cacheFile as string;
    fs.chmodSync(file, 0o644);

    resetTokenProviders();
    const second = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir });
    await second.options.tokens.getToken();
    expect(second.options.tokens.stats).toEqual({ requests: 0, diskHits: 1 });
    expect(mode(file)).toBe(0o600);
    expect(emu.stats().tokenRequests.total).toBe(1);
  });

  it("several processes started at once with an empty cache make one token request", async () => {
    emu = await startEmu();
    const dir = tempDir();
    const barrier = { BARRIER_DIR: tempDir(), BARRIER_COUNT: "3" };
    const results = await Promise.all([1, 2, 3].map(() => childProcess(cacheEnv(emu as Emulator, dir, barrier))));
    expect(results.reduce((n, r) => n + r.requests, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.diskHits, 0)).toBe(2);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 1, rateLimited: 0 });
    expect(emu.stats().apiRequests.byStatus).toEqual({ "200": 3 });
  });

  it("a rotated secret uses another entry and a new token; a revoked token is replaced on disk", async () => {
    emu = await startEmu();
    const dir = tempDir();
    emu.addCredential({ clientId: "rotating", clientSecret: "first-secret-A1", scopes: ["Cluster"] });
    const a = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir, CAMUNDA_CONSOLE_CLIENT_ID: "rotating", CAMUNDA_CONSOLE_CLIENT_SECRET: "first-secret-A1" });
    const tokenA = await a.options.tokens.getToken();

    // The secret is rotated in the Console: the old one stops working.
    emu.addCredential({ clientId: "rotating", clientSecret: "second-secret-B2", scopes: ["Cluster"] });
    const b = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir, CAMUNDA_CONSOLE_CLIENT_ID: "rotating", CAMUNDA_CONSOLE_CLIENT_SECRET: "second-secret-B2" });
    expect(b.options.tokens).not.toBe(a.options.tokens);
    expect(b.options.tokens.cacheFile).not.toBe(a.options.tokens.cacheFile);
    const tokenB = await b.options.tokens.getToken();
    expect(tokenB).not.toBe(tokenA);
    expect(b.options.tokens.stats).toEqual({ requests: 1, diskHits: 0 });
    expect(emu.stats().tokenRequests.total).toBe(2);
    for (const f of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      expect(text).not.toContain("first-secret-A1");
      expect(text).not.toContain("second-secret-B2");
    }

    // Revoked: the API's 401 removes the entry, and the new token takes its place.
    emu.revokeTokens();
    await b.listClusters();
    const onDisk = JSON.parse(fs.readFileSync(b.options.tokens.cacheFile as string, "utf8")) as { accessToken: string };
    expect(onDisk.accessToken).not.toBe(tokenB);
    expect(onDisk.accessToken).toBe(await b.options.tokens.getToken());
  });

  it("refused credentials leave nothing on disk", async () => {
    emu = await startEmu();
    const dir = tempDir();
    const c = client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir, CAMUNDA_CONSOLE_CLIENT_SECRET: "wrong-secret-C3" });
    await expect(c.listClusters()).rejects.toBeInstanceOf(CamundaAuthError);
    // Nothing but the throttle record (the time of the request: failed requests count against the limit too).
    expect(fs.readdirSync(dir).filter((f) => !/^pulumi-camunda-token-slot-[0-9a-f]{32}\.last$/.test(f))).toEqual([]);
  });
});

describe("the token throttle is per token service, across credentials and processes", () => {
  it("keeps the spacing from a request another process sent late (its timer fired long after its slot)", async () => {
    const arrivals: number[] = [];
    emu = await startEmu({ onResponse: (r) => void (r.kind === "token" && arrivals.push(r.receivedAt)) });
    emu.addCredential({ clientId: "late", clientSecret: "late-secret-5b1f", scopes: ["Cluster"] });
    const dir = tempDir();
    await client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir }).listClusters();
    await sleep(2 * TOKEN_REQUEST_SPACING_MS);
    const slot = fs.readdirSync(dir).find((f) => f.endsWith(".last"));
    expect(slot).toBeDefined();
    // Another process reserved its slot 3 s ago, but its timer fired only now: it sends at this moment.
    const sent = Date.now();
    fs.writeFileSync(path.join(dir, String(slot)), `${sent - 3000} ${sent}`, { mode: 0o600 });
    await client(emu, { CAMUNDA_TOKEN_CACHE_DIR: dir, CAMUNDA_CONSOLE_CLIENT_ID: "late", CAMUNDA_CONSOLE_CLIENT_SECRET: "late-secret-5b1f" }).listClusters();
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1] - sent).toBeGreaterThanOrEqual(TOKEN_REQUEST_SPACING_MS);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 2, ok: 2, rateLimited: 0 });
  });

  it("two processes with two credentials, started at once, never trip the per-address limit", async () => {
    emu = await startEmu(); // the token endpoint limits one request per second per address, and blocks beyond
    emu.addCredential({ clientId: "second", clientSecret: "second-secret-8a2c", scopes: ["Cluster"] });
    const dir = tempDir();
    const barrier = { BARRIER_DIR: tempDir("pulumi-camunda-barrier-"), BARRIER_COUNT: "2" };
    const results = await Promise.all([
      childProcess(cacheEnv(emu, dir, barrier)),
      childProcess(cacheEnv(emu, dir, { ...barrier, CAMUNDA_CONSOLE_CLIENT_ID: "second", CAMUNDA_CONSOLE_CLIENT_SECRET: "second-secret-8a2c" })),
    ]);
    expect(results.map((r) => r.requests)).toEqual([1, 1]);
    expect(emu.stats().tokenRequests).toMatchObject({ total: 2, ok: 2, rateLimited: 0 });
  });

  it.each([
    ["eight processes with eight credentials", 8, {}],
    ["three processes with the disk cache off (the throttle goes through the state folder)", 3, { CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" }],
  ])("%s, started at once, queue one request per spacing: none refused", async (_what, n: number, extra: Record<string, string>) => {
    emu = await startEmu();
    const e = emu;
    for (let i = 1; i < n; i++) e.addCredential({ clientId: `cred-${i}`, clientSecret: `cred-secret-${i}-7d1e`, scopes: ["Cluster"] });
    const dir = tempDir();
    const barrier = { BARRIER_DIR: tempDir("pulumi-camunda-barrier-"), BARRIER_COUNT: String(n) };
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        childProcess(cacheEnv(e, dir, { ...barrier, ...extra, ...(i ? { CAMUNDA_CONSOLE_CLIENT_ID: `cred-${i}`, CAMUNDA_CONSOLE_CLIENT_SECRET: `cred-secret-${i}-7d1e` } : {}) })),
      ),
    );
    expect(results.map((r) => r.requests)).toEqual(Array(n).fill(1));
    expect(e.stats().tokenRequests).toMatchObject({ total: n, ok: n, rateLimited: 0 });
  }, 120_000);
});
