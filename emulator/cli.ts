#!/usr/bin/env node
/**
 * `pulumi-camunda-emulator`: runs the Console API + OAuth emulator until SIGINT/SIGTERM and prints
 * its URLs and the demo credentials as `export` lines.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULTS, startEmulator, type Emulator, type EmulatorOptions, type FaultConfig } from "./index";
import { DEFAULT_PROFILES, PROFILE_NAMES, TUNING_DEFAULTS, resolveProfiles } from "./profiles";

/** CLI defaults that differ from the programmatic ones. */
export const CLI_DEFAULTS = { port: 8787, provisioningMs: 3000 } as const;

export const USAGE = `Usage: pulumi-camunda-emulator [options]

Local emulator of the Camunda 8 SaaS Console API (at the root) and its OAuth token endpoint (/oauth/token).

Options:
  --port <n>                     TCP port (default ${CLI_DEFAULTS.port}; 0 = random free port)
  --host <addr>                  interface to listen on (default ${DEFAULTS.host})
  --state-file <path>            load state from this file and save it after every change (default: in memory)
  --provisioning-ms <n>          time a new cluster stays "Creating" (default ${CLI_DEFAULTS.provisioningMs})
  --backup-ms <n>                time a new backup stays "In progress" (default ${DEFAULTS.backupMs})
  --client-id <id>               demo credential client id (default ${DEFAULTS.demoCredential.clientId})
  --client-secret <secret>       demo credential secret (default ${DEFAULTS.demoCredential.clientSecret})
  --audience <aud>               token audience (default ${DEFAULTS.audience})
  --token-ttl-seconds <n>        access token validity (default ${DEFAULTS.tokenTtlSeconds})
  --token-min-interval-ms <n>    token rate limit: min gap between requests per address (default ${DEFAULTS.tokenRateLimit.minIntervalMs})
  --token-block-ms <n>           token rate limit: how long an address stays blocked (default ${DEFAULTS.tokenRateLimit.blockMs})
  --no-token-rate-limit          disable the token rate limit
  --bad-credential-delay-ms <n>  delay before answering a repeated bad-credential request (default ${DEFAULTS.badCredentialDelayMs})
  --latency-ms <n>               fixed latency added to every response (default 0)
  --jitter-ms <n>                random extra latency, 0..n ms (default 0)
  --error-rate <0..1>            share of API requests answered 503
  --throttle-rate <0..1>         share of API requests answered 429 with Retry-After
  --retry-after-seconds <n>      Retry-After of those 429s (default 1)
  --drop-rate <0..1>             share of API requests whose connection is dropped
  --not-ready-rate <0..1>        share of API GETs answered 412
  --secret-conflict-rate <0..1>  share of secret writes answered 409 "in progress"
  --secret-linger-ms <n>         deleted secrets stay visible in GET for this long
  --seed <n>                     seed of the fault PRNG (reproducible faults)
  --faults <json|@file>          full fault configuration (JSON), merged under the flags above
  --print-env                    print only the export lines on stdout (everything else goes to stderr)
  --write-env <path>             also write the export lines to this file once listening
  --log-requests                 log every request (JSON lines on stdout)
  --admin-host <name>            a host name (besides localhost and IP addresses) the admin routes answer to; repeatable
  --profile <names>              live-shape profiles, comma-separated: ${PROFILE_NAMES.join(", ")};
                                 or the presets document (none), default (${DEFAULT_PROFILES.join(", ")}), live (all)
  --consistency-lag-ms <n>       eventualConsistency: how long a new object stays invisible (default ${TUNING_DEFAULTS.consistencyLagMs})
  --auto-pause-ms <n>            clusterLifecycle: when a dev/untagged Trial cluster is paused (default 8 h)
  --api-requests-per-second <n>  apiRateLimit: requests per second per credential (default ${TUNING_DEFAULTS.apiRequestsPerSecond})
  -h, --help                     show this help

Admin routes: GET /__emulator/stats, POST /__emulator/stats/reset, GET /__emulator/state[?reveal=true],
GET|PUT|DELETE /__emulator/faults, POST /__emulator/reset, POST /__emulator/revoke-tokens, …`;

export interface CliConfig {
  help: boolean;
  printEnv: boolean;
  envFile?: string;
  options: EmulatorOptions;
}

