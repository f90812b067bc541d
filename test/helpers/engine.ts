/**
 * Runs a Pulumi program folder through the real Pulumi engine (Automation API + the CLI from
 * scripts/ensure-pulumi.sh) with a temporary file backend, a temporary PULUMI_HOME and no cloud login.
 * Every stack is destroyed and removed, and every temporary folder deleted, when the callback ends.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ConfigMap,
  DestroyResult,
  LocalWorkspace,
  PreviewResult,
  PulumiCommand,
  RefreshResult,
  Stack,
  UpResult,
} from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
export function engineBinDir(): string {
  const marker = path.join(REPO_ROOT, ".tools/pulumi/current-bin");
  if (!fs.existsSync(marker)) {
    throw new Error("The Pulumi engine is not set up: run `bash scripts/ensure-pulumi.sh` (the test command does).");
  }
  return fs.readFileSync(marker, "utf8").trim();
}

export interface RunStackOptions {
  /** A folder with Pulumi.yaml and index.js; copied to a temporary folder before it runs. */
  programDir: string;
  /** Stack config; `secret: true` values are encrypted with the passphrase. */
  config?: ConfigMap;
  /** Extra environment for the engine, the program and the dynamic provider. */
  env?: Record<string, string>;
  stackName?: string;
  /** Run the program folder where it is, with its own node_modules (a user's project), instead of a linked copy. */
  inPlace?: boolean;
  /** Keep the stack's resources at the end (the backend is still deleted). Default false: destroy. */
  skipDestroy?: boolean;
}

export interface CheckpointResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface EngineStack {
  stack: Stack;
  workDir: string;
  backendDir: string;
  /** The environment the engine runs with (PATH, backend, PULUMI_HOME, passphrase, the test's own variables). */
  env: Record<string, string>;
  /** Every stdout/stderr line the engine printed during this helper's operations. */
  output: string[];
  up(opts?: { debug?: boolean }): Promise<UpResult>;
  preview(opts?: { expectNoChanges?: boolean; diff?: boolean }): Promise<PreviewResult>;
  /** `runProgram`: `--run-program` (the provider is configured from the current stack config). */
  refresh(opts?: { runProgram?: boolean }): Promise<RefreshResult>;
  destroy(opts?: { runProgram?: boolean }): Promise<DestroyResult>;
  setConfig(key: string, value: string, secret?: boolean): Promise<void>;
  /** The concatenated raw text of every file of the file backend: stacks, history and backups. */
  rawBackendText(): string;
  /** The resources of the stack's current checkpoint file, as stored (secrets encrypted). */
  checkpointResources(): CheckpointResource[];
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/** Copies a program into a fresh folder whose node_modules links @pulumi/pulumi and pulumi-camunda from this repo. */
export function prepareProgram(programDir: string, into: string): string {
  const workDir = path.join(into, "program");
  fs.cpSync(programDir, workDir, { recursive: true });
  const nm = path.join(workDir, "node_modules");
  fs.mkdirSync(path.join(nm, "@pulumi"), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi"), path.join(nm, "@pulumi/pulumi"), "dir");
  // Installed the way npm installs it: a real folder under node_modules (so Pulumi serializes the providers as a
  // `require` of the package, as for users), with the built files and the repository's dependencies beside it.
  const pkg = path.join(nm, "pulumi-camunda");
  fs.mkdirSync(pkg);
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(pkg, "package.json"));
  for (const part of ["sdk", "provider", "emulator"]) {
    fs.cpSync(path.join(REPO_ROOT, "dist", part), path.join(pkg, "dist", part), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(pkg, "node_modules"), "dir");
  return workDir;
}

let counter = 0;

export async function withStack<T>(opts: RunStackOptions, fn: (s: EngineStack) => Promise<T>): Promise<T> {
  return withStacks(opts, [opts.stackName ?? `t${process.pid}x${counter++}`], ([s]) => fn(s));
}

/**
 * Several stacks of one project in one program folder with one file backend (the everyday dev/prod layout), each
 * with its own config (`opts.config` plus `configs[i]`). Every stack is destroyed and removed at the end.
 */
export async function withStacks<T>(
  opts: RunStackOptions & { configs?: ConfigMap[] },
  stackNames: string[],
  fn: (stacks: EngineStack[]) => Promise<T>,
): Promise<T> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-camunda-test-"));
  const backendDir = path.join(tmp, "backend");
  const pulumiHome = path.join(tmp, "home");
  fs.mkdirSync(backendDir);
  fs.mkdirSync(pulumiHome);
  const workDir = opts.inPlace ? opts.programDir : prepareProgram(opts.programDir, tmp);
  const binDir = engineBinDir();
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true });
  const envVars: Record<string, string> = {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "pulumi-camunda-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_CREDENTIAL_STORE: "plaintext",
    ...opts.env,
  };
  const stacks: EngineStack[] = [];
  try {
    for (const [i, stackName] of stackNames.entries()) {
      const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { pulumiCommand, pulumiHome, envVars, workDir });
      const config = { ...opts.config, ...opts.configs?.[i] };
      if (Object.keys(config).length) await stack.setAllConfig(config);
      stacks.push(engineStack(stack, stackName, workDir, backendDir, { ...envVars, PULUMI_HOME: pulumiHome }));
    }
    return await fn(stacks);
  } finally {
    for (const s of stacks) {
      try {
        if (!opts.skipDestroy) await s.stack.destroy({ color: "never" });
        await s.stack.workspace.removeStack(s.stack.name, { force: true });
      } catch {
        // The test already failed or cleaned up; the temporary backend goes away below either way.
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function engineStack(stack: Stack, stackName: string, workDir: string, backendDir: string, env: Record<string, string>): EngineStack {
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);
  return {
    stack,
    workDir,
    backendDir,
    env,
    output,
    up: (o) => stack.up({ onOutput, color: "never", debug: o?.debug }),
    preview: (o) => stack.preview({ onOutput, color: "never", expectNoChanges: o?.expectNoChanges, diff: o?.diff }),
    refresh: (o) => stack.refresh({ onOutput, color: "never", runProgram: o?.runProgram }),
    destroy: (o) => stack.destroy({ onOutput, color: "never", runProgram: o?.runProgram }),
    setConfig: (key, value, secret) => stack.setConfig(key, { value, secret: secret ?? false }),
    checkpointResources: () => {
      const dir = path.join(backendDir, ".pulumi/stacks");
      const file = listFiles(dir).find((f) => path.basename(f) === `${stackName}.json`);
      if (!file) return [];
      const data = JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint?: { latest?: { resources?: CheckpointResource[] } } };
      return data.checkpoint?.latest?.resources ?? [];
    },
    rawBackendText: () => listFiles(path.join(backendDir, ".pulumi")).map((f) => fs.readFileSync(f, "utf8")).join("\n"),
  };
}
