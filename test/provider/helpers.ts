/**
 * Helpers of the provider-core tests: an emulator, settings pointing at it (with an explicit environment object,
 * never process.env), temporary directories, an undici interceptor that loses responses, and unsigned test JWTs.
 * Nothing here prints a secret.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Dispatcher } from "undici";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import { resolveSettings, type Settings } from "../../provider/api";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts an emulator (the real token rate limit stays on unless the options turn it off). */
export function startEmu(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ badCredentialDelayMs: 0, ...options });
}

/**
 * Settings for the emulator's demo credential, read from an explicit environment built from `emu.env()`
 * (disk cache off unless `env` turns it on) and the given stack config.
 */
export function settingsFor(emu: Emulator, env: Record<string, string | undefined> = {}, config: Record<string, string> = {}): Settings {
  const environment: NodeJS.ProcessEnv = { ...emu.env(), CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true", ...env };
  for (const [k, v] of Object.entries(environment)) if (v === undefined) delete environment[k];
  return resolveSettings((key) => config[key], environment);
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by `removeTempDirs()`. */
export function tempDir(prefix = "pulumi-camunda-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** An unsigned JWT (the provider only reads `exp`) expiring in `ttlSeconds`. */
export function testJwt(ttlSeconds = 3600, extra: Record<string, unknown> = {}): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ iat: now, exp: now + ttlSeconds, ...extra })}.sig`;
}

/**
 * An interceptor (for `agent.compose(...)`) that lets the server carry out the first `times` requests matched by
 * `match`, swallows their responses and reports a socket error instead: a response lost after the work was done.
 */
export function loseResponses(
  match: (opts: Dispatcher.DispatchOptions) => boolean,
  times = 1,
): { interceptor: Dispatcher.DispatcherComposeInterceptor; lost: () => number } {
  let lost = 0;
  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    if (lost >= times || !match(opts)) return dispatch(opts, handler);
    lost++;
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onResponseStart: () => undefined,
      onResponseData: () => undefined,
      onResponseEnd: (controller) => {
        const err = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
        handler.onResponseError?.(controller, err);
      },
      onResponseError: (controller, err) => handler.onResponseError?.(controller, err),
    });
  };
  return { interceptor, lost: () => lost };
}
