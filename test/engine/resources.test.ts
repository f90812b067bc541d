/**
 * The four resources through the real Pulumi engine against the local Console API emulator: outputs, secrets,
 * no-change previews, in-place updates vs replacements, refresh after out-of-band changes, destroy, bad input.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { useEmulatorForStacks } from "../helpers/emulator-stacks";
import { engineBinDir, withStack, type EngineStack } from "../helpers/engine";

const PROGRAM = path.join(__dirname, "../programs/spec");
const SLACK = "xoxb-slack-value-5d1e2f";
const GITHUB = "ghp-github-value-9a8b7c";

const stacks = useEmulatorForStacks({ provisioningMs: 1500 });
const baseConfig = (spec: unknown) =>
  stacks.config(spec, { slack: { value: SLACK, secret: true }, github: { value: GITHUB, secret: true } });
const ENV = () => stacks.env();

const fullSpec = {
  cluster: { name: "orders-dev", region: "Belgium, Europe (europe-west1)", plan: "Trial Cluster", stageLabel: "dev" },
  clients: [
    { name: "order-worker", permissions: ["Zeebe", "Tasklist"] },
    { name: "ci", resourceName: "ci" },
  ],
  allowlist: [{ ip: "203.0.113.0/24", description: "office" }],
  secrets: [
    { name: "SLACK_TOKEN", secretConfigKey: "slack" },
    { name: "GITHUB_TOKEN", secretConfigKey: "github" },
  ],
};

function stackOutputJson(s: EngineStack): string {
  return execFileSync(path.join(engineBinDir(), "pulumi"), ["stack", "output", "--json"], {
    cwd: s.workDir,
    env: { ...process.env, ...s.env },
    encoding: "utf8",
  });
}

describe("resources through the real engine", () => {
  it("comes up with the specified outputs, keeps every secret out of state and output, and destroys cleanly", async () => {
    await withStack({ programDir: PROGRAM, config: baseConfig(fullSpec), env: ENV() }, async (s) => {
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      const o = up.outputs;
      if (!o.clusterStatus) throw new Error(JSON.stringify(Object.keys(o)) + s.output.join("\n"));
      expect(o.clusterStatus.value).toBe("Healthy");
      expect(o.regionName.value).toBe("Belgium, Europe (europe-west1)");
      expect(o.zeebeAddress.value).toMatch(/^[0-9a-f-]{36}\.bru-2\.zeebe\.camunda\.io:443$/);
      const clients = o.clients.value as Record<string, { clientId: string; clientSecret: string; env: Record<string, string>; permissions: string[] }>;
      const worker = clients["order-worker"];
      expect(worker.permissions).toEqual(["Zeebe", "Tasklist"]);
      expect(worker.clientSecret).toHaveLength(64);
      expect(Object.keys(worker.env).sort()).toEqual(
        [
          "CAMUNDA_CLIENT_ID",
          "CAMUNDA_CLIENT_SECRET",
          "CAMUNDA_CLUSTER_ID",
          "CAMUNDA_CLUSTER_REGION",
          "CAMUNDA_CREDENTIALS_SCOPES",
          "CAMUNDA_OAUTH_URL",
          "CAMUNDA_TASKLIST_BASE_URL",
          "ZEEBE_ADDRESS",
          "ZEEBE_AUTHORIZATION_SERVER_URL",
          "ZEEBE_CLIENT_ID",
          "ZEEBE_CLIENT_SECRET",
          "ZEEBE_GRPC_ADDRESS",
          "ZEEBE_REST_ADDRESS",
          "ZEEBE_TOKEN_AUDIENCE",
        ].sort(),
      );
      expect(worker.env.ZEEBE_CLIENT_SECRET).toBe(worker.clientSecret);
      expect(worker.env.ZEEBE_ADDRESS).toBe(o.zeebeAddress.value);
      expect(worker.env.CAMUNDA_CLUSTER_REGION).toBe("bru-2");
      expect(worker.env.CAMUNDA_CREDENTIALS_SCOPES).toBe("Zeebe,Tasklist");
      expect(clients.ci.env.CAMUNDA_OPERATE_BASE_URL).toMatch(/operate/);
      expect(clients.ci.env.CAMUNDA_OPTIMIZE_BASE_URL).toMatch(/optimize/);

      // The emulator holds exactly what was declared.
      const state = stacks.emu.state({ revealSecrets: true });
      const clusterId = o.clusterId.value as string;
      expect(state.clusters).toHaveLength(1);
      expect(state.clients[clusterId].map((c) => c.name).sort()).toEqual(["ci", "order-worker"]);
      expect(state.secrets[clusterId]).toEqual({ SLACK_TOKEN: SLACK, GITHUB_TOKEN: GITHUB });
      expect((state.clusters[0] as { ipallowlist: unknown }).ipallowlist).toEqual([{ ip: "203.0.113.0/24", description: "office" }]);

      // Secrets are masked by `pulumi stack output`, and absent from the raw state files.
      const shown = stackOutputJson(s);
      const secretValues = [SLACK, GITHUB, worker.clientSecret, clients.ci.clientSecret, stacks.emu.credentials.clientSecret];
      for (const v of secretValues) expect(shown).not.toContain(v);
      expect(shown).toContain("[secret]");
      const raw = s.rawBackendText();
      for (const v of secretValues) expect(raw).not.toContain(v);
      expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./); // no JWT
      for (const line of s.output) for (const v of secretValues) expect(line).not.toContain(v);

      // Each resource stores a serialized provider of a few hundred bytes: a require of the installed package.
      const dynamic = s.checkpointResources().filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/camunda:"));
      expect(dynamic).toHaveLength(6);
      for (const r of dynamic) {
        const closure = String(r.outputs?.__provider ?? "");
        expect(closure.length).toBeLessThan(1024);
        expect(closure).toMatch(/require\("pulumi-camunda\/(dist\/sdk\/)?shims\//);
      }

      // A no-change preview makes no API request (and no token request).
      stacks.emu.resetStats();
      const preview = await s.preview();
      expect(preview.changeSummary.same).toBeGreaterThan(0);
      expect(Object.keys(preview.changeSummary).filter((k) => k !== "same")).toEqual([]);
      expect(stacks.emu.stats().apiRequests.total).toBe(0);
      expect(stacks.emu.stats().tokenRequests.total).toBe(0);

      const destroy = await s.destroy();
      expect(destroy.summary.result).toBe("succeeded");
      expect(stacks.emu.state().clusters).toHaveLength(0);
    });
  });
});
