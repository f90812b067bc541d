/**
 * The on-disk token cache shared by every process and run on the machine (`pulumi preview` then `pulumi up` ask for
 * one token, not two). One file per (token URL, client id, audience, secret): the file name is a hash of the four, so
 * rotating the secret invalidates the entry. The folder must be this user's own (others could plant a token or swap
 * files): see ../fs/private-dir.ts. Files are 0600, opened without following symlinks, written to a temporary file
 * renamed into place; a lock file serialises the token requests of concurrent processes, and a lock whose process is
 * gone is stale at once.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as fs from "node:fs";
import { UnsafeFolderError, ensurePrivateDir, listPrivateDir, readPrivateFile, removeFile, withFileLock, writePrivateFile } from "../fs/private-dir";

export interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds at which the token was received (absent in entries written by older versions). */
  obtainedAt?: number;
}

export interface TokenCacheKey {
  tokenUrl: string;
  clientId: string;
  audience: string;
  clientSecret: string;
}

/** A lock older than this is stale whoever holds it (a token request takes at most a few seconds). */
const LOCK_STALE_MS = 20_000;

export class TokenDiskCache {
  readonly file: string;
  private readonly lockFile: string;

  constructor(
    readonly dir: string,
    key: TokenCacheKey,
    /** The setting that chose the folder, named when it is refused. */
    readonly setting = "camunda:tokenCacheDir (or CAMUNDA_TOKEN_CACHE_DIR)",
  ) {
    const digest = createHash("sha256")
      .update(["pulumi-camunda/v1", key.tokenUrl, key.clientId, key.audience, key.clientSecret].join("\n"))
      .digest("hex")
      .slice(0, 32);
    this.file = path.join(dir, `pulumi-camunda-token-${digest}.json`);
    this.lockFile = `${this.file}.lock`;
  }

  /**
   * Creates the folder or checks it is this user's own: throws UnsafeFolderError when it is not. Returns false when
   * it cannot be created at all (no writable home): the disk cache is an optimisation, then off.
   */
  ensureFolder(): boolean {
    try {
      ensurePrivateDir(this.dir, this.setting);
      return true;
    } catch (err) {
      if (err instanceof UnsafeFolderError) throw err;
      return false;
    }
  }

  /** The cached token, or undefined when there is none, it is unreadable or malformed. Throws on an unsafe folder. */
  read(): CachedToken | undefined {
    if (!this.ensureFolder()) return undefined;
    try {
      const data = JSON.parse(readPrivateFile(this.file) ?? "null") as Partial<CachedToken> | null;
      if (data && typeof data.accessToken === "string" && typeof data.expiresAt === "number") {
        return {
          accessToken: data.accessToken,
          expiresAt: data.expiresAt,
          ...(typeof data.obtainedAt === "number" ? { obtainedAt: data.obtainedAt } : {}),
        };
      }
    } catch {
      // malformed: no cached token
    }
    return undefined;
  }

  write(token: CachedToken): void {
    if (!this.ensureFolder()) return;
    try {
      writePrivateFile(this.file, JSON.stringify(token));
    } catch {
      // The disk cache is an optimisation: a full or read-only disk must not fail the deployment.
    }
    // Temporary files a killed process left behind.
    for (const f of listPrivateDir(this.dir, (n) => n.startsWith("pulumi-camunda-token-") && (n.endsWith(".tmp") || n.endsWith(".stale")))) {
      try {
        if (Date.now() - fs.lstatSync(f).mtimeMs > 60_000) removeFile(f);
      } catch {
        // gone meanwhile
      }
    }
  }

  /** Removes the entry when it still holds `accessToken` (after the API refused it). */
  remove(accessToken?: string): void {
    try {
      if (accessToken === undefined || this.read()?.accessToken === accessToken) removeFile(this.file);
    } catch {
      // ignore
    }
  }

  /** Runs `fn` holding the cross-process lock of this entry (waiting for a live holder up to the stale age). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.ensureFolder()) return fn();
    return withFileLock(this.lockFile, { staleMs: LOCK_STALE_MS, maxWaitMs: LOCK_STALE_MS }, fn);
  }
}