function num(name: string, value: string | undefined, { min = 0, max = Infinity, int = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a number${int ? " (integer)" : ""} between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

function faultsFromJson(value: string | undefined): FaultConfig {
  if (value === undefined) return {};
  const text = value.startsWith("@") ? fs.readFileSync(value.slice(1), "utf8") : value;
  try {
    return JSON.parse(text) as FaultConfig;
  } catch (e) {
    throw new Error(`--faults is not valid JSON: ${(e as Error).message}`);
  }
}

/** `--profile live`, `--profile document`, `--profile default,stageLabelNotReturned`: checked names. */
function profilesArg(value: string): string[] {
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  resolveProfiles(names); // throws on an unknown name, listing the valid ones
  return names;
}

/** Parses the command line (without the node and script arguments). Throws with a message on bad input. */
export function parseCliArgs(argv: string[]): CliConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "state-file": { type: "string" },
      "provisioning-ms": { type: "string" },
      "backup-ms": { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      audience: { type: "string" },
      "token-ttl-seconds": { type: "string" },
      "token-min-interval-ms": { type: "string" },
      "token-block-ms": { type: "string" },
      "no-token-rate-limit": { type: "boolean" },
      "bad-credential-delay-ms": { type: "string" },
      "latency-ms": { type: "string" },
      "jitter-ms": { type: "string" },
      "error-rate": { type: "string" },
      "throttle-rate": { type: "string" },
      "retry-after-seconds": { type: "string" },
      "drop-rate": { type: "string" },
      "not-ready-rate": { type: "string" },
      "secret-conflict-rate": { type: "string" },
      "secret-linger-ms": { type: "string" },
      seed: { type: "string" },
      faults: { type: "string" },
      "print-env": { type: "boolean" },
      "write-env": { type: "string" },
      "log-requests": { type: "boolean" },
      profile: { type: "string" },
      "admin-host": { type: "string", multiple: true },
      "consistency-lag-ms": { type: "string" },
      "auto-pause-ms": { type: "string" },
      "api-requests-per-second": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const rate = (name: string) => num(name, values[name as keyof typeof values] as string | undefined, { max: 1 });
  const faults: FaultConfig = faultsFromJson(values.faults);
  const setRule = (key: "serverError" | "rateLimit" | "dropConnection" | "notReady" | "secretConflict", r?: number) => {
    if (r !== undefined) faults[key] = { ...faults[key], rate: r };
  };
  setRule("serverError", rate("error-rate"));
  setRule("rateLimit", rate("throttle-rate"));
  setRule("dropConnection", rate("drop-rate"));
  setRule("notReady", rate("not-ready-rate"));
  setRule("secretConflict", rate("secret-conflict-rate"));
  const retryAfter = num("retry-after-seconds", values["retry-after-seconds"], { int: true });
  if (retryAfter !== undefined) faults.rateLimit = { rate: 0, ...faults.rateLimit, retryAfterSeconds: retryAfter };
  const latency = num("latency-ms", values["latency-ms"]);
  if (latency !== undefined) faults.latencyMs = latency;
  const jitter = num("jitter-ms", values["jitter-ms"]);
  if (jitter !== undefined) faults.jitterMs = jitter;
  const linger = num("secret-linger-ms", values["secret-linger-ms"]);
  if (linger !== undefined) faults.secretLingerMs = linger;
  const seed = num("seed", values.seed, { int: true });
  if (seed !== undefined) faults.seed = seed;

  const options: EmulatorOptions = {
    port: num("port", values.port, { max: 65535, int: true }) ?? CLI_DEFAULTS.port,
    host: values.host ?? DEFAULTS.host,
    stateFile: values["state-file"] ? path.resolve(values["state-file"]) : undefined,
    provisioningMs: num("provisioning-ms", values["provisioning-ms"]) ?? CLI_DEFAULTS.provisioningMs,
    backupMs: num("backup-ms", values["backup-ms"]),
    demoCredential: {
      clientId: values["client-id"] ?? DEFAULTS.demoCredential.clientId,
      clientSecret: values["client-secret"] ?? DEFAULTS.demoCredential.clientSecret,
    },
    audience: values.audience,
    tokenTtlSeconds: num("token-ttl-seconds", values["token-ttl-seconds"], { min: 1, int: true }),
    tokenRateLimit: values["no-token-rate-limit"]
      ? false
      : {
          minIntervalMs: num("token-min-interval-ms", values["token-min-interval-ms"]) ?? DEFAULTS.tokenRateLimit.minIntervalMs,
          blockMs: num("token-block-ms", values["token-block-ms"]) ?? DEFAULTS.tokenRateLimit.blockMs,
        },
    badCredentialDelayMs: num("bad-credential-delay-ms", values["bad-credential-delay-ms"]),
    faults,
    logRequests: values["log-requests"] ?? false,
    ...(values["admin-host"] ? { adminHosts: values["admin-host"] } : {}),
    ...(values.profile !== undefined ? { profiles: profilesArg(values.profile) } : {}),
    profileTuning: {
      consistencyLagMs: num("consistency-lag-ms", values["consistency-lag-ms"]),
      autoPauseMs: num("auto-pause-ms", values["auto-pause-ms"]),
      apiRequestsPerSecond: num("api-requests-per-second", values["api-requests-per-second"], { min: 1 }),
    },
  };
  return { help: values.help ?? false, printEnv: values["print-env"] ?? false, envFile: values["write-env"], options };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines, safe to `eval` or `source`. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Starts the emulator as the CLI does and prints its banner; returns the running emulator. */
export async function runCli(config: CliConfig, io: CliIo): Promise<Emulator> {
  const emu = await startEmulator(config.options);
  const lines = exportLines(emu.env());
  if (config.envFile) {
    const tmp = `${config.envFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, lines + "\n", { mode: 0o600 });
    fs.renameSync(tmp, config.envFile);
  }
  const banner = [
    "Camunda Console API emulator",
    `  API:    ${emu.url}`,
    `  Token:  ${emu.oauthUrl}`,
    `  Admin:  ${emu.url}/__emulator/stats  ${emu.url}/__emulator/state`,
    config.options.stateFile ? `  State:  ${config.options.stateFile}` : "  State:  in memory",
    `  Profiles: ${emu.profiles().join(", ") || "none (document)"}`,
    "Demo credentials (all scopes):",
  ].join("\n");
  if (config.printEnv) {
    io.stderr(banner + "\n");
    io.stdout(lines + "\n");
    io.stderr("Press Ctrl+C to stop.\n");
  } else {
    io.stdout(`${banner}\n${lines}\nPress Ctrl+C to stop.\n`);
  }
  return emu;
}

async function main(): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`pulumi-camunda-emulator: ${(e as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const emu = await runCli(config, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
  const shutdown = () => {
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`pulumi-camunda-emulator: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
