/**
 * What the end-to-end test files share: one emulator and one temporary token cache per file (reset before each
 * test), the stack config pointing the `camunda:*` settings at the emulator, and the provider's environment.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

export interface EmulatorForStacks {
  readonly emu: Emulator;
  /** Stack config: the JSON `spec` of test/programs/spec, the emulator's settings and any extra keys. */
  config(spec: unknown, extra?: ConfigMap): ConfigMap;
  /** Environment for the engine: a private token cache and fast cluster polling. */
  env(): Record<string, string>;
}

export function useEmulatorForStacks(options: EmulatorOptions): EmulatorForStacks {
  let emu: Emulator | undefined;
  let cacheDir = "";
  beforeAll(async () => {
    emu = await startEmulator(options);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-token-cache-"));
  });
  afterAll(async () => {
    await emu?.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });
  beforeEach(() => emu?.reset());
  const running = (): Emulator => {
    if (!emu) throw new Error("the emulator is not running");
    return emu;
  };
  return {
    get emu() {
      return running();
    },
    config: (spec, extra = {}) => ({
      spec: { value: JSON.stringify(spec) },
      "camunda:clientId": { value: running().credentials.clientId },
      "camunda:clientSecret": { value: running().credentials.clientSecret, secret: true },
      "camunda:baseUrl": { value: running().url },
      "camunda:oauthUrl": { value: running().oauthUrl },
      ...extra,
    }),
    env: () => ({ CAMUNDA_TOKEN_CACHE_DIR: cacheDir, PULUMI_CAMUNDA_POLL_MS: "200" }),
  };
}
