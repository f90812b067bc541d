/**
 * What the SDK does in the user's program, once, before the first resource registers:
 *
 * - `import` cannot work for dynamic resources (the engine asks the provider to read an object it knows nothing of,
 *   pulumi/pulumi#3550, #16175): the resource option fails at once with one line saying what to do instead.
 * - The Node SDK's `--debug` lines "RegisterResource RPC finished … resp: …" print every output of a resource,
 *   secret ones included (the engine returns secret outputs wrapped, but with their plaintext inside). For this
 *   package's resources — whose outputs hold client secrets, connection bundles and connector values — the response
 *   part of those lines is replaced by a note. `-v=9` and `PULUMI_DEBUG_GRPC` print everything (the engine's own
 *   logs), as the README says.
 * - A Console client secret kept in the stack config in plain text (set without `--secret`) is warned about.
 */
import * as pulumi from "@pulumi/pulumi";

/** Throws when `opts.import` is set: Pulumi cannot import dynamic resources. */
export function refuseImport(type: string, name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.import === undefined) return;
  throw new Error(
    `${type} ${JSON.stringify(name)}: the \`import\` option cannot work for pulumi-camunda resources (Pulumi cannot import ` +
      `dynamic resources, pulumi/pulumi#3550). Read an existing object with ${type}.get(name, id), or declare it and ` +
      "let the provider take it over where it can (ConnectorSecret: `adoptExisting: true`); `pulumi import` fails the same way.",
  );
}

// The type as the SDK prints it ("[pulumi-nodejs:dynamic/camunda:Cluster]"), or inside a URN ("…::pulumi-nodejs:dynamic/camunda:Cluster::name").
const OUR_TYPES = /pulumi-nodejs:dynamic\/camunda:[A-Za-z]+/;
// Lazy across line breaks: a resource name may hold a newline.
const RPC_FINISHED = /^((?:RegisterResource|ReadResource) RPC finished: [\s\S]*?;|getResource Invoke RPC finished:) err: ([\s\S]*?), resp: [\s\S]*$/;

let debugGuarded = false;

/** Replaces the response in the SDK's debug lines about this package's resources (they print secret outputs). */
function guardDebugLines(): void {
  if (debugGuarded) return;
  debugGuarded = true;
  const log = pulumi.log as { debug: typeof pulumi.log.debug };
  const original = log.debug;
  try {
    log.debug = (msg, resource, streamId, ephemeral) => {
      const m = typeof msg === "string" && OUR_TYPES.test(msg) ? RPC_FINISHED.exec(msg) : null;
      const text = m ? `${m[1]} err: ${m[2]}, resp: [not shown by pulumi-camunda: this resource's outputs hold secrets]` : msg;
      return original(text, resource, streamId, ephemeral);
    };
  } catch {
    // a frozen module: nothing to do
  }
}

let configChecked = false;

/** Warns once when `camunda:clientSecret` is in the stack config in plain text. */
function checkConsoleSecretConfig(): void {
  if (configChecked) return;
  configChecked = true;
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  const value = pulumi.runtime.getConfig("camunda:clientSecret");
  if (value !== undefined && runtime.isConfigSecret?.("camunda:clientSecret") === false) {
    void pulumi.log.warn(
      "camunda:clientSecret is stored in plain text in the stack config (and so in every checkpoint of the state): " +
        "run `pulumi config set --secret camunda:clientSecret <secret>`, or keep it out of the stack entirely with the " +
        "CAMUNDA_CONSOLE_CLIENT_SECRET environment variable (see the README, \"Keeping the Console secret out of state\")",
    );
  }
}

/** Everything a resource constructor of this package does first. */
export function beforeRegister(type: string, name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  refuseImport(type, name, opts);
  guardDebugLines();
  checkConsoleSecretConfig();
}
