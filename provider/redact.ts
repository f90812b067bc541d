/**
 * Redaction of known secrets from every message the provider builds: a token service or proxy that echoes the
 * request, or an API error that echoes a body, must not carry the Console client secret, an access token or the
 * value being written into an error, a log line or the preview output.
 *
 * The provider remembers each secret as it meets it (settings, tokens, connector secret values, created clients'
 * secrets); `redact` replaces every remembered value — as is, URL-encoded (either hex case, form bodies),
 * JSON-escaped (also as ASCII-only JSON), with its whitespace collapsed (multi-line values), and a credential pair as
 * HTTP Basic — with `[secret]`. Values shorter than 6 characters are not remembered: replacing them would mangle
 * ordinary text, and they are not secrets worth the name.
 *
 * Cost: remembering is O(1) (the ordered list is rebuilt on the next `redact` after a change); past 10 000 values the
 * oldest are forgotten, never a pinned one (the Console client secret).
 */

const MIN_LENGTH = 6;
/** Enough for a run's credentials, tokens and values; the oldest unpinned are forgotten first beyond it. */
const MAX_REMEMBERED = 10_000;

/** Each remembered value, oldest first, with its forms and whether it may be forgotten. */
const known = new Map<string, { forms: string[]; pinned: boolean }>();
/** How many remembered values have each form (two values may share one). */
const formCount = new Map<string, number>();
/** Every form, longest first (so that a secret containing another is replaced whole); rebuilt when stale. */
let ordered: string[] | undefined = [];

function asciiJson(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

function forms(value: string): string[] {
  const out = new Set([value, JSON.stringify(value).slice(1, -1), asciiJson(value), value.replace(/\s+/g, " ").trim()]);
  for (const encoded of [encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]) {
    out.add(encoded);
    out.add(encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  }
  return [...out].filter((v) => v.length >= MIN_LENGTH);
}

function forget(value: string): void {
  const entry = known.get(value);
  if (!entry) return;
  known.delete(value);
  for (const f of entry.forms) {
    const n = (formCount.get(f) ?? 1) - 1;
    if (n <= 0) formCount.delete(f);
    else formCount.set(f, n);
  }
  ordered = undefined;
}

function remember(value: string, pinned: boolean, extraForms: string[] = []): void {
  const entry = known.get(value);
  if (entry) {
    // Seen again: the newest now (forgotten last), pinned if asked once.
    known.delete(value);
    known.set(value, { ...entry, pinned: entry.pinned || pinned });
    return;
  }
  const all = [...new Set([...forms(value), ...extraForms.filter((f) => f.length >= MIN_LENGTH)])];
  known.set(value, { forms: all, pinned });
  for (const f of all) formCount.set(f, (formCount.get(f) ?? 0) + 1);
  ordered = undefined;
  if (known.size > MAX_REMEMBERED) {
    for (const [v, e] of known) {
      if (!e.pinned) {
        forget(v);
        break;
      }
    }
  }
}

/** Remembers `value` (and its encoded forms) as a secret that no message may show. */
export function rememberSecret(value: string | undefined | null, options: { pin?: boolean } = {}): void {
  if (typeof value !== "string" || value.length < MIN_LENGTH) return;
  remember(value, options.pin === true);
}

/**
 * Remembers a client credential: its secret (pinned: never forgotten) and the pair as an HTTP Basic header carries
 * it (`base64(id:secret)`, which a proxy echoing the token request could show).
 */
export function rememberCredential(clientId: string, clientSecret: string): void {
  if (clientSecret.length < MIN_LENGTH) return;
  const basic = [`${clientId}:${clientSecret}`, `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`].map((p) =>
    Buffer.from(p, "utf8").toString("base64"),
  );
  remember(clientSecret, true, basic);
}

/** `text` with every remembered secret replaced by `[secret]`. */
export function redact(text: string): string {
  if (formCount.size === 0) return text;
  ordered ??= [...formCount.keys()].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join("[secret]");
  }
  return out;
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  known.clear();
  formCount.clear();
  ordered = [];
}
