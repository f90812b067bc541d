/** Provider settings: stack config beats the environment; every error names the setting and never shows the secret. */
import * as os from "node:os";
import * as path from "node:path";
import {
  CamundaConfigError,
  DEFAULT_AUDIENCE,
  DEFAULT_BASE_URL,
  DEFAULT_OAUTH_URL,
  resolveSettings,
  type Settings,
} from "../../provider/api";

const SECRET = "s3cr3t-Value-Q9";

const BASE_ENV = { CAMUNDA_CONSOLE_CLIENT_ID: "env-client", CAMUNDA_CONSOLE_CLIENT_SECRET: SECRET };

function resolve(config: Record<string, string> = {}, env: Record<string, string> = BASE_ENV): Settings {
  return resolveSettings((key) => config[key], env);
}

function configError(config: Record<string, string>, env: Record<string, string> = BASE_ENV): CamundaConfigError {
  try {
    resolve(config, env);
  } catch (e) {
    expect(e).toBeInstanceOf(CamundaConfigError);
    expect((e as Error).message).not.toContain(SECRET);
    return e as CamundaConfigError;
  }
  throw new Error("expected a CamundaConfigError");
}

describe("resolveSettings", () => {
  it("reads the environment and fills in the defaults", () => {
    const s = resolve({}, { ...BASE_ENV, CAMUNDA_TOKEN_CACHE_DIR: "/tmp/tokens" });
    expect(s).toMatchObject({
      clientId: "env-client",
      clientSecret: SECRET,
      baseUrl: DEFAULT_BASE_URL,
      oauthUrl: DEFAULT_OAUTH_URL,
      audience: DEFAULT_AUDIENCE,
      tokenCacheDir: "/tmp/tokens",
      maxConcurrentRequests: 8,
      maxRequestsPerSecond: 50,
    });
    expect(s.sources.clientId).toBe("environment variable CAMUNDA_CONSOLE_CLIENT_ID");
    expect(s.sources.baseUrl).toBe("default");
  });

  it("lets stack config beat the environment", () => {
    const s = resolve(
      { clientId: "config-client", baseUrl: "https://console.example.com/", maxConcurrentRequests: "3" },
      { ...BASE_ENV, CAMUNDA_CONSOLE_BASE_URL: "https://env.example.com", CAMUNDA_CONSOLE_MAX_CONCURRENCY: "50" },
    );
    expect(s.clientId).toBe("config-client");
    expect(s.sources.clientId).toBe("stack config camunda:clientId");
    expect(s.clientSecret).toBe(SECRET);
    expect(s.sources.clientSecret).toBe("environment variable CAMUNDA_CONSOLE_CLIENT_SECRET");
    expect(s.baseUrl).toBe("https://console.example.com"); // trailing slash removed
    expect(s.maxConcurrentRequests).toBe(3);
  });

  it("names both credential settings when they are missing", () => {
    const err = configError({}, {});
    expect(err.message).toContain("camunda:clientId (or CAMUNDA_CONSOLE_CLIENT_ID)");
    expect(err.message).toContain("camunda:clientSecret (or CAMUNDA_CONSOLE_CLIENT_SECRET)");
    const onlySecret = configError({}, { CAMUNDA_CONSOLE_CLIENT_SECRET: SECRET });
    expect(onlySecret.setting).toBe("camunda:clientId (or CAMUNDA_CONSOLE_CLIENT_ID)");
    expect(onlySecret.message).toContain("set camunda:clientId (or CAMUNDA_CONSOLE_CLIENT_ID). ");
    expect(onlySecret.message).not.toContain("camunda:clientSecret (or");
  });

  it("rejects a malformed secret without showing it", () => {
    const withSpace = `${SECRET} tail`;
    let err: unknown;
    try {
      resolve({}, { CAMUNDA_CONSOLE_CLIENT_ID: "id", CAMUNDA_CONSOLE_CLIENT_SECRET: withSpace });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CamundaConfigError);
    expect((err as Error).message).toContain("camunda:clientSecret");
    expect((err as Error).message).toContain("environment variable CAMUNDA_CONSOLE_CLIENT_SECRET");
    expect((err as Error).message).not.toContain(SECRET);
  });

  it.each([
    ["baseUrl", "CAMUNDA_CONSOLE_BASE_URL", "api.cloud.camunda.io"],
    ["baseUrl", "CAMUNDA_CONSOLE_BASE_URL", "ftp://api.cloud.camunda.io"],
    ["baseUrl", "CAMUNDA_CONSOLE_BASE_URL", "https://api.cloud.camunda.io?region=eu"],
    ["oauthUrl", "CAMUNDA_OAUTH_URL", "not a url"],
    ["oauthUrl", "CAMUNDA_OAUTH_URL", "https://login.example.com/oauth/token#frag"],
  ])("rejects camunda:%s (%s) = %j, naming the setting and its source", (key, env, value) => {
    const fromConfig = configError({ [key]: value });
    expect(fromConfig.message).toContain(`camunda:${key} (or ${env})`);
    expect(fromConfig.message).toContain(`from stack config camunda:${key}`);
    expect(fromConfig.message).toContain(JSON.stringify(value));
    const fromEnv = configError({}, { ...BASE_ENV, [env]: value });
    expect(fromEnv.message).toContain(`from environment variable ${env}`);
  });

  it("does not repeat a password embedded in a URL", () => {
    const err = configError({ oauthUrl: "https://user:hunter2pass@login.example.com/oauth/token" });
    expect(err.message).toContain("camunda:oauthUrl");
    expect(err.message).not.toContain("hunter2pass");
  });

  it.each([
    ["maxConcurrentRequests", "CAMUNDA_CONSOLE_MAX_CONCURRENCY", "0"],
    ["maxConcurrentRequests", "CAMUNDA_CONSOLE_MAX_CONCURRENCY", "lots"],
    ["maxConcurrentRequests", "CAMUNDA_CONSOLE_MAX_CONCURRENCY", "1000"],
    ["maxRequestsPerSecond", "CAMUNDA_CONSOLE_MAX_RPS", "2.5"],
    ["maxRequestsPerSecond", "CAMUNDA_CONSOLE_MAX_RPS", "-1"],
  ])("rejects camunda:%s (%s) = %j", (key, env, value) => {
    const err = configError({}, { ...BASE_ENV, [env]: value });
    expect(err.setting).toBe(`camunda:${key} (or ${env})`);
    expect(err.message).toContain(`camunda:${key}`);
    expect(err.message).toMatch(/whole number/);
  });

  it("rejects a tokenDiskCache value other than true or false", () => {
    const err = configError({ tokenDiskCache: "maybe" });
    expect(err.message).toContain("camunda:tokenDiskCache");
    expect(err.message).toContain("must be true or false");
  });

  it("turns the disk cache off from config or the environment, config first", () => {
    expect(resolve({ tokenDiskCache: "false" }).tokenCacheDir).toBeUndefined();
    expect(resolve({}, { ...BASE_ENV, CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" }).tokenCacheDir).toBeUndefined();
    expect(resolve({}, { ...BASE_ENV, CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "1" }).tokenCacheDir).toBeUndefined();
    expect(resolve({ tokenDiskCache: "true" }, { ...BASE_ENV, CAMUNDA_TOKEN_DISK_CACHE_DISABLE: "true" }).tokenCacheDir).toBeDefined();
    expect(resolve({}, BASE_ENV).tokenCacheDir).toBe(path.join(os.homedir(), ".camunda"));
  });

  it("expands ~ in the token cache directory", () => {
    expect(resolve({ tokenCacheDir: "~/tokens" }).tokenCacheDir).toBe(path.join(os.homedir(), "tokens"));
    expect(resolve({ tokenCacheDir: "relative/dir" }).tokenCacheDir).toBe(path.resolve("relative/dir"));
  });
});
