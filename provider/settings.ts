/**
 * Provider settings: stack config `camunda:*` first, then the environment variables the official Camunda SDK uses.
 * Validated with zod; a bad or missing setting gives a `CamundaConfigError` that names the setting, where it was read
 * from and how to fix it (never its value when it is a secret).
 */
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { CamundaConfigError } from "./errors";
import { rememberCredential } from "./redact";

export const DEFAULT_BASE_URL = "https://api.cloud.camunda.io";
export const DEFAULT_OAUTH_URL = "https://login.cloud.camunda.io/oauth/token";
export const DEFAULT_AUDIENCE = "api.cloud.camunda.io";

interface SettingSpec {
  config: string;
  env: string;
  secret?: boolean;
}

/** Each setting: its stack-config key (`camunda:<key>`) and its environment variable. */
export const SETTINGS = {
  clientId: { config: "clientId", env: "CAMUNDA_CONSOLE_CLIENT_ID" },
  clientSecret: { config: "clientSecret", env: "CAMUNDA_CONSOLE_CLIENT_SECRET", secret: true },
  baseUrl: { config: "baseUrl", env: "CAMUNDA_CONSOLE_BASE_URL" },
  oauthUrl: { config: "oauthUrl", env: "CAMUNDA_OAUTH_URL" },
  audience: { config: "audience", env: "CAMUNDA_CONSOLE_OAUTH_AUDIENCE" },
  tokenCacheDir: { config: "tokenCacheDir", env: "CAMUNDA_TOKEN_CACHE_DIR" },
  tokenDiskCache: { config: "tokenDiskCache", env: "CAMUNDA_TOKEN_DISK_CACHE_DISABLE" },
  maxConcurrentRequests: { config: "maxConcurrentRequests", env: "CAMUNDA_CONSOLE_MAX_CONCURRENCY" },
  maxRequestsPerSecond: { config: "maxRequestsPerSecond", env: "CAMUNDA_CONSOLE_MAX_RPS" },
  requestTimeoutSeconds: { config: "requestTimeoutSeconds", env: "CAMUNDA_CONSOLE_REQUEST_TIMEOUT_SECONDS" },
  retryBudgetSeconds: { config: "retryBudgetSeconds", env: "CAMUNDA_CONSOLE_RETRY_BUDGET_SECONDS" },
  allowInsecureHttp: { config: "allowInsecureHttp", env: "CAMUNDA_ALLOW_INSECURE_HTTP" },
} as const satisfies Record<string, SettingSpec>;
export type SettingName = keyof typeof SETTINGS;

