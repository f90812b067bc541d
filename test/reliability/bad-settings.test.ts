/**
 * Bad provider settings (stack config `camunda:*`) through the real engine: missing or malformed credentials and
 * URLs, non-numeric or out-of-range limits. Each must fail at `preview` with a message naming the setting, never
 * showing a secret, and with no write request to the emulator. The settings are read once per provider process
 * and stop at the first bad one, so each case gets its own preview (one stack; only its config changes).
 */
import type { Emulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import type { EngineStack } from "../helpers/engine";
import { INPUTS_PROGRAM, PLAN, REGION, Recorder, engineEnv, failingPreview, findLeaks, openStack, tempDir, writeRequests } from "./helpers";

const rec = new Recorder(__filename);
let emu: Emulator;
let stack: { s: EngineStack; close: () => Promise<void> } | undefined;

/** A valid cluster: its `check` resolves the region and plan through the Console API, so it needs the settings. */
const WITH_CLUSTER = JSON.stringify([{ kind: "Cluster", name: "cl", args: { name: "ok", region: REGION, plan: PLAN } }]);
/** Only resources of an existing cluster (by id): no `check` of theirs needs the Console API. */
const WITHOUT_CLUSTER = JSON.stringify([
  { kind: "ZeebeClient", name: "worker", args: { clusterId: "2f6a3c8e-0d7b-4c55-9a1e-5b8d2c4f7a10", name: "worker" } },
  { kind: "ConnectorSecret", name: "slack", args: { clusterId: "2f6a3c8e-0d7b-4c55-9a1e-5b8d2c4f7a10", name: "SLACK", value: "xoxb-1" } },
]);

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 1000 });
  stack = await openStack({ programDir: INPUTS_PROGRAM, config: {}, env: engineEnv(tempDir("bad-settings-cache")) });
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rec.finish();
  await emu?.stop();
}, 120_000);

interface Case {
  title: string;
  /** Stack config to set on top of the valid settings (`secret: true` for secret values). */
  set?: Record<string, { value: string; secret?: boolean }>;
  /** Stack config keys to remove. */
  remove?: string[];
  resources?: string;
  /** The setting the message must name. */
  names: RegExp;
}

const SECRET_WITH_SPACE = "console secret with spaces 7d2f";

const cases: Case[] = [
  { title: "camunda:clientId missing", remove: ["camunda:clientId"], names: /camunda:clientId/ },
  { title: "camunda:clientSecret missing", remove: ["camunda:clientSecret"], names: /camunda:clientSecret/ },
  { title: "camunda:clientId with a space", set: { "camunda:clientId": { value: "demo client" } }, names: /camunda:clientId/ },
  { title: "camunda:clientSecret with spaces (its value must not be shown)", set: { "camunda:clientSecret": { value: SECRET_WITH_SPACE, secret: true } }, names: /camunda:clientSecret/ },
  { title: "camunda:baseUrl not a URL", set: { "camunda:baseUrl": { value: "not a url" } }, names: /camunda:baseUrl/ },
  { title: "camunda:oauthUrl without a scheme", set: { "camunda:oauthUrl": { value: "127.0.0.1/oauth/token" } }, names: /camunda:oauthUrl/ },
  { title: "camunda:maxRequestsPerSecond not a number", set: { "camunda:maxRequestsPerSecond": { value: "abc" } }, names: /camunda:maxRequestsPerSecond/ },
  { title: "camunda:maxConcurrentRequests not a number", set: { "camunda:maxConcurrentRequests": { value: "many" } }, names: /camunda:maxConcurrentRequests/ },
  { title: "camunda:tokenDiskCache neither true nor false", set: { "camunda:tokenDiskCache": { value: "maybe" } }, names: /camunda:tokenDiskCache/ },
  {
    // A stack that only manages clients and secrets of an existing cluster: no `check` of theirs calls the API.
    title: "camunda:maxRequestsPerSecond not a number, in a stack without a Cluster resource",
    set: { "camunda:maxRequestsPerSecond": { value: "abc" } },
    resources: WITHOUT_CLUSTER,
    names: /camunda:maxRequestsPerSecond/,
  },
  {
    title: "camunda:clientSecret missing, in a stack without a Cluster resource",
    remove: ["camunda:clientSecret"],
    resources: WITHOUT_CLUSTER,
    names: /camunda:clientSecret/,
  },
];

const OPTIONAL_KEYS = ["camunda:maxRequestsPerSecond", "camunda:maxConcurrentRequests", "camunda:tokenDiskCache"];

/** Sets the whole stack config in two CLI calls: the valid settings and `resources`, then the case's changes. */
async function configure(s: EngineStack, c: Partial<Case>): Promise<void> {
  const config: Record<string, { value: string; secret?: boolean }> = {
    "camunda:clientId": { value: emu.credentials.clientId },
    "camunda:clientSecret": { value: emu.credentials.clientSecret, secret: true },
    "camunda:baseUrl": { value: emu.url },
    "camunda:oauthUrl": { value: emu.oauthUrl },
    resources: { value: c.resources ?? WITH_CLUSTER },
    ...c.set,
  };
  for (const k of c.remove ?? []) delete config[k];
  const stale = [...OPTIONAL_KEYS, ...(c.remove ?? [])].filter((k) => !(k in config));
  await s.stack.removeAllConfig(stale);
  await s.stack.setAllConfig(config);
}

describe("bad provider settings fail at preview, naming the setting, with no write request", () => {
  rec.scenario(
    "the valid settings preview cleanly (control)",
    async () => {
      const s = (stack as { s: EngineStack }).s;
      await configure(s, {});
      const preview = await s.preview();
      expect(preview.changeSummary.create).toBe(2);
      expect(writeRequests(emu)).toEqual({});
    },
    { timeoutMs: 60_000, emu: () => emu },
  );

  for (const c of cases) {
    rec.scenario(
      c.title,
      async () => {
        const s = (stack as { s: EngineStack }).s;
        await configure(s, c);
        rec.resetStats(emu);
        rec.data.badInputsTried++;
        const lines = await failingPreview(s);
        const named = lines.filter((l) => c.names.test(l));
        expect({ case: c.title, named: named.length > 0 }).toEqual({ case: c.title, named: true });
        const leaks = findLeaks([{ source: c.title, text: lines.join("\n") }], {
          "console secret": emu.credentials.clientSecret,
          "secret with spaces": SECRET_WITH_SPACE,
        });
        rec.data.leakedSecrets += leaks.length;
        expect(leaks).toEqual([]);
        expect(writeRequests(emu)).toEqual({});
        expect(emu.stats().tokenRequests.total).toBe(0);
      },
      { timeoutMs: 60_000, emu: () => emu },
    );
  }
});
