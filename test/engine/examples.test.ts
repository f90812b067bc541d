/**
 * The examples users copy, run as they are (TypeScript, through Pulumi's own TypeScript support) against the
 * emulator: the multi-environment GitOps program and attaching a client to an existing cluster with `Cluster.get`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { REPO_ROOT, withStack } from "../helpers/engine";

let emu: Emulator;
let cacheDir: string;

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 300 });
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-examples-"));
});
afterAll(async () => {
  await emu.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const env = () => ({ ...emu.env(), CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "100" });

it("multi-env: one stack per environment, driven by stack config", async () => {
  await withStack(
    {
      programDir: path.join(REPO_ROOT, "examples/multi-env"),
      stackName: "prod",
      env: env(),
      config: {
        "camunda-envs:region": { value: "London, Europe (europe-west2)" },
        "camunda-envs:plan": { value: "Trial Cluster" },
        "camunda-envs:clients": { value: JSON.stringify(["payments-worker", "billing-worker"]) },
        "camunda-envs:allowlist": { value: JSON.stringify([{ ip: "203.0.113.0/24", description: "office" }]) },
        "camunda-envs:secretNames": { value: JSON.stringify(["SLACK_TOKEN"]) },
        "camunda-envs:secrets": { value: JSON.stringify({ SLACK_TOKEN: "multi-env-slack-value" }), secret: true },
      },
    },
    async (s) => {
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      const state = emu.state({ revealSecrets: true });
      const cluster = state.clusters.find((c) => (c as { name: string }).name === "payments-prod") as { uuid: string; labels?: string[] };
      expect(cluster.labels).toEqual(["prod"]);
      expect(state.clients[cluster.uuid].map((c) => c.name).sort()).toEqual(["billing-worker-prod", "payments-worker-prod"]);
      expect(state.secrets[cluster.uuid]).toEqual({ SLACK_TOKEN: "multi-env-slack-value" });
      expect(up.outputs.clientBundles.secret).toBe(true);
      expect(s.rawBackendText()).not.toContain("multi-env-slack-value");
    },
  );
  expect(emu.state().clusters.filter((c) => (c as { name: string }).name === "payments-prod")).toHaveLength(0);
});

it("existing-cluster: clients on a cluster this stack does not manage", async () => {
  const made = await withStack(
    { programDir: path.join(REPO_ROOT, "examples/quickstart"), env: env(), skipDestroy: true },
    async (s) => (await s.up()).outputs.clusterId.value as string,
  );
  await withStack(
    { programDir: path.join(REPO_ROOT, "examples/existing-cluster"), env: env(), config: { "camunda-existing-cluster:clusterId": { value: made } } },
    async (s) => {
      const up = await s.up();
      expect(up.outputs.clusterName.value).toBe("orders-dev");
      expect((up.outputs.reportingEnv.value as Record<string, string>).CAMUNDA_CREDENTIALS_SCOPES).toBe("Operate,Optimize");
      await s.destroy();
      expect(emu.state().clusters.map((c) => (c as { uuid: string }).uuid)).toContain(made);
    },
  );
});