export interface Settings {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  oauthUrl: string;
  audience: string;
  /** Directory of the shared on-disk token cache, or undefined when the disk cache is off. */
  tokenCacheDir: string | undefined;
  /** The folder of the token cache and the create journal (the journal stays on when the token disk cache is off). */
  stateDir: string;
  maxConcurrentRequests: number;
  maxRequestsPerSecond: number;
  /** Longest wait for one answer (token service and Console API), in ms. */
  requestTimeoutMs: number;
  /** Longest time spent retrying one call (waits included), in ms. */
  retryBudgetMs: number;
  /** Where each setting came from, e.g. `stack config camunda:clientId` (for error messages). */
  sources: Record<SettingName, string>;
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  // Request paths are appended to the URL: a query string or fragment would swallow them.
  .refine((u) => !/[?#]/.test(u), "must not contain a query string or fragment")
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), "must not contain a user name or password")
  .transform((u) => u.replace(/\/+$/, ""));
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** Whether `host` (a URL's hostname) is this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopback(host: string): boolean {
  // A fully qualified name may end in a dot; an IPv4-mapped address ("[::ffff:127.0.0.1]") is spelt in hex by URL.
  const h = host.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === "::1" ||
    h === "0:0:0:0:0:0:0:1" ||
    /^(0{1,4}:){0,5}:?ffff:(127(\.\d{1,3}){3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h.replace(/^::/, ""))
  );
}

/** A yes/no setting: true/false, 1/0, yes/no, on/off, in any case. */
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" }))
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

function describe(name: SettingName): string {
  const s = SETTINGS[name];
  return `camunda:${s.config} (or ${s.env})`;
}

/**
 * Reads and validates the settings. `get(key)` returns stack config `camunda:<key>` (undefined when unset);
 * `env` is the environment (process.env).
 */
export function resolveSettings(
  get: (key: string) => string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const sources = {} as Record<SettingName, string>;
  const raw = (name: SettingName): string | undefined => {
    const spec = SETTINGS[name];
    const fromConfig = get(spec.config);
    if (fromConfig !== undefined && fromConfig !== "") {
      sources[name] = `stack config camunda:${spec.config}`;
      return fromConfig;
    }
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      sources[name] = `environment variable ${spec.env}`;
      return fromEnv;
    }
    sources[name] = "default";
    return undefined;
  };
  const parse = <T>(name: SettingName, schema: z.ZodType<T>, value: string | undefined, fix: string): T => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    // Never show a secret, nor the password of a URL with credentials in it.
    const shown = (SETTINGS[name] as SettingSpec).secret ? "" : ` ${JSON.stringify(value?.replace(/\/\/[^/]*@/, "//***@"))}`;
    throw new CamundaConfigError(
      describe(name),
      `Invalid provider setting ${describe(name)} from ${sources[name]}:${shown} ${r.error.issues[0]?.message ?? "is invalid"}. ${fix}`,
    );
  };

  const clientIdRaw = raw("clientId");
  const clientSecretRaw = raw("clientSecret");
  if (clientIdRaw === undefined || clientSecretRaw === undefined) {
    const missing = [clientIdRaw === undefined ? "clientId" : undefined, clientSecretRaw === undefined ? "clientSecret" : undefined]
      .filter((x): x is "clientId" | "clientSecret" => x !== undefined)
      .map(describe)
      .join(" and ");
    throw new CamundaConfigError(
      missing,
      `Missing Console API credentials: set ${missing}. Create an API client in Console → Organization → Administration API, ` +
        "then run `pulumi config set camunda:clientId <id>` and `pulumi config set --secret camunda:clientSecret <secret>`",
    );
  }
  const clientId = parse("clientId", z.string().trim().min(1).regex(/^[^\s]+$/, "must not contain spaces"), clientIdRaw, "Use the client id shown in the Console");
  const clientSecret = parse(
    "clientSecret",
    z.string().min(1).regex(/^[^\s]+$/, "must not contain spaces or line breaks"),
    clientSecretRaw,
    "Set it with `pulumi config set --secret camunda:clientSecret <secret>`",
  );
  rememberCredential(clientId, clientSecret);
  const baseUrl = parse("baseUrl", httpUrl, raw("baseUrl") ?? DEFAULT_BASE_URL, `Use e.g. ${DEFAULT_BASE_URL}`);
  const oauthUrl = parse("oauthUrl", httpUrl, raw("oauthUrl") ?? DEFAULT_OAUTH_URL, `Use e.g. ${DEFAULT_OAUTH_URL}`);
  // The client secret and bearer tokens travel in these requests: plain HTTP only to this machine, unless asked for.
  const insecure = parse("allowInsecureHttp", flag.optional(), raw("allowInsecureHttp"), "Use true or false") === true;
  for (const [name, url] of [["baseUrl", baseUrl], ["oauthUrl", oauthUrl]] as const) {
    const u = new URL(url);
    if (u.protocol === "http:" && !isLoopback(u.hostname) && !insecure) {
      throw new CamundaConfigError(
        describe(name),
        `Insecure provider setting ${describe(name)} from ${sources[name]}: ${JSON.stringify(url)} uses plain http to ${u.hostname}, ` +
          "so the client secret and access tokens would travel unencrypted. Use https, or http only to this machine (localhost, 127.0.0.1, ::1); " +
          "for an emulator in a CI service container, opt in with camunda:allowInsecureHttp=true (or CAMUNDA_ALLOW_INSECURE_HTTP=true)",
      );
    }
  }
  const audience = parse("audience", z.string().trim().min(1), raw("audience") ?? DEFAULT_AUDIENCE, `Use e.g. ${DEFAULT_AUDIENCE}`);

  // camunda:tokenDiskCache=false or CAMUNDA_TOKEN_DISK_CACHE_DISABLE=true turn the disk cache off.
  let diskCache = true;
  const cfgDisk = get(SETTINGS.tokenDiskCache.config);
  if (cfgDisk !== undefined && cfgDisk !== "") {
    sources.tokenDiskCache = "stack config camunda:tokenDiskCache";
    diskCache = parse("tokenDiskCache", flag, cfgDisk, "Use true or false");
  } else if (env.CAMUNDA_TOKEN_DISK_CACHE_DISABLE) {
    sources.tokenDiskCache = "environment variable CAMUNDA_TOKEN_DISK_CACHE_DISABLE";
    diskCache = !parse("tokenDiskCache", flag, env.CAMUNDA_TOKEN_DISK_CACHE_DISABLE, "Use true or false");
  } else {
    sources.tokenDiskCache = "default";
  }
  const dirRaw = raw("tokenCacheDir");
  // Stack config is not expanded by a shell: `~/...` means the home directory, not a directory named "~".
  const expandHome = (p: string): string => (p === "~" ? os.homedir() : /^~[/\\]/.test(p) ? path.join(os.homedir(), p.slice(2)) : p);
  const stateDir = path.resolve(dirRaw !== undefined ? expandHome(dirRaw) : path.join(os.homedir(), ".camunda"));
  const tokenCacheDir = diskCache ? stateDir : undefined;

  const maxConcurrentRequests = parse("maxConcurrentRequests", positiveInt(256), raw("maxConcurrentRequests") ?? "8", "Use a whole number from 1 to 256");
  const maxRequestsPerSecond = parse("maxRequestsPerSecond", positiveInt(1000), raw("maxRequestsPerSecond") ?? "50", "Use a whole number from 1 to 1000");

  const requestTimeoutMs =
    1000 * parse("requestTimeoutSeconds", positiveInt(600), raw("requestTimeoutSeconds") ?? "30", "Use a whole number of seconds from 1 to 600");
  const retryBudgetMs =
    1000 * parse("retryBudgetSeconds", positiveInt(3600), raw("retryBudgetSeconds") ?? "300", "Use a whole number of seconds from 1 to 3600");

  return {
    clientId,
    clientSecret,
    baseUrl,
    oauthUrl,
    audience,
    tokenCacheDir,
    stateDir,
    maxConcurrentRequests,
    maxRequestsPerSecond,
    requestTimeoutMs,
    retryBudgetMs,
    sources,
  };
}

/**
 * Only the Console API's base URL, for the operations that need no credentials (`GET /meta/ip-ranges`): no client
 * id or secret is required, and plain http is fine since nothing secret travels.
 */
export function resolveBaseUrl(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromConfig = get(SETTINGS.baseUrl.config);
  const [value, source] =
    fromConfig !== undefined && fromConfig !== ""
      ? [fromConfig, `stack config camunda:${SETTINGS.baseUrl.config}`]
      : env[SETTINGS.baseUrl.env]
        ? [env[SETTINGS.baseUrl.env], `environment variable ${SETTINGS.baseUrl.env}`]
        : [DEFAULT_BASE_URL, "default"];
  const r = httpUrl.safeParse(value);
  if (r.success) return r.data;
  throw new CamundaConfigError(
    describe("baseUrl"),
    `Invalid provider setting ${describe("baseUrl")} from ${source}: ${JSON.stringify(value?.replace(/\/\/[^/]*@/, "//***@"))} ${r.error.issues[0]?.message ?? "is invalid"}. Use e.g. ${DEFAULT_BASE_URL}`,
  );
}
