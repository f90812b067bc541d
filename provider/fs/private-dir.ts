/**
 * Owner-only folders and files, for the token cache and the create journal.
 *
 * - A folder is used only when this user owns it and no one else can write it: a folder others can write (a shared
 *   runner's `/tmp`, a 0777 folder) could hold planted tokens or journal entries, or have files swapped under us.
 *   Such a folder is refused with an error naming it and the fix. A missing folder is created 0700, and one of this
 *   user's that others can only read is tightened to 0700.
 * - Below a folder checked that way, only this user can create entries, so a sub-folder this user owns is tightened
 *   to 0700 and one owned by anyone else is refused.
 * - Files are opened with O_NOFOLLOW and checked with fstat on the open descriptor: a symlink is never followed, read
 *   or chmod-ed, and a file owned by someone else is ignored. New files are created exclusively (O_EXCL, 0600) under a
 *   random name and renamed into place, so a reader never sees a torn file.
 * - Locks hold their owner's host and pid: a lock whose process is gone is stale at once.
 *
 * On platforms without POSIX ownership (Windows), the ownership and mode checks are skipped.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CamundaConfigError } from "../errors";

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const DEFAULT_DIR = path.join(os.homedir(), ".camunda");
const uid = (): number | undefined => process.getuid?.();

/** A folder the provider refuses to keep tokens or journal entries in. */
export class UnsafeFolderError extends CamundaConfigError {
  constructor(
    setting: string,
    readonly folder: string,
    problem: string,
    fix: string,
  ) {
    super(setting, `Refusing the folder ${folder} (${setting}): ${problem}. ${fix}`);
    this.name = "UnsafeFolderError";
  }
}

function problemOf(st: fs.Stats): string | undefined {
  const me = uid();
  if (me === undefined) return undefined;
  if (!st.isDirectory()) return "it is not a folder";
  if (st.uid !== me) return `it is owned by uid ${st.uid}, not by this user (uid ${me})`;
  if ((st.mode & 0o022) !== 0) return `others can write it (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")})`;
  return undefined;
}

/**
 * Makes sure `dir` is a folder only this user can write, creating it (0700, parents included) when missing.
 * `setting` names the setting that chose the folder, for the error. Throws UnsafeFolderError.
 */
