/**
 * The on-disk token cache shared by every process and run on the machine (`pulumi preview` then `pulumi up` ask for
 * one token, not two). One file per (token URL, client id, audience, secret): the file name is a hash of the four, so
 * rotating the secret invalidates the entry. Directory 0700, files 0600 (wider modes are tightened); writes go to a
 * temporary file renamed into place, so concurrent writers never leave a torn file; a lock file serialises the token
 * requests of concurrent processes.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

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

const LOCK_STALE_MS = 20_000;

export class TokenDiskCache {
  readonly file: string;
  private readonly lockFile: string;

  constructor(
    readonly dir: string,
    key: TokenCacheKey,
  ) {
    const digest = createHash("sha256")
      .update(["pulumi-camunda/v1", key.tokenUrl, key.clientId, key.audience, key.clientSecret].join("\n"))
      .digest("hex")
      .slice(0, 32);
    this.file = path.join(dir, `pulumi-camunda-token-${digest}.json`);
    this.lockFile = `${this.file}.lock`;
  }

  private ensureDir(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(this.dir);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(this.dir, 0o700);
  }

  /** The cached token, or undefined when there is none, it is unreadable or it is malformed. */
  read(): CachedToken | undefined {
    try {
      const st = fs.statSync(this.file);
      if ((st.mode & 0o077) !== 0) fs.chmodSync(this.file, 0o600);
      const data = JSON.parse(fs.readFileSync(this.file, "utf8")) as Partial<CachedToken>;
      if (typeof data.accessToken === "string" && typeof data.expiresAt === "number") {
        return {
          accessToken: data.accessToken,
          expiresAt: data.expiresAt,
          ...(typeof data.obtainedAt === "number" ? { obtainedAt: data.obtainedAt } : {}),
        };
      }
    } catch {
      // missing or unreadable: no cached token
    }
    return undefined;
  }

  write(token: CachedToken): void {
    try {
      this.ensureDir();
      const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(token), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // The disk cache is an optimisation: a read-only home must not fail the deployment.
    }
  }

  /** Removes the entry when it still holds `accessToken` (after the API refused it). */
  remove(accessToken?: string): void {
    try {
      if (accessToken === undefined || this.read()?.accessToken === accessToken) fs.rmSync(this.file, { force: true });
    } catch {
      // ignore
    }
  }

  /**
   * Runs `fn` holding the cross-process lock of this entry (waiting for another holder up to the stale age).
   * Without a usable directory, runs `fn` unlocked.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    let locked = false;
    // Our own mark in the lock file: a holder whose lock was broken as stale must not remove its successor's lock.
    const owner = `${process.pid}.${randomBytes(8).toString("hex")}`;
    try {
      this.ensureDir();
      const deadline = Date.now() + LOCK_STALE_MS;
      while (!locked) {
        try {
          fs.writeFileSync(this.lockFile, owner, { flag: "wx", mode: 0o600 });
          locked = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          let age = 0;
          try {
            age = Date.now() - fs.statSync(this.lockFile).mtimeMs;
          } catch {
            continue; // released meanwhile
          }
          if (age > LOCK_STALE_MS || Date.now() > deadline) {
            fs.rmSync(this.lockFile, { force: true });
            continue;
          }
          await sleep(50);
        }
      }
    } catch {
      locked = false;
    }
    try {
      return await fn();
    } finally {
      if (locked) {
        try {
          if (fs.readFileSync(this.lockFile, "utf8") === owner) fs.rmSync(this.lockFile, { force: true });
        } catch {
          // already gone
        }
      }
    }
  }
}
