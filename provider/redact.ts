/**
 * Redaction of known secrets from every message the provider builds: a token service or proxy that echoes the
 * request, or an API error that echoes a body, must not carry the Console client secret, an access token or the
 * value being written into an error, a log line or the preview output.
 *
 * The provider remembers each secret as it meets it (settings, tokens, connector secret values, created clients'
 * secrets); `redact` replaces every remembered value — as is, URL-encoded (form bodies) and JSON-escaped — with
 * `[secret]`. Values shorter than 6 characters are not remembered: replacing them would mangle ordinary text, and
 * they are not secrets worth the name.
 */

const known = new Set<string>();
let ordered: string[] = [];

const MIN_LENGTH = 6;
/** Enough for a run's credentials, tokens and values; the oldest are forgotten first beyond it. */
const MAX_REMEMBERED = 10_000;

function variants(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  try {
    out.add(new URLSearchParams({ v: value }).toString().slice(2));
  } catch {
    // not encodable: the plain form is enough
  }
  return [...out].filter((v) => v.length >= MIN_LENGTH);
}

/** Remembers `value` (and its encoded forms) as a secret that no message may show. */
export function rememberSecret(value: string | undefined | null): void {
  if (typeof value !== "string" || value.length < MIN_LENGTH || known.has(value)) return;
  known.add(value);
  for (const v of variants(value)) if (!ordered.includes(v)) ordered.push(v);
  if (known.size > MAX_REMEMBERED) {
    const first = known.values().next().value as string;
    known.delete(first);
  }
  // Longest first, so that a secret containing another is replaced whole.
  ordered = ordered.sort((a, b) => b.length - a.length).slice(0, MAX_REMEMBERED * 4);
}

/** `text` with every remembered secret replaced by `[secret]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join("[secret]");
  }
  return out;
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  known.clear();
  ordered = [];
}
