/**
 * `GET /meta/ip-ranges`: the addresses Camunda SaaS connects from (Web Modeler's egress today), for users'
 * firewalls. The operation needs no credentials (`security: []` in the Console API document), so this is a plain
 * request with no token: it works before any API client exists. Retried briefly on 429/5xx and network errors.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request, type Dispatcher } from "undici";
import { CamundaApiError, hintFor, serviceMessage } from "../errors";
import { ipRangesSchema, type IpRanges } from "../schemas/api";

export interface MetaOptions {
  dispatcher?: Dispatcher;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Attempts in all; default 4. */
  maxAttempts?: number;
}

const PATH = "/meta/ip-ranges";

/** One attempt: the parsed ranges, or a CamundaApiError (status 0 for no answer). */
async function attempt(url: string, options: MetaOptions, timeoutMs: number): Promise<IpRanges> {
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await request(url, { method: "GET", headers: { accept: "application/json" }, dispatcher: options.dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    text = await res.body.text();
  } catch (e) {
    throw new CamundaApiError({ method: "GET", path: PATH, status: 0, serviceMessage: e instanceof Error ? e.message : String(e), cause: e });
  }
  const status = res.statusCode;
  if (status < 200 || status >= 300) {
    const ct = res.headers["content-type"];
    const message = serviceMessage(text, Array.isArray(ct) ? ct[0] : ct);
    throw new CamundaApiError({ method: "GET", path: PATH, status, serviceMessage: message, hint: hintFor(status, "GET", PATH, message) });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ipRangesSchema.safeParse(body);
  if (!parsed.success) {
    throw new CamundaApiError({ method: "GET", path: PATH, status, serviceMessage: "the answer is not a map of address lists" });
  }
  return parsed.data;
}

export async function fetchIpRanges(baseUrl: string, options: MetaOptions = {}): Promise<IpRanges> {
  const url = `${baseUrl.replace(/\/+$/, "")}${PATH}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const attempts = options.maxAttempts ?? 4;
  for (let n = 1; ; n++) {
    try {
      return await attempt(url, options, timeoutMs);
    } catch (e) {
      const transient = e instanceof CamundaApiError && (e.status === 0 || e.status === 429 || e.status >= 500);
      if (!transient || n >= attempts) throw e;
      await sleep(Math.min(8000, 500 * 2 ** n));
    }
  }
}
