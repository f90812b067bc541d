/**
 * Test helpers: start an emulator whose every API response is validated against the OpenAPI document,
 * fetch tokens, and call the API. Nothing here prints secrets.
 */
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedResponse } from "../../emulator";
import { CHANNELS, GENERATIONS, PLAN_TYPES, REGIONS } from "../../emulator/seed";
import { validateExchange } from "./openapi";

/** Spec violations seen by every emulator started in this test file. */
export const specViolations: string[] = [];
/** `OperationId status` pairs validated in this test file. */
export const specCoverage = new Set<string>();

function checkResponse(r: RecordedResponse): void {
  if (r.kind !== "api") return;
  const urlPath = r.url.split("?")[0];
  const result = validateExchange(r.method, urlPath, r.statusCode, r.body, r.contentType);
  if (!result) {
    // A request the emulator routed but the spec does not know would be an invented endpoint.
    if (r.route !== undefined) specViolations.push(`${r.method} ${urlPath}: route ${r.route} is not in the spec`);
    return;
  }
  if (result.documented) specCoverage.add(`${result.operationId} ${r.statusCode}`);
  if (!result.ok) specViolations.push(`${r.method} ${urlPath} → ${r.statusCode}: ${result.errors.join("; ")}`);
}

/** Starts an emulator with test-friendly defaults (no token rate limit, no bad-credential delay). */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const user = options.onResponse;
  return startEmulator({
    tokenRateLimit: false,
    badCredentialDelayMs: 0,
    ...options,
    onResponse: (r) => {
      checkResponse(r);
      user?.(r);
    },
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: () => any;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export async function tokenRequest(
  emu: Emulator,
  body: Record<string, string>,
  init: { as?: "form" | "json"; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const json = init.as === "json";
  const res = await fetch(emu.oauthUrl, {
    method: "POST",
    headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded", ...init.headers },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return toReply(res);
}

/** A token for the demo credential (or the given one). */
export async function getToken(emu: Emulator, cred = emu.credentials): Promise<string> {
  const r = await tokenRequest(emu, {
    grant_type: "client_credentials",
    client_id: cred.clientId,
    client_secret: cred.clientSecret,
    audience: emu.audience,
  });
  if (r.status !== 200) throw new Error(`token request failed with ${r.status}`);
  return r.json().access_token as string;
}

export async function call(
  emu: Emulator,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(emu.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return toReply(res);
}

export const STABLE = CHANNELS[0];
export const ALPHA = CHANNELS[1];
export const TRIAL = PLAN_TYPES[0];
export const BELGIUM = REGIONS[0];

export function clusterBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "test-cluster",
    planTypeId: TRIAL.uuid,
    channelId: STABLE.uuid,
    generationId: GENERATIONS.v88.uuid,
    regionId: BELGIUM.uuid,
    ...overrides,
  };
}

/** Creates a cluster through the API and returns its id. */
export async function createCluster(emu: Emulator, token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await call(emu, token, "POST", "/clusters", clusterBody(overrides));
  if (r.status !== 200) throw new Error(`create cluster failed: ${r.status} ${r.text}`);
  return r.json().clusterId as string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 50 ms until it holds; fails naming `what` once `deadlineMs` has passed. */
export async function waitFor(done: () => Promise<boolean>, deadlineMs: number, what = "the condition"): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`${what} did not hold within ${deadlineMs} ms`);
    await sleep(50);
  }
}