export function ensurePrivateDir(dir: string, setting: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = fs.statSync(dir);
    // Created just now by this process: tighten it whatever the umask did.
    if (uid() !== undefined && st.uid === uid() && (st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
    st = fs.statSync(dir);
  }
  const problem = problemOf(st);
  // The provider's own default folder (~/.camunda) that others may read (not write) is tightened; a folder the user
  // chose (it may be their home or project folder) is used as it is, its files being 0600 anyway.
  if (!problem && uid() !== undefined && (st.mode & 0o077) !== 0 && path.resolve(dir) === DEFAULT_DIR) fs.chmodSync(dir, 0o700);
  if (problem) {
    throw new UnsafeFolderError(
      setting,
      dir,
      problem,
      "Use a folder of your own that only you can write: set camunda:tokenCacheDir (or CAMUNDA_TOKEN_CACHE_DIR) to one, " +
        `or run \`chmod 700 ${dir}\` if it is yours`,
    );
  }
}

/**
 * Makes sure `sub` (a folder inside a folder checked by ensurePrivateDir) exists, is no symlink, belongs to this user
 * and is 0700.
 */
export function ensurePrivateSubdir(sub: string, setting: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(sub);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    try {
      fs.mkdirSync(sub, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    st = fs.lstatSync(sub);
  }
  const me = uid();
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new UnsafeFolderError(setting, sub, "it is not a plain folder (a symlink or a file)", `Remove it (\`rm ${sub}\`); it is created again`);
  }
  if (me === undefined) return;
  if (st.uid !== me) {
    throw new UnsafeFolderError(setting, sub, `it is owned by uid ${st.uid}, not by this user (uid ${me})`, `Remove it (\`rm -r ${sub}\`); it is created again`);
  }
  // Only this user can have made it (its parent is private): tighten it.
  if ((st.mode & 0o077) !== 0) fs.chmodSync(sub, 0o700);
}

/**
 * The text of `file`, or undefined when it is missing, a symlink, not a regular file, hard-linked elsewhere, or owned
 * by someone else. A file of this user's with a wider mode than 0600 is tightened through its descriptor.
 */
export function readPrivateFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
  } catch {
    return undefined; // missing, or a symlink (ELOOP)
  }
  try {
    const st = fs.fstatSync(fd);
    const me = uid();
    if (!st.isFile() || st.nlink !== 1) return undefined;
    if (me !== undefined) {
      if (st.uid !== me) return undefined;
      if ((st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
    }
    return fs.readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates a new file exclusively (0600, never through a symlink) and writes `text` to it. Throws EEXIST. */
function createExclusive(file: string, text: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces `file` atomically with `text` (a new 0600 file renamed into place: rename never follows a symlink). */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    createExclusive(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Removes `file` (a symlink itself, never its target). */
export function removeFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

interface LockOwner {
  host: string;
  /** The PID namespace (Linux): a pid means the same process only within one namespace (containers share hosts). */
  ns: string;
  pid: number;
  token: string;
}

function pidNamespace(): string {
  try {
    return fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return "";
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The lock file's content when its holder is known to be gone (its process, on this host and in this PID namespace,
 * has ended) or it is too old; undefined while it is held (or it was released meanwhile).
 */
function staleLock(lockFile: string, staleMs: number): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(lockFile);
  } catch {
    return undefined; // released meanwhile: try again
  }
  const text = readPrivateFile(lockFile);
  // Too old, or dated further ahead than any clock skew explains (written by a host whose clock runs ahead).
  if (Date.now() - st.mtimeMs > staleMs || st.mtimeMs - Date.now() > staleMs) return text ?? "";
  if (text === undefined) return !st.isFile() || st.isSymbolicLink() ? "" : undefined;
  try {
    const holder = JSON.parse(text) as Partial<LockOwner>;
    const here = holder.host === os.hostname() && holder.ns === pidNamespace();
    return here && typeof holder.pid === "number" && processGone(holder.pid) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Breaks a stale lock whose content was `seen`: it is moved aside and removed only if it still is that lock, so that
 * of two processes judging it stale at once, the second never removes the lock the first took meanwhile.
 */
function breakLock(lockFile: string, seen: string): void {
  const aside = `${lockFile}.${process.pid}.${randomBytes(6).toString("hex")}.stale`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return; // gone meanwhile
  }
  if ((readPrivateFile(aside) ?? "") === seen || seen === "") {
    removeFile(aside);
    return;
  }
  // Someone else's fresh lock: put it back unless a newer one is in place.
  try {
    fs.linkSync(aside, lockFile);
  } catch {
    // a newer lock holds the place
  }
  removeFile(aside);
}

export interface LockOptions {
  /** A lock older than this is stale whoever holds it. */
  staleMs: number;
  /** Longest wait for another holder. */
  maxWaitMs: number;
}

/**
 * Runs `fn` holding the lock `lockFile` (in a private folder). A lock whose holder's process is gone, or older than
 * `staleMs`, is broken at once (safely, see `breakLock`); after `maxWaitMs` of waiting for a live holder, `fn` runs
 * without the lock. The lock is created with its content in one step (a hard link of a finished file), so no reader
 * ever sees an empty lock.
 */
export async function withFileLock<T>(lockFile: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const owner: LockOwner = { host: os.hostname(), ns: pidNamespace(), pid: process.pid, token: randomBytes(8).toString("hex") };
  const text = JSON.stringify(owner);
  let locked = false;
  const deadline = Date.now() + options.maxWaitMs;
  try {
    const tmp = `${lockFile}.${owner.pid}.${owner.token}.tmp`;
    createExclusive(tmp, text);
    try {
      while (!locked) {
        try {
          fs.linkSync(tmp, lockFile);
          locked = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          const stale = staleLock(lockFile, options.staleMs);
          if (stale !== undefined) {
            breakLock(lockFile, stale);
            continue;
          }
          if (Date.now() > deadline) break; // a live holder past the longest wait: go on unlocked
          await sleep(25);
        }
      }
    } finally {
      removeFile(tmp);
    }
  } catch {
    locked = false; // no usable folder: run unlocked
  }
  try {
    return await fn();
  } finally {
    if (locked && readPrivateFile(lockFile) === text) removeFile(lockFile);
  }
}

/** The entries of a private folder whose names pass `filter` (nothing when it is unreadable). */
export function listPrivateDir(dir: string, filter: (name: string) => boolean): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter(filter)
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
