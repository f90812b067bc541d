/**
 * Per-process context of the dynamic providers: the stack config received in `configure()` and the one shared
 * Console API client built from it. Credentials are read here at run time, never captured in a serialized closure.
 */
import { createConsoleClient, resolveSettings, type ConsoleClient, type Settings } from "../api";
import { UnsafeFolderError } from "../fs/private-dir";
import { redact } from "../redact";
import { Journal } from "./journal";

let stackConfig: Record<string, string> = {};
let settings: Settings | undefined;
let client: ConsoleClient | undefined;
/** The journal: undefined until settings are resolved, null when its folder cannot be created (then it is off). */
let journal: Journal | null | undefined;

/** The subset of Pulumi's ConfigureRequest the providers use. */
export interface ConfigureRequestLike {
  config: { get(key: string): string | undefined };
}

const CONFIG_KEYS = [
  "clientId",
  "clientSecret",
  "baseUrl",
  "oauthUrl",
  "audience",
  "tokenCacheDir",
  "tokenDiskCache",
  "maxConcurrentRequests",
  "maxRequestsPerSecond",
  "requestTimeoutSeconds",
  "retryBudgetSeconds",
  "allowInsecureHttp",
] as const;

/** Called from every provider's `configure()`: remembers the `camunda:*` stack config for this process. */
export function configure(req: ConfigureRequestLike): void {
  const next: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = req.config.get(`camunda:${key}`);
    if (value !== undefined && value !== "") next[key] = value;
  }
  if (JSON.stringify(next) !== JSON.stringify(stackConfig)) {
    stackConfig = next;
    settings = undefined;
    client = undefined;
    journal = undefined;
  }
}

/**
 * The provider settings, resolved and validated once per configuration. Called from every `check` too, so that
 * missing or malformed credentials and URLs fail the preview, without any request, before anything is created.
 * Throws a CamundaConfigError naming the setting.
 */
export function currentSettings(): Settings {
  if (!settings) {
    const resolved = resolveSettings((key) => stackConfig[key], process.env);
    // The folders that will hold tokens and the create journal must be this user's own: refused at preview. A folder
    // that cannot be created at all (no writable home in a container) only turns the journal off, said once.
    const j = new Journal(journalScopeOf(resolved));
    try {
      j.ensureFolder();
      journal = j;
    } catch (err) {
      if (err instanceof UnsafeFolderError) throw err;
      journal = null;
      progress(
        `the create journal is off: its folder ${j.dir} cannot be created (${(err as Error).message}); ` +
          "a run killed during a create may then leave an object to delete by hand. Set camunda:tokenCacheDir to a writable folder of your own",
      );
    }
    settings = resolved;
  }
  return settings;
}

const CACHE_DIR_SETTING = "camunda:tokenCacheDir (or CAMUNDA_TOKEN_CACHE_DIR)";

function journalScopeOf(s: Settings) {
  return {
    baseUrl: s.baseUrl,
    parentDir: s.stateDir,
    setting: CACHE_DIR_SETTING,
  };
}

/** Whether `check` ran in this process: it does in every preview and up, never in refresh or destroy. */
let checked = false;

/** Called by every `check`. */
export function markChecked(): void {
  checked = true;
}

/**
 * Why refused credentials may be old ones: `refresh` and `destroy` (no `check` in this process) configure the
 * provider with the stack config recorded at the last `pulumi up`, so a credential rotated since in the stack config
 * is not seen (the engine gives providers no other). Added to the refusal's hint when either half of the credential
 * came from stack config and no `check` ran before the client was built (a refresh, a destroy, or the refresh step
 * of `up --refresh`).
 */
function recordedConfigHint(s: Settings): string | undefined {
  const fromConfig = s.sources.clientId.startsWith("stack config") || s.sources.clientSecret.startsWith("stack config");
  if (checked || !fromConfig) return undefined;
  return (
    "If the credentials were rotated in the stack config since the last `pulumi up`: refresh and destroy use the camunda:* " +
    "configuration recorded then (Pulumi gives providers no other), so run `pulumi refresh --run-program` (or `pulumi destroy " +
    "--run-program`), which configures the provider from the current stack config. Stack config recorded at the last `up` " +
    "takes precedence over CAMUNDA_CONSOLE_CLIENT_ID / CAMUNDA_CONSOLE_CLIENT_SECRET until the next `up`"
  );
}

/** The process's Console API client; built lazily so that a no-change preview makes no request at all. */
export function consoleClient(): ConsoleClient {
  if (!client) {
    const s = currentSettings();
    client = createConsoleClient(s, { refusedHint: recordedConfigHint(s) });
  }
  return client;
}

/** The create journal of this Console API (see journal.ts), or undefined when its folder cannot be created. */
export function currentJournal(): Journal | undefined {
  currentSettings();
  return journal ?? undefined;
}

/** Logs a progress line to the Pulumi CLI's diagnostics (dynamic providers' console output reaches it). */
export function progress(message: string): void {
  console.log(`[pulumi-camunda] ${redact(message)}`);
}
