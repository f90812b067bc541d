/**
 * HS256 JSON Web Tokens (RFC 7519) with node:crypto: signing, and verification of signature, `exp`, `nbf`, `aud`, `iss`.
 * (jose 6 is ESM-only: the CommonJS build cannot `require` it on Node < 20.19, nor can Jest 29 without a transform.)
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type JwtPayload = Record<string, unknown>;

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

function hmac(key: Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export function signHs256(payload: JwtPayload, key: Uint8Array): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${hmac(key, `${head}.${body}`).toString("base64url")}`;
}

function parseSegment(segment: string): JwtPayload | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JwtPayload) : undefined;
  } catch {
    return undefined;
  }
}

/** The payload when the token is a valid, unexpired HS256 JWT for `audience` from `issuer`; otherwise undefined. */
export function verifyHs256(
  token: string,
  key: Uint8Array,
  expect: { audience: string; issuer: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): JwtPayload | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts;
  const header = parseSegment(head);
  if (!header || header.alg !== "HS256") return undefined;
  const expected = hmac(key, `${head}.${body}`);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const payload = parseSegment(body);
  if (!payload) return undefined;
  if (typeof payload.exp !== "number" || nowSeconds >= payload.exp) return undefined;
  if (typeof payload.nbf === "number" && nowSeconds < payload.nbf) return undefined;
  const aud = payload.aud;
  if (!(aud === expect.audience || (Array.isArray(aud) && aud.includes(expect.audience)))) return undefined;
  if (payload.iss !== expect.issuer) return undefined;
  return payload;
}
