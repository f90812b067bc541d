/**
 * The token service under stress, through the real engine: a 429 block of the token endpoint in the middle of an
 * `up` (the provider waits as Retry-After says, finishes, and never sends two token requests less than a second
 * apart), bad credentials (exactly one token request and a clear error naming the client id), and every token
 * revoked in the middle of an `up` (exactly one new token, and the run goes on).
 */
import type { Emulator, RecordedResponse } from "../../emulator";
import { startEmulator } from "../../emulator";
import { withStack } from "../helpers/engine";
import {
  Recorder,
  SPEC_PROGRAM,
  compareWithSpec,
  describeDiscrepancies,
  engineEnv,
  findLeaks,
  makeSpec,
  noDiscrepancy,
  stackConfig,
  tempDir,
  type Spec,
} from "./helpers";

const rec = new Recorder(__filename);
let emu: Emulator;
let hook: ((r: RecordedResponse, at: number) => void) | undefined;

/** Token responses: when, status, and whether the test itself sent the request (a `?probe=1` query). */
let tokenLog: { at: number; status: number; probe: boolean }[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    provisioningMs: 1000,
    tokenRateLimit: { minIntervalMs: 1000, blockMs: 4000 },
    onResponse: (r) => {
      if (r.kind === "token") tokenLog.push({ at: r.receivedAt, status: r.statusCode, probe: r.url.includes("probe=1") });
      hook?.(r, Date.now());
    },
  });
});
afterAll(async () => {
  rec.finish();
  await emu?.stop();
});
beforeEach(() => {
  rec.reset(emu);
  hook = undefined;
  tokenLog = [];
});

function expectEmulatorMatches(spec: Spec, values: Record<string, string>, step: string): void {
  const d = compareWithSpec(emu.state({ revealSecrets: true }), spec, values);
  rec.data.duplicates += d.duplicates.length;
  rec.data.orphans += d.orphans.length;
  if (!noDiscrepancy(d)) rec.finding(`${step}: ${describeDiscrepancies(d)}`);
  expect(describeDiscrepancies(d)).toBe("");
}

/** Two token requests in quick succession from this address: the token service blocks the address. */
async function blockTokenEndpoint(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await fetch(`${emu.oauthUrl}?probe=1`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
  }
}

/** The gaps between consecutive token requests the provider sent (probes excluded), in ms. */
function providerTokenGaps(): number[] {
  const times = tokenLog.filter((t) => !t.probe).map((t) => t.at);
  return times.slice(1).map((t, i) => t - times[i]);
}

rec.scenario(
  "a 429 block of the token endpoint mid-up: the provider waits, finishes, and never sends two token requests within a second",
  async () => {
    const { spec, values } = makeSpec("tkb", { clients: 2, secrets: 2 });
    // Once the cluster is created, every token is revoked and the token endpoint blocks this address (as after
    // another client's burst): the provider's next call gets 401 and must get a new token through the block.
    let blockedAt = 0;
    hook = (r, at) => {
      if (r.kind === "api" && r.method === "POST" && r.route === "/clusters" && r.statusCode === 200 && !blockedAt) {
        blockedAt = at;
        // Block first, then revoke: a token request the provider sends on its next 401 then meets the block.
        void blockTokenEndpoint().then(() => emu.revokeTokens());
      }
    };
    await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir("tkb-cache")) }, async (s) => {
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      expectEmulatorMatches(spec, values, "up through a token 429 block");
    });
    const provider = tokenLog.filter((t) => !t.probe);
    process.stdout.write(`token requests (429 block): ${JSON.stringify(tokenLog.map((t) => ({ ...t, at: t.at - (tokenLog[0]?.at ?? 0) })))}\n`);
    expect(blockedAt).toBeGreaterThan(0);
    expect(provider.filter((t) => t.status === 429 && t.at > blockedAt).length).toBeGreaterThanOrEqual(1);
    expect(provider.filter((t) => t.status === 200 && t.at > blockedAt).length).toBe(1);
    const gaps = providerTokenGaps();
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    // Measured at arrival, as the token service measures (a millisecond of rounding tolerated).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(999);
  },
  { timeoutMs: 120_000, emu: () => emu },
);

rec.scenario(
  "bad credentials: preview and up fail with an error naming the client id, after exactly one token request each",
  async () => {
    const { spec, values } = makeSpec("tkc", { clients: 1, secrets: 1 });
    const wrongSecret = "wrong-console-secret-6c1d9e";
    const config = { ...stackConfig(emu, spec, values), "camunda:clientSecret": { value: wrongSecret, secret: true } };
    await withStack({ programDir: SPEC_PROGRAM, config, env: engineEnv(tempDir("tkc-cache")) }, async (s) => {
      const attempts: [string, () => Promise<unknown>][] = [
        ["preview", () => s.preview()],
        ["up", () => s.up()],
      ];
      for (const [what, run] of attempts) {
        rec.resetStats(emu);
        const err = await run().then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err).toBeDefined();
        const message = String(err?.message);
        expect(message).toMatch(/refused the Console API client "demo-client"/);
        expect(message).toMatch(/camunda:clientId|camunda:clientSecret/);
        const leaks = findLeaks([{ source: `${what} error`, text: message }], { wrongSecret });
        rec.data.leakedSecrets += leaks.length;
        expect(leaks).toEqual([]);
        const st = emu.stats();
        expect({ what, tokenRequests: st.tokenRequests.total, unauthorized: st.tokenRequests.unauthorized }).toEqual({
          what,
          tokenRequests: 1,
          unauthorized: 1,
        });
        expect(st.apiRequests.total).toBe(0);
      }

      // An unknown client id: the same, and the id is named.
      await s.setConfig("camunda:clientId", "no-such-console-client");
      await s.setConfig("camunda:clientSecret", emu.credentials.clientSecret, true);
      rec.resetStats(emu);
      const err = await s.preview().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(String(err?.message)).toMatch(/"no-such-console-client"/);
      expect(emu.stats().tokenRequests.total).toBe(1);
      expect(emu.state().clusters).toHaveLength(0);
    });
  },
  { timeoutMs: 120_000, emu: () => emu },
);

rec.scenario(
  "every token revoked mid-up while requests are in flight: exactly one new token, and the run goes on",
  async () => {
    const { spec, values } = makeSpec("tkr", { clients: 3, secrets: 3 });
    let revokedAt = 0;
    let unauthorizedAfter = 0;
    hook = (r, at) => {
      // Revoke at the first client creation: the other clients, the secrets and the allowlist are in flight.
      if (r.kind === "api" && r.method === "POST" && r.route === "/clusters/:clusterId/clients" && !revokedAt) {
        revokedAt = at;
        emu.revokeTokens();
      } else if (r.kind === "api" && r.statusCode === 401 && revokedAt) {
        unauthorizedAfter++;
      }
    };
    await withStack({ programDir: SPEC_PROGRAM, config: stackConfig(emu, spec, values), env: engineEnv(tempDir("tkr-cache")) }, async (s) => {
      const up = await s.up();
      expect(up.summary.result).toBe("succeeded");
      expectEmulatorMatches(spec, values, "up with tokens revoked mid-run");
    });
    expect(revokedAt).toBeGreaterThan(0);
    expect(unauthorizedAfter).toBeGreaterThanOrEqual(1);
    const after = tokenLog.filter((t) => t.at >= revokedAt);
    expect(after.map((t) => t.status)).toEqual([200]);
    expect(Math.min(...providerTokenGaps())).toBeGreaterThanOrEqual(999);
  },
  { timeoutMs: 120_000, emu: () => emu },
);
