/** The `pulumi-camunda-emulator` CLI: argument parsing, its output, and a real process stopped by SIGTERM. */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLI_DEFAULTS, exportLines, parseCliArgs, runCli } from "../../emulator/cli";
import { DEFAULTS } from "../../emulator";

const REPO = path.resolve(__dirname, "../..");

function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.trim().split("\n")) {
    const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
    if (!m) throw new Error(`not an export line: ${line.slice(0, 40)}`);
    env[m[1]] = m[2].replace(/'\\''/g, "'");
  }
  return env;
}

describe("parseCliArgs", () => {
  it("has the documented defaults", () => {
    const { options, printEnv, help } = parseCliArgs([]);
    expect(help).toBe(false);
    expect(printEnv).toBe(false);
    expect(options).toMatchObject({
      port: CLI_DEFAULTS.port,
      host: "127.0.0.1",
      provisioningMs: 3000,
      demoCredential: DEFAULTS.demoCredential,
      tokenRateLimit: { minIntervalMs: 1000, blockMs: 5000 },
      faults: {},
    });
  });

  it("maps flags to options and faults", () => {
    const { options, printEnv, envFile } = parseCliArgs([
      "--port=0",
      "--provisioning-ms",
      "10",
      "--no-token-rate-limit",
      "--latency-ms",
      "5",
      "--jitter-ms",
      "3",
      "--error-rate",
      "0.25",
      "--throttle-rate",
      "0.5",
      "--retry-after-seconds",
      "2",
      "--secret-linger-ms",
      "100",
      "--seed",
      "7",
      "--faults",
      '{"dropConnection":{"rate":0.1,"routes":[{"method":"GET"}]}}',
      "--print-env",
      "--write-env",
      "/tmp/x.env",
      "--state-file",
      "rel/state.json",
    ]);
    expect(options.port).toBe(0);
    expect(options.provisioningMs).toBe(10);
    expect(options.tokenRateLimit).toBe(false);
    expect(options.stateFile).toBe(path.resolve("rel/state.json"));
    expect(options.faults).toEqual({
      latencyMs: 5,
      jitterMs: 3,
      serverError: { rate: 0.25 },
      rateLimit: { rate: 0.5, retryAfterSeconds: 2 },
      dropConnection: { rate: 0.1, routes: [{ method: "GET" }] },
      secretLingerMs: 100,
      seed: 7,
    });
    expect(printEnv).toBe(true);
    expect(envFile).toBe("/tmp/x.env");
  });

  it("rejects bad values and unknown flags", () => {
    expect(() => parseCliArgs(["--error-rate", "2"])).toThrow(/--error-rate/);
    expect(() => parseCliArgs(["--port", "http"])).toThrow(/--port/);
    expect(() => parseCliArgs(["--bogus"])).toThrow();
    expect(() => parseCliArgs(["--faults", "{"])).toThrow(/--faults is not valid JSON/);
  });
});

describe("runCli", () => {
  it("prints eval-able export lines (only them on stdout with --print-env) and writes the env file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "camunda-emulator-cli-"));
    const envFile = path.join(dir, "emulator.env");
    let out = "";
    let err = "";
    const config = parseCliArgs(["--port", "0", "--print-env", "--write-env", envFile, "--no-token-rate-limit"]);
    const emu = await runCli(config, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    try {
      const env = parseExports(out);
      expect(env).toEqual(emu.env());
      expect(env.CAMUNDA_CONSOLE_BASE_URL).toBe(emu.url);
      expect(env.CAMUNDA_OAUTH_URL).toBe(`${emu.url}/oauth/token`);
      expect(env.CAMUNDA_CONSOLE_CLIENT_ID).toBe("demo-client");
      expect(env.CAMUNDA_CONSOLE_OAUTH_AUDIENCE).toBe("api.cloud.camunda.io");
      expect(err).toContain(emu.url);
      expect(parseExports(fs.readFileSync(envFile, "utf8"))).toEqual(env);
      expect((await fetch(`${emu.url}/__emulator/health`)).status).toBe(200);
    } finally {
      await emu.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("quotes values for the shell", () => {
    expect(exportLines({ A: "it's" })).toBe(`export A='it'\\''s'`);
    expect(parseExports(exportLines({ A: "it's" }))).toEqual({ A: "it's" });
  });
});

describe("the compiled CLI", () => {
  let outDir: string;
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "camunda-emulator-build-"));
    const tsc = spawnSync(
      process.execPath,
      [
        path.join(REPO, "node_modules/typescript/bin/tsc"),
        "--outDir",
        outDir,
        "--rootDir",
        REPO,
        "--module",
        "node16",
        "--moduleResolution",
        "node16",
        "--target",
        "ES2022",
        "--strict",
        "--esModuleInterop",
        "--skipLibCheck",
        "--types",
        "node",
        path.join(REPO, "emulator/cli.ts"),
      ],
      { encoding: "utf8" },
    );
    if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it("starts with a shebang, serves tokens, and exits 0 on SIGTERM", async () => {
    const cli = path.join(outDir, "emulator/cli.js");
    expect(fs.readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    const child = spawn(process.execPath, [cli, "--port", "0", "--print-env"], {
      env: { ...process.env, NODE_PATH: path.join(REPO, "node_modules") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const started = Date.now();
      while (!out.includes("CAMUNDA_CONSOLE_OAUTH_AUDIENCE") && child.exitCode === null && child.signalCode === null && Date.now() - started < 60_000) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const env = parseExports(out);
      const res = await fetch(env.CAMUNDA_OAUTH_URL, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: env.CAMUNDA_CONSOLE_CLIENT_ID,
          client_secret: env.CAMUNDA_CONSOLE_CLIENT_SECRET,
          audience: env.CAMUNDA_CONSOLE_OAUTH_AUDIENCE,
        }).toString(),
      });
      expect(res.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
