/**
 * Credentials, secrets, inputs and messages as a user lives them through the engine (issue 12): credential rotation
 * on refresh and destroy, the Console secret in (and out of) state, connector values passed as plain strings,
 * `up --debug`, lists whose elements are unknown at preview, the `import` option, one line per failing resource,
 * and drift named field by field.
 */
import * as path from "node:path";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { withStack, type EngineStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
const stacks = useEmulatorForStacks({ provisioningMs: 300 });
const REGION = "Belgium, Europe (europe-west1)";
const cluster = { name: "creds", region: REGION, plan: "Trial Cluster" };
const VALUE = "credentials-connector-value-5f1e";

async function failure(run: Promise<unknown>, s: EngineStack): Promise<string> {
  const err = await run.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err).toBeDefined();
  return `${err?.message}\n${s.output.join("\n")}`;
}

/** The default dynamic provider's recorded inputs (the stack config the engine configures it with on refresh). */
function providerInputs(s: EngineStack): Record<string, unknown> {
  return s.checkpointResources().find((r) => r.type === "pulumi:providers:pulumi-nodejs")?.inputs ?? {};
}

describe("credential rotation", () => {
  it("stack config: refresh and destroy name --run-program, and succeed with it", async () => {
    const e = stacks.emu;
    e.addCredential({ clientId: "team-a", clientSecret: "team-a-secret-9c1d", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets"] });
    e.addCredential({ clientId: "team-b", clientSecret: "team-b-secret-2e7a", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets"] });
    const config = {
      ...stacks.config({ cluster, clients: [{ name: "worker" }] }),
      "camunda:clientId": { value: "team-a" },
      "camunda:clientSecret": { value: "team-a-secret-9c1d", secret: true },
    };
    await withStack({ programDir: PROGRAM, config, env: { ...stacks.env(), CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" } }, async (s) => {
      await s.up();
      // Rotation: A revoked, B configured.
      e.removeCredential("team-a");
      e.revokeTokens();
      await s.setConfig("camunda:clientId", "team-b");
      await s.setConfig("camunda:clientSecret", "team-b-secret-2e7a", true);

      const refused = await failure(s.refresh(), s);
      expect(refused).toMatch(/If the credentials were rotated in the stack config since the last `pulumi up`: refresh and destroy use the camunda:\* configuration recorded then/);
      expect(refused).toMatch(/run `pulumi refresh --run-program` \(or `pulumi destroy --run-program`\)/);
      expect(refused).not.toContain("team-a-secret-9c1d");

      s.output.length = 0;
      expect(await failure(s.destroy(), s)).toMatch(/run `pulumi refresh --run-program` \(or `pulumi destroy --run-program`\)/);
      expect(e.state().clusters).toHaveLength(1);

      // The one command: it configures the provider from the current stack config (and records it for later runs).
      expect((await s.refresh({ runProgram: true })).summary.result).toBe("succeeded");
      expect((await s.destroy()).summary.result).toBe("succeeded");
      expect(e.state().clusters).toHaveLength(0);
    });
  });

  it("environment variables: refresh and destroy see the rotated credential, and no copy of the secret reaches the state", async () => {
    const e = stacks.emu;
    e.addCredential({ clientId: "env-a", clientSecret: "env-a-secret-71c3", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets"] });
    e.addCredential({ clientId: "env-b", clientSecret: "env-b-secret-0b8d", scopes: ["Cluster", "Zeebe Client", "IP Allowlist", "Connector Secrets"] });
    const base = { ...stacks.env(), CAMUNDA_CONSOLE_BASE_URL: e.url, CAMUNDA_OAUTH_URL: e.oauthUrl };
    const spec = { spec: { value: JSON.stringify({ cluster, clients: [{ name: "worker" }] }) } };
    const run = (id: string, secret: string) => ({ ...base, CAMUNDA_CONSOLE_CLIENT_ID: id, CAMUNDA_CONSOLE_CLIENT_SECRET: secret });
    await withStack({ programDir: PROGRAM, config: spec, env: run("env-a", "env-a-secret-71c3") }, async (s) => {
      await s.up();
      // Neither a plain nor an encrypted copy: the recorded provider config has no camunda:clientSecret at all.
      expect(s.rawBackendText()).not.toContain("env-a-secret-71c3");
      expect(Object.keys(providerInputs(s)).filter((k) => k.startsWith("camunda:"))).toEqual([]);
      e.removeCredential("env-a");
      e.revokeTokens();
      // The next runs are new processes with the rotated environment.
      Object.assign(s.env, run("env-b", "env-b-secret-0b8d"));
      Object.assign(s.stack.workspace.envVars, run("env-b", "env-b-secret-0b8d"));
      expect((await s.refresh()).summary.result).toBe("succeeded");
      expect((await s.destroy()).summary.result).toBe("succeeded");
      expect(e.state().clusters).toHaveLength(0);
    });
  });

  it("warns when camunda:clientSecret was set without --secret", async () => {
    const config = { ...stacks.config({ cluster }), "camunda:clientSecret": { value: stacks.emu.credentials.clientSecret } };
    await withStack({ programDir: PROGRAM, config, env: stacks.env() }, async (s) => {
      await s.preview();
      expect(s.output.join("\n")).toMatch(/camunda:clientSecret is stored in plain text in the stack config/);
    });
  });
});

describe("secrets in state, diffs and debug output", () => {
  it("a connector value passed as a plain string is a secret in state and in `preview --diff`", async () => {
    // The program reverses `plainValue`: the value it passes is in no config.
    const reversed = (v: string) => [...v].reverse().join("");
    const spec = (value: string) => ({ cluster, secrets: [{ name: "PLAIN", plainValue: reversed(value) }] });
    await withStack({ programDir: PROGRAM, config: stacks.config(spec(VALUE)), env: stacks.env() }, async (s) => {
      await s.up();
      expect(stacks.emu.state({ revealSecrets: true }).secrets[Object.keys(stacks.emu.state().secrets)[0]]).toEqual({ PLAIN: VALUE });
      await s.setConfig("spec", JSON.stringify(spec(`${VALUE}-changed`)));
      const diff = await s.preview({ diff: true });
      // The engine shows a secret input masked (it cannot show how it changed).
      expect(diff.stdout).toMatch(/~ pulumi-nodejs:dynamic\/camunda:ConnectorSecret: \(update\)[\s\S]*value\s*: \[secret\]/);
      expect(`${diff.stdout}${s.output.join("\n")}`).not.toContain(VALUE);
      await s.up();
      expect(s.rawBackendText()).not.toContain(VALUE);
      const inputs = s.checkpointResources().find((r) => r.type.endsWith("camunda:ConnectorSecret"))?.inputs ?? {};
      expect(JSON.stringify(inputs.value)).toMatch(/4dabf18193072939515e22adb298388d/); // the secret signature
    });
  });

  it("`up --debug` prints no client secret, connector value or token", async () => {
    const spec = { cluster, clients: [{ name: "worker" }], secrets: [{ name: "TOKEN", secretConfigKey: "v" }] };
    const config = { ...stacks.config(spec), v: { value: VALUE, secret: true } };
    await withStack({ programDir: PROGRAM, config, env: stacks.env() }, async (s) => {
      const up = await s.up({ debug: true });
      const text = `${up.stdout}\n${up.stderr}\n${s.output.join("\n")}`;
      expect(text).toMatch(/RegisterResource RPC finished: resource:worker\[pulumi-nodejs:dynamic\/camunda:ZeebeClient\]; err: null, resp: \[not shown by pulumi-camunda/);
      const secret = (up.outputs.clients.value as Record<string, { clientSecret: string }>).worker.clientSecret;
      expect(secret).toHaveLength(64);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(VALUE);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./); // no JWT
    });
  });
});

describe("inputs at preview", () => {
  it("list elements that are whole unknown Outputs pass the default `pulumi up` (with its preview)", async () => {
    await withStack({ programDir: PROGRAM, config: stacks.config({ cluster, unknownElements: true }), env: stacks.env() }, async (s) => {
      await s.preview();
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      const id = up.outputs.clusterId.value as string;
      expect(stacks.emu.state().clients[id].map((c) => [c.name, c.permissions])).toEqual([["late", ["Zeebe"]]]);
    });
  });

  it("the `import` option fails with one clear line, before the engine does", async () => {
    await withStack({ programDir: PROGRAM, config: stacks.config({ importClusterId: "0d000000-0000-4000-8000-000000000000" }), env: stacks.env() }, async (s) => {
      const text = await failure(s.preview(), s);
      expect(text).toMatch(/Cluster "imported": the `import` option cannot work for pulumi-camunda resources .* Read an existing object with Cluster\.get\(name, id\)/);
      expect(text).not.toMatch(/toJavaScript/);
    });
  });
});

describe("messages", () => {
  it("one bad credential in a refresh gives one line per resource, and no stack trace", async () => {
    const spec = { cluster, clients: [{ name: "a" }, { name: "b" }], secrets: [{ name: "S", secretConfigKey: "v" }] };
    const config = { ...stacks.config(spec), v: { value: VALUE, secret: true } };
    await withStack({ programDir: PROGRAM, config, env: { ...stacks.env(), CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" } }, async (s) => {
      await s.up();
      await s.setConfig("camunda:clientSecret", "a-wrong-secret-3d9f", true);
      s.output.length = 0;
      const text = await failure(s.refresh({ runProgram: true }), s);
      const lines = s.output.join("\n").split("\n").filter((l) => l.includes("The token service refused"));
      // One line per failing resource in the progress, one in the summary (the engine's own), at most.
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(2 * 4);
      expect(text).not.toMatch(/^\s+at .*\.(js|ts):\d+/m);
      expect(text).not.toContain("a-wrong-secret-3d9f");
    });
  });

  it("drift found by refresh is named field by field in `preview --diff`, secrets masked", async () => {
    const spec = { cluster, secrets: [{ name: "S", secretConfigKey: "v" }] };
    const config = { ...stacks.config(spec), v: { value: VALUE, secret: true } };
    await withStack({ programDir: PROGRAM, config, env: stacks.env() }, async (s) => {
      const up = await s.up();
      const id = up.outputs.clusterId.value as string;
      stacks.emu.patchCluster(id, { name: "renamed-in-the-console" });
      stacks.emu.setSecretValue(id, "S", "changed-in-the-console-77a1");
      await s.refresh();
      const diff = await s.preview({ diff: true });
      expect(diff.stdout).toMatch(/~ name\s*: "renamed-in-the-console" => "creds"/);
      expect(diff.stdout).toMatch(/~ pulumi-nodejs:dynamic\/camunda:ConnectorSecret: \(update\)[\s\S]*value\s*: \[secret\]/);
      expect(diff.stdout).not.toContain("changed-in-the-console-77a1");
      await s.up();
      expect((await s.preview()).changeSummary).toMatchObject({ same: expect.any(Number) });
    });
  });
});
