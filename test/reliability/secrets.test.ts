/**
 * No secret ever leaks: after up, update, refresh (also of a value changed out of band), a failing up and destroy,
 * every raw file of the state backend (stacks, history, backups), the engine's output (which carries the dynamic
 * provider's own log lines), the engine's stdout/stderr, PULUMI_HOME and the stack config file are searched for
 * every secret value used: the Console API client secret, every access token (and anything JWT-shaped), every
 * Zeebe client secret, every connector secret value. The token disk cache is 0600 in a 0700 directory.
 *
 * Not covered on purpose: `pulumi --debug` and `-v=9` logs, where the Pulumi SDK and engine themselves print RPC
 * payloads (secret values included) by design.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SCOPES, startEmulator, type Emulator } from "../../emulator";
import { withStack } from "../helpers/engine";
import {
  Recorder,
  SPEC_PROGRAM,
  SecretCollector,
  compareWithSpec,
  describeDiscrepancies,
  engineEnv,
  filesText,
  findLeaks,
  makeSpec,
  secretValue,
  stackConfig,
  tempDir,
} from "./helpers";

const rec = new Recorder(__filename);
const collector = new SecretCollector();
const CONSOLE = { clientId: "rel-secrets-console", clientSecret: `console-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}` };
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    provisioningMs: 1000,
    credentials: [{ ...CONSOLE, scopes: [...SCOPES] }],
    limits: { secretsPerCluster: 3 },
    onResponse: collector.onResponse,
  });
});
afterAll(async () => {
  rec.finish();
  await emu?.stop();
});

function mode(p: string): number {
  return fs.statSync(p).mode & 0o777;
}

function tokenFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^pulumi-camunda-token-.*\.json$/.test(f)).map((f) => path.join(dir, f)) : [];
}

rec.scenario(
  "no secret in state files, engine output, provider logs or PULUMI_HOME after up, update, refresh, a failed up and destroy; token cache 0600/0700",
  async () => {
    const root = tempDir("secrets");
    const cacheDir = path.join(root, "not-yet", "tokens"); // created by the provider
    const { spec, values } = makeSpec("sec", { clients: 2, secrets: 3 });
    const usedValues: Record<string, string> = { ...values };
    const config = {
      ...stackConfig(emu, spec, values),
      "camunda:clientId": { value: CONSOLE.clientId },
      "camunda:clientSecret": { value: CONSOLE.clientSecret, secret: true },
    };
    const texts: { source: string; text: string }[] = [];
    const steps: string[] = [];
    await withStack({ programDir: SPEC_PROGRAM, config, env: engineEnv(cacheDir) }, async (s) => {
      const keep = (step: string, r: { stdout: string; stderr: string }) => {
        steps.push(step);
        texts.push({ source: `${step} stdout`, text: r.stdout }, { source: `${step} stderr`, text: r.stderr });
      };

      // 1. up: the cache directory and file are created private.
      keep("up", await s.up());
      const files = tokenFiles(cacheDir);
      expect(files).toHaveLength(1);
      expect({ dir: mode(cacheDir).toString(8), file: mode(files[0]).toString(8) }).toEqual({ dir: "700", file: "600" });
      expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".lock") || f.endsWith(".tmp"))).toEqual([]);

      // 2. update: a new connector secret value and a replaced client (new client secret). A cache file left
      //    world-readable is tightened when it is read.
      fs.chmodSync(files[0], 0o644);
      values.sv0 = secretValue("sec", 10);
      usedValues.sv0new = values.sv0;
      await s.setConfig("sv0", values.sv0, true);
      spec.clients[1] = { name: "sec-client-renamed", permissions: ["Zeebe"] };
      await s.setConfig("spec", JSON.stringify(spec));
      keep("update", await s.up());
      expect(mode(files[0]).toString(8)).toBe("600");

      // 3. refresh after an out-of-band change of a secret value: the new value enters the state, encrypted.
      //    A cache directory the user left readable is used as it is (only the default ~/.camunda is tightened); the
      //    token file is 0600 whatever the folder.
      const clusterId = (emu.state().clusters[0] as { uuid: string }).uuid;
      usedValues.outOfBand = secretValue("sec-oob", 1);
      emu.setSecretValue(clusterId, "SECRET_1", usedValues.outOfBand);
      fs.chmodSync(cacheDir, 0o755);
      fs.rmSync(files[0]);
      keep("refresh", await s.refresh());
      expect({ dir: mode(cacheDir).toString(8), files: tokenFiles(cacheDir).map((f) => mode(f).toString(8)) }).toEqual({ dir: "755", files: ["600"] });

      // 4. up restores the declared value.
      keep("up after refresh", await s.up());
      expect(emu.state({ revealSecrets: true }).secrets[clusterId].SECRET_1).toBe(values.sv1);

      // 5. a failing up (the organisation's limit of 3 secrets): the error path leaks nothing either.
      usedValues.rejected = secretValue("sec-rejected", 1);
      await s.setConfig("sv9", usedValues.rejected, true);
      spec.secrets.push({ name: "SECRET_9", secretConfigKey: "sv9" });
      await s.setConfig("spec", JSON.stringify(spec));
      const failed = await s.up().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(failed).toBeDefined();
      expect(String(failed?.message)).toMatch(/HTTP 403/);
      steps.push("failed up");
      texts.push({ source: "failed up error", text: String(failed?.message) });
      spec.secrets.pop();
      delete values.sv9;
      await s.setConfig("spec", JSON.stringify(spec));
      keep("up after the failure", await s.up());
      expect(describeDiscrepancies(compareWithSpec(emu.state({ revealSecrets: true }), spec, values))).toBe("");

      // 6. destroy.
      keep("destroy", await s.destroy());
      expect(emu.state().clusters).toHaveLength(0);

      const raw = s.rawBackendText();
      expect(raw).toMatch(/"ciphertext"/); // the secret outputs are in the state, encrypted
      texts.push({ source: "state backend (stacks, history, backups)", text: raw });
      texts.push({ source: "engine output (incl. provider log lines)", text: s.output.join("\n") });
      texts.push(...filesText(s.env.PULUMI_HOME as string));
      for (const f of fs.readdirSync(s.workDir).filter((x) => /^Pulumi\..*\.yaml$/.test(x))) {
        texts.push({ source: `stack config ${f}`, text: fs.readFileSync(path.join(s.workDir, f), "utf8") });
      }
    });

    const secrets = { "Console API client secret": CONSOLE.clientSecret, ...usedValues, ...collector.record() };
    const tokens = Object.keys(collector.record()).filter((k) => k.startsWith("access token")).length;
    const clientSecrets = Object.keys(collector.record()).filter((k) => k.startsWith("client secret")).length;
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(clientSecrets).toBe(3);
    const leaks = findLeaks(texts, secrets);
    rec.data.leakedSecrets += leaks.length;
    for (const l of leaks) rec.finding(`secret leaked: ${l.what} in ${l.source}`);
    process.stdout.write(
      `secrets: searched ${texts.length} texts (${Math.round(texts.reduce((n, t) => n + t.text.length, 0) / 1024)} KiB) after ${steps.join(", ")} ` +
        `for ${Object.keys(secrets).length} secret values (${tokens} access tokens, ${clientSecrets} client secrets) and JWTs\n`,
    );
    expect(leaks).toEqual([]);
  },
  { timeoutMs: 170_000, emu: () => emu },
);
