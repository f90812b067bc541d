/**
 * Runs a bench program through the real Pulumi engine (Automation API + the CLI from scripts/ensure-pulumi.sh) with a
 * temporary file backend and PULUMI_HOME. The same logic as test/helpers/engine.ts, copied because that helper finds
 * the repository from its own location, which moves when the bench is compiled into dist-bench/; this one also keeps
 * the stack open across the bench's operations and reads the raw checkpoint file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigMap, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

/** The repository root: the nearest folder above this file with the package.json of pulumi-camunda. */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "pulumi-camunda") {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`bench: no pulumi-camunda package.json above ${__dirname}`);
    dir = up;
  }
}

export const REPO_ROOT = findRepoRoot();

export function engineBinDir(): string {
  const marker = path.join(REPO_ROOT, ".tools/pulumi/current-bin");
  if (!fs.existsSync(marker)) throw new Error("The Pulumi engine is not set up: run `bash scripts/setup.sh`.");
  return fs.readFileSync(marker, "utf8").trim();
}

export interface BenchStack {
  stack: Stack;
  stackName: string;
  projectName: string;
  workDir: string;
  backendDir: string;
  /** Every stdout/stderr line the engine printed. */
  output: string[];
  /** The stack's current checkpoint file in the file backend. */
  checkpointFile(): string;
  /** Destroys what is left, removes the stack and deletes the temporary folders. */
  close(opts?: { destroy?: boolean }): Promise<void>;
}

/**
 * A private copy of the built package (package.json and dist/sdk, dist/provider, dist/emulator) in `into`/pkg. Each
 * bench program gets it copied into its node_modules/pulumi-camunda as a real folder, as `npm install` would put it
 * (so Pulumi's closure serializer sees a module under node_modules, as in a user's project), and a rebuild of dist/
 * during the bench (another `npm test` running, say) cannot change or break the code being measured halfway
 * through. The copy is taken while dist/ is quiet (no file written for 3 s) and taken again if anything changed
 * while copying.
 */
export async function snapshotPackage(into: string): Promise<string> {
  const parts = ["dist/sdk", "dist/provider", "dist/emulator"];
  const stamp = (): Map<string, number> => {
    const m = new Map<string, number>();
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else m.set(p, fs.statSync(p).mtimeMs);
      }
    };
    for (const part of parts) walk(path.join(REPO_ROOT, part));
    m.set(path.join(REPO_ROOT, "package.json"), fs.statSync(path.join(REPO_ROOT, "package.json")).mtimeMs);
    return m;
  };
  const pkg = path.join(into, "pkg");
  for (let attempt = 0; ; attempt++) {
    const deadline = Date.now() + 60_000;
    let before = stamp();
    while (Date.now() - Math.max(0, ...before.values()) < 3000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      before = stamp();
    }
    if (before.size <= 1) throw new Error("bench: dist/ is empty: run `bash scripts/setup.sh`");
    fs.rmSync(pkg, { recursive: true, force: true });
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(pkg, "package.json"));
    for (const part of parts) fs.cpSync(path.join(REPO_ROOT, part), path.join(pkg, part), { recursive: true });
    const after = stamp();
    const same = after.size === before.size && [...after].every(([f, t]) => before.get(f) === t);
    if (same) break;
    if (attempt >= 5) throw new Error("bench: dist/ kept changing while it was copied");
  }
  return pkg;
}

export interface OpenStackOptions {
  programDir: string;
  /**
   * A package folder from `snapshotPackage` to install (copy) as the program's node_modules/pulumi-camunda, with
   * links to this repo's other dependencies beside it. Default: link this repo as `pulumi-camunda` (as the tests do).
   */
  packageDir?: string;
  config?: ConfigMap;
  env?: Record<string, string>;
  stackName: string;
}

/** Copies the program into `into` with a node_modules holding @pulumi/pulumi and pulumi-camunda. */
function prepareProgram(programDir: string, into: string, packageDir: string | undefined): string {
  const workDir = path.join(into, "program");
  fs.cpSync(programDir, workDir, { recursive: true });
  // Both bench programs declare the same shape: the one shape.js lives with the provider program.
  fs.copyFileSync(path.join(REPO_ROOT, "test/programs/bench/shape.js"), path.join(workDir, "shape.js"));
  const nm = path.join(workDir, "node_modules");
  fs.mkdirSync(nm, { recursive: true });
  if (packageDir) {
    // An installed copy, and every other dependency of this repo linked beside it (the same @pulumi/pulumi
    // instance for the program and the package, and the provider's own dependencies).
    fs.cpSync(packageDir, path.join(nm, "pulumi-camunda"), { recursive: true });
    for (const e of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
      if (e === "pulumi-camunda" || e.startsWith(".")) continue;
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules", e), path.join(nm, e), "dir");
    }
  } else {
    fs.mkdirSync(path.join(nm, "@pulumi"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi"), path.join(nm, "@pulumi/pulumi"), "dir");
    fs.symlinkSync(REPO_ROOT, path.join(nm, "pulumi-camunda"), "dir");
  }
  return workDir;
}

export async function openStack(opts: OpenStackOptions): Promise<BenchStack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pcbench-"));
  const backendDir = path.join(tmp, "backend");
  const pulumiHome = path.join(tmp, "home");
  fs.mkdirSync(backendDir);
  fs.mkdirSync(pulumiHome);
  const workDir = prepareProgram(opts.programDir, tmp, opts.packageDir);
  const binDir = engineBinDir();
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true });
  const envVars: Record<string, string> = {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pcbench-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_CREDENTIAL_STORE: "plaintext",
    ...opts.env,
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, workDir },
    { pulumiCommand, pulumiHome, envVars, workDir },
  );
  if (opts.config) await stack.setAllConfig(opts.config);
  const projectName = (await stack.workspace.projectSettings()).name;
  const output: string[] = [];
  let closed = false;
  return {
    stack,
    stackName: opts.stackName,
    projectName,
    workDir,
    backendDir,
    output,
    checkpointFile: () => {
      const candidates = [
        path.join(backendDir, ".pulumi/stacks", projectName, `${opts.stackName}.json`),
        path.join(backendDir, ".pulumi/stacks", `${opts.stackName}.json`),
      ];
      const found = candidates.find((f) => fs.existsSync(f));
      if (!found) throw new Error(`bench: no checkpoint file among ${candidates.join(", ")}`);
      return found;
    },
    close: async (o) => {
      if (closed) return;
      closed = true;
      try {
        if (o?.destroy ?? true) await stack.destroy({ color: "never" });
        await stack.workspace.removeStack(opts.stackName, { force: true });
      } catch {
        // The bench already reported the failure; the temporary backend goes away below either way.
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
