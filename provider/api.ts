/**
 * The Console API client and the token provider, built from provider settings. This is the layer the resource
 * providers use, and it is usable on its own: `import { createConsoleClient, resolveSettings } from "pulumi-camunda/provider"`.
 */
import type { Dispatcher } from "undici";
import { getTokenProvider } from "./auth/token-provider";
import { ConsoleClient, type RetryPolicy } from "./http/console-client";
import type { Settings } from "./settings";

export * from "./errors";
export * from "./schemas/api";
export { ConsoleClient, DEFAULT_RETRY, isTransient, type ConsoleClientOptions, type RetryPolicy } from "./http/console-client";
export { RequestLimiter } from "./http/limiter";
export { TokenProvider, getTokenProvider, resetTokenProviders, TOKEN_REQUEST_SPACING_MS, type TokenProviderOptions } from "./auth/token-provider";
export { TokenDiskCache } from "./auth/token-cache";
export { decodeJwtClaims, jwtExpiryMs } from "./auth/jwt";
export { fetchIpRanges, type MetaOptions } from "./http/meta";
export { resolveSettings, resolveBaseUrl, SETTINGS, DEFAULT_AUDIENCE, DEFAULT_BASE_URL, DEFAULT_OAUTH_URL, type Settings, type SettingName } from "./settings";

/** A Console API client for these settings, sharing the process's token provider for the same credential. */
export function createConsoleClient(
  settings: Settings,
  extra: { dispatcher?: Dispatcher; retry?: Partial<RetryPolicy>; timeoutMs?: number; refusedHint?: string } = {},
): ConsoleClient {
  const tokens = getTokenProvider({
    tokenUrl: settings.oauthUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    audience: settings.audience,
    cacheDir: settings.tokenCacheDir,
    stateDir: settings.stateDir,
    credentialSource: settings.sources.clientId,
    refusedHint: extra.refusedHint,
    dispatcher: extra.dispatcher,
    timeoutMs: settings.requestTimeoutMs,
    maxWaitMs: settings.retryBudgetMs,
  });
  return new ConsoleClient({
    baseUrl: settings.baseUrl,
    tokens,
    dispatcher: extra.dispatcher,
    maxConcurrentRequests: settings.maxConcurrentRequests,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    retry: { maxTotalMs: settings.retryBudgetMs, ...extra.retry },
    timeoutMs: extra.timeoutMs ?? settings.requestTimeoutMs,
  });
}
