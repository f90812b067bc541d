/**
 * The typed errors of pulumi-camunda. Every message is built from non-secret parts only: method, path, status,
 * the service's own message (truncated) and a hint; and every message passes through `redact`, so that a service
 * that echoes a request (a token service quoting the client secret, an API quoting a body) cannot smuggle a known
 * secret into it.
 *
 * Errors the user must act on (bad credentials, refused requests, bad settings) are *expected*: they carry no stack
 * trace, and the line the dynamic-provider host would print for them besides the engine's own error line is not
 * printed (see `quietExpectedErrors`), so that each failing resource shows one clear line.
 */
import { redact } from "./redact";

/** Which credential scope each Console API path family needs (as named in the Console UI). */
export function scopeForPath(path: string): string | undefined {
  if (/^\/clusters\/[^/]+\/clients/.test(path)) return "Zeebe Client";
  if (/^\/clusters\/[^/]+\/(ipallowlist|ipwhitelist)/.test(path)) return "IP Allowlist";
  if (/^\/clusters\/[^/]+\/secrets/.test(path)) return "Connector Secrets";
  if (/^\/clusters\/[^/]+\/backups/.test(path)) return "Backups";
  if (/^\/members/.test(path)) return "Members";
  if (/^\/clusters/.test(path)) return "Cluster";
  return undefined;
}

const MAX_MESSAGE = 300;

/** Extracts a readable message from a plain-text, JSON (RFC 7807, OAuth or `{message}`) or HTML error body. */
export function serviceMessage(body: string, contentType: string | undefined): string {
  // Redacted first, whole: a secret cut by the truncation below, or a line break folded into a space, would no
  // longer match its remembered form.
  const text = redact(body).trim();
  if (text === "") return "";
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("json") || text.startsWith("{")) {
    try {
      const j: unknown = JSON.parse(text);
      if (j !== null && typeof j === "object" && !Array.isArray(j)) {
        const o = j as Record<string, unknown>;
        const nested = o.error !== null && typeof o.error === "object" ? (o.error as Record<string, unknown>).message : undefined;
        const parts = [o.title, o.error, o.detail, o.message, o.error_description, nested].filter(
          (p): p is string => typeof p === "string" && p.trim() !== "",
        );
        // A title that the detail repeats ("Unauthorized" / "Unauthorized: …") is said once.
        const unique = [...new Set(parts.map((p) => p.trim()))];
        const said = unique.filter((p, i) => !unique.some((q, j) => j !== i && q.length > p.length && q.includes(p)));
        if (said.length > 0) return truncate(oneLine(said.join(": ")));
      }
    } catch {
      // not JSON after all: fall through
    }
  }
  if (ct.includes("html") || /^<[!?a-z]/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
    const bodyText = text.replace(/<(head|script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ");
    const readable = [title, h1, bodyText].map((s) => (s === undefined ? "" : htmlText(s))).find((s) => s !== "");
    return readable ? truncate(readable) : "(HTML error page)";
  }
  return truncate(oneLine(text));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text of an HTML fragment: tags removed, common entities decoded, whitespace collapsed. */
function htmlText(html: string): string {
  return oneLine(
    html
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
        if (e[0] === "#") {
          const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
          return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
        }
        return ENTITIES[e.toLowerCase()] ?? m;
      }),
  );
}

function truncate(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

export interface CamundaApiErrorInit {
  method: string;
  path: string;
  /** HTTP status, or 0 for a network error / timeout. */
  status: number;
  serviceMessage?: string;
  hint?: string;
  /** Seconds the service asked to wait (Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A failed Console API request. */
export class CamundaApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly serviceMessage: string;
  readonly hint: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: CamundaApiErrorInit) {
    const what = init.status === 0 ? "failed (no response)" : `failed with HTTP ${init.status}`;
    const msg = init.serviceMessage ? `: ${init.serviceMessage}` : "";
    const hint = init.hint ? `. ${init.hint}` : "";
    super(redact(`Camunda Console API ${init.method} ${init.path} ${what}${msg}${hint}`));
    this.name = "CamundaApiError";
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.serviceMessage = redact(init.serviceMessage ?? "");
    this.hint = init.hint;
    this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.cause !== undefined) Object.defineProperty(this, "cause", { value: init.cause, enumerable: false });
    // A refused request (4xx) is the user's to act on; a 5xx or network failure keeps its trace for a bug report.
    if (init.status >= 400 && init.status < 500) expected(this);
  }
}

