/**
 * The path real users take: the package packed with `npm pack`, installed with @pulumi/pulumi into a fresh project
 * outside the repository, its emulator started through the installed `pulumi-camunda-emulator` bin, and a program
 * brought up, refreshed and destroyed through the real engine. Also checks the serialized provider closures.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, withStack } from "../helpers/engine";

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const camunda = require("pulumi-camunda");
const config = new pulumi.Config();
const cluster = new camunda.Cluster("c", { name: "packed", region: "Iowa, North America (us-central1)", plan: "Trial Cluster" });
const client = new camunda.ZeebeClient("w", { clusterId: cluster.id, name: "packed-worker" });
new camunda.IpAllowlist("ip", { clusterId: cluster.id, entries: [{ ip: "192.0.2.0/24", description: "lab" }] });
new camunda.ConnectorSecret("s", { clusterId: cluster.id, name: "API_KEY", value: config.requireSecret("apiKey") });
exports.clusterId = cluster.id;
exports.env = client.env;
`;
const API_KEY = "packed-api-key-value-6e5d";

let project: string;
let emulator: ChildProcess | undefined;

beforeAll(() => {
  // The folder name contains the package name on purpose: Pulumi's closure serializer then fails to map the shim
  // module to its exported subpath and falls back to its dist path, which the package exports too.
  project = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-camunda-user-"));
  const packDir = path.join(project, "pack");
  fs.mkdirSync(packDir);
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], { cwd: REPO_ROOT, encoding: "utf8" });
  const tarball = path.join(packDir, out.trim().split("\n").pop() as string);
  const pulumiVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true }));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: user-project\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.writeFileSync(path.join(project, "index.js"), PROGRAM);
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball, `@pulumi/pulumi@${pulumiVersion}`],
    { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
  );
}, 600_000);

afterAll(() => {
  emulator?.kill();
  fs.rmSync(project, { recursive: true, force: true });
});

async function startInstalledEmulator(): Promise<Record<string, string>> {
  const envFile = path.join(project, "emulator.env");
  emulator = spawn(path.join(project, "node_modules/.bin/pulumi-camunda-emulator"), ["--port", "0", "--provisioning-ms", "500", "--write-env", envFile], {
    cwd: project,
    stdio: "ignore",
  });
  // A cold start on a loaded machine can take many seconds: wait up to a minute, and stop at once if it exited.
  const until = Date.now() + 60_000;
  while (!(fs.existsSync(envFile) && fs.readFileSync(envFile, "utf8").includes("CAMUNDA_CONSOLE_OAUTH_AUDIENCE"))) {
    if (emulator.exitCode !== null || emulator.signalCode !== null || Date.now() > until) throw new Error(`the installed emulator wrote no ${envFile} (exit code ${emulator.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const env: Record<string, string> = {};
  for (const m of fs.readFileSync(envFile, "utf8").matchAll(/^export (\w+)='([^']*)'$/gm)) env[m[1]] = m[2];
  return env;
}

it("works installed from the packed tarball in a fresh project outside the repository", async () => {
  const installed = fs.realpathSync(path.join(project, "node_modules/pulumi-camunda"));
  expect(installed.startsWith(REPO_ROOT)).toBe(false);
  expect(fs.existsSync(path.join(installed, "dist/sdk/index.js"))).toBe(true);
  expect(fs.existsSync(path.join(installed, "test"))).toBe(false);

  const emuEnv = await startInstalledEmulator();
  expect(emuEnv.CAMUNDA_CONSOLE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const cacheDir = path.join(project, "token-cache");
  await withStack(
    {
      programDir: project,
      inPlace: true,
      config: { apiKey: { value: API_KEY, secret: true } },
      env: { ...emuEnv, CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "200" },
    },
    async (s) => {
      const up = await s.up();
      expect(up.summary.resourceChanges?.create).toBe(5);
      const env = up.outputs.env.value as Record<string, string>;
      expect(env.ZEEBE_ADDRESS).toMatch(/\.zeebe\.camunda\.io:443$/);
      expect(env.ZEEBE_CLIENT_SECRET).toHaveLength(64);

      // The serialized provider closures are a require of the installed package (a few hundred bytes), with no credentials.
      const raw = s.rawBackendText();
      const checkpoint = fs
        .readdirSync(path.join(s.backendDir, ".pulumi/stacks/user-project"))
        .filter((f) => f.endsWith(".json"))
        .map((f) => JSON.parse(fs.readFileSync(path.join(s.backendDir, ".pulumi/stacks/user-project", f), "utf8")) as {
          checkpoint: { latest: { resources: { type: string; outputs?: { __provider?: string } }[] } };
        })[0];
      const closures = checkpoint.checkpoint.latest.resources
        .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/camunda:"))
        .map((r) => r.outputs?.__provider ?? "");
      expect(closures).toHaveLength(4);
      for (const c of closures) {
        expect(c.length).toBeGreaterThan(0);
        expect(c.length).toBeLessThan(1024);
        expect(c).toMatch(/require\("pulumi-camunda\/(dist\/sdk\/)?shims\/(cluster|zeebe-client|ip-allowlist|connector-secret)(\.js)?"\)/);
      }
      for (const secret of [emuEnv.CAMUNDA_CONSOLE_CLIENT_SECRET, API_KEY, env.ZEEBE_CLIENT_SECRET]) expect(raw).not.toContain(secret);

      const refresh = await s.refresh();
      expect(refresh.summary.result).toBe("succeeded");
      const destroy = await s.destroy();
      expect(destroy.summary.resourceChanges?.delete).toBe(5);
    },
  );
}, 600_000);