/** A failure to obtain a Console API access token (bad credentials, blocked address, unreachable token service). */
export class CamundaAuthError extends Error {
  readonly status: number;
  readonly serviceMessage: string;
  readonly hint: string;

  constructor(message: string, init: { status: number; serviceMessage?: string; hint: string }) {
    super(redact(`${message}${init.serviceMessage ? `: ${init.serviceMessage}` : ""}. ${init.hint}`));
    this.name = "CamundaAuthError";
    this.status = init.status;
    this.serviceMessage = redact(init.serviceMessage ?? "");
    this.hint = init.hint;
    expected(this);
  }
}

/** A bad provider setting (stack config `camunda:*` or its environment variable). */
export class CamundaConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(redact(message));
    this.name = "CamundaConfigError";
    expected(this);
  }
}

// ---- expected errors ------------------------------------------------------------------------------------------

/** The exact lines the dynamic-provider host prints for expected errors (`${e}: ${e.stack}`), to drop them. */
const quiet = new Set<string>();

/**
 * Marks `err` as expected: no stack trace (its "stack" is its message), and the host's stderr copy of it is dropped
 * once `quietExpectedErrors` is installed (the engine still prints the error once, on its resource). Returns `err`.
 */
export function expected<E extends Error>(err: E): E {
  Object.defineProperty(err, "stack", { value: `${err.name}: ${err.message}`, writable: true, configurable: true });
  quiet.add(`${String(err)}: ${err.stack}`);
  if (quiet.size > 1000) quiet.delete(quiet.values().next().value as string);
  return err;
}

let installed = false;

/**
 * In the dynamic-provider process: drops the host's `console.error` copy of expected errors (it prints
 * `${e}: ${e.stack}` for errors of check, diff, read and delete, besides the engine's own line for the resource).
 * Anything else is printed as before.
 */
export function quietExpectedErrors(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && quiet.has(args[0])) return;
    original(...args);
  };
}

/** The hint to attach to an API error of this status on this path. */
export function hintFor(status: number, method: string, path: string, message: string, context: { freshToken?: boolean } = {}): string | undefined {
  if (status === 401) {
    const scope = scopeForPath(path);
    const lacking = scope ? `lack the "${scope}" scope (some Console API deployments answer 401 rather than 403 for it)` : "lack the permission for this operation";
    return context.freshToken
      ? `A token issued moments ago was refused: the Console API credentials ${lacking}, or they were revoked; check the client in Console → Organization → Administration API`
      : `The access token was refused even after a refresh: the Console API credentials were revoked, or they ${lacking}`;
  }
  if (status === 403) {
    const scope = scopeForPath(path);
    if (/maximum|no open seats|reservations/i.test(message)) return "An organisation limit was reached; remove unused objects or raise the limit in the Console";
    return scope
      ? `The Console API credentials may lack the "${scope}" scope: create a client in Console → Organization → Administration API with the "${scope}" scope and set camunda:clientId / camunda:clientSecret`
      : "The Console API credentials lack the permission for this operation";
  }
  if (status === 404) return "It does not exist (any more): it may have been deleted outside Pulumi; run `pulumi refresh`";
  if (status === 409 && /secrets/.test(path)) return "Another change to this cluster's secrets was in progress; retry the operation";
  if (status === 412) return "The cluster is not ready yet; wait until it is Healthy and retry";
  if (status === 429) return "The Console API rate limit was hit; lower camunda:maxRequestsPerSecond or retry later";
  if (status >= 500 || status === 0) return "The Console API is unavailable or unreachable; retry later (check camunda:baseUrl)";
  if (status === 400 && method === "POST" && /clients$/.test(path) && /unique/i.test(message)) {
    return "A client of this name already exists on the cluster: choose another name or adopt it with ZeebeClient.get";
  }
  return undefined;
}
