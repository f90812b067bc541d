/**
 * Bad resource inputs through the real engine: each must fail at `preview` with a message that names the field,
 * and the emulator must see no write request (no POST, PUT, PATCH or DELETE).
 *
 * The engine stops a preview at the first resource whose `check` fails, so each preview declares ONE bad resource
 * (the program test/programs/reliability-inputs passes its arguments through untouched, wrong types included);
 * a resource carries several bad fields at once, since `check` reports one failure per field and each names its
 * field. One stack serves every case: only the stack config changes between previews.
 */
import type { Emulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import type { EngineStack } from "../helpers/engine";
import { INPUTS_PROGRAM, PLAN, REGION, Recorder, engineEnv, failingPreview, openStack, tempDir, writeRequests } from "./helpers";

const rec = new Recorder(__filename);
let emu: Emulator;
let stack: { s: EngineStack; close: () => Promise<void> } | undefined;
const CLUSTER_ID = "2f6a3c8e-0d7b-4c55-9a1e-5b8d2c4f7a10";

beforeAll(async () => {
  emu = await startEmulator({ provisioningMs: 1000 });
  stack = await openStack({
    programDir: INPUTS_PROGRAM,
    config: {
      resources: { value: "[]" },
      "camunda:clientId": { value: emu.credentials.clientId },
      "camunda:clientSecret": { value: emu.credentials.clientSecret, secret: true },
      "camunda:baseUrl": { value: emu.url },
      "camunda:oauthUrl": { value: emu.oauthUrl },
    },
    env: engineEnv(tempDir("bad-input-cache")),
  });
}, 120_000);
afterAll(async () => {
  rec.absorb(emu);
  await stack?.close();
  rec.finish();
  await emu?.stop();
}, 120_000);

interface Expect {
  /** What the input is, for the report. */
  input: string;
  /** The field as the message must name it, e.g. `Cluster.name:` or `unknown input "size"`. */
  field: RegExp;
}

interface Case {
  title: string;
  kind: "Cluster" | "ZeebeClient" | "IpAllowlist" | "ConnectorSecret";
  args: Record<string, unknown>;
  expect: Expect[];
}

const f = (kind: string, path: string) => new RegExp(`${kind}\\.${path.replace(/[[\].]/g, (c) => `\\${c}`)}: `);
const long = (n: number, c = "n") => c.repeat(n);

const cases: Case[] = [
  {
    title: "Cluster: empty name and channel/generation, wrong autoUpdate, long description, unknown stage, negative wait, unknown input, no region/plan",
    kind: "Cluster",
    args: { name: "", channel: "", generation: "", autoUpdate: "yes", description: long(151, "d"), stageLabel: "production", waitTimeoutMinutes: -1, size: 3 },
    expect: [
      { input: "Cluster.name empty", field: f("Cluster", "name") },
      { input: "Cluster.region missing", field: f("Cluster", "region") },
      { input: "Cluster.plan missing", field: f("Cluster", "plan") },
      { input: "Cluster.channel empty", field: f("Cluster", "channel") },
      { input: "Cluster.generation empty", field: f("Cluster", "generation") },
      { input: "Cluster.autoUpdate a string", field: f("Cluster", "autoUpdate") },
      { input: "Cluster.description 151 characters", field: f("Cluster", "description") },
      { input: "Cluster.stageLabel unknown (production)", field: f("Cluster", "stageLabel") },
      { input: "Cluster.waitTimeoutMinutes negative", field: f("Cluster", "waitTimeoutMinutes") },
      { input: "Cluster unknown input size", field: /unknown input "size"/ },
    ],
  },
  {
    title: "Cluster: 51-character name, empty region and plan, description and stage of the wrong type, wait too long",
    kind: "Cluster",
    args: { name: long(51), region: "", plan: "  ", description: 42, stageLabel: 5, waitTimeoutMinutes: 2000 },
    expect: [
      { input: "Cluster.name 51 characters", field: f("Cluster", "name") },
      { input: "Cluster.region empty", field: f("Cluster", "region") },
      { input: "Cluster.plan blank", field: f("Cluster", "plan") },
      { input: "Cluster.description a number", field: f("Cluster", "description") },
      { input: "Cluster.stageLabel a number", field: f("Cluster", "stageLabel") },
      { input: "Cluster.waitTimeoutMinutes 2000", field: f("Cluster", "waitTimeoutMinutes") },
    ],
  },
  {
    title: "Cluster: wrong types everywhere",
    kind: "Cluster",
    args: { name: 123, region: 7, plan: true, channel: ["Stable"], generation: 8, waitTimeoutMinutes: "ten" },
    expect: [
      { input: "Cluster.name a number", field: f("Cluster", "name") },
      { input: "Cluster.region a number", field: f("Cluster", "region") },
      { input: "Cluster.plan a boolean", field: f("Cluster", "plan") },
      { input: "Cluster.channel a list", field: f("Cluster", "channel") },
      { input: "Cluster.generation a number", field: f("Cluster", "generation") },
      { input: "Cluster.waitTimeoutMinutes a string", field: f("Cluster", "waitTimeoutMinutes") },
    ],
  },
  {
    title: "Cluster: unknown region, plan and channel (checked against the Console's parameters)",
    kind: "Cluster",
    args: { name: "ok", region: "Mars, Solar System (mars-1)", plan: "Gold", channel: "Beta" },
    expect: [
      { input: "Cluster.region unknown", field: f("Cluster", "region") },
      { input: "Cluster.plan unknown", field: f("Cluster", "plan") },
      { input: "Cluster.channel unknown", field: f("Cluster", "channel") },
    ],
  },
  {
    title: "Cluster: a generation the channel does not offer",
    kind: "Cluster",
    args: { name: "ok", region: REGION, plan: PLAN, channel: "Stable", generation: "Camunda 7.0" },
    expect: [{ input: "Cluster.generation not on the channel", field: f("Cluster", "generation") }],
  },
  {
    title: "ZeebeClient: empty clusterId, name with a space, unknown permission, unknown input",
    kind: "ZeebeClient",
    args: { clusterId: "", name: "order worker", permissions: ["Admin"], scopes: ["x"] },
    expect: [
      { input: "ZeebeClient.clusterId empty", field: f("ZeebeClient", "clusterId") },
      { input: "ZeebeClient.name with a space", field: f("ZeebeClient", "name") },
      { input: "ZeebeClient.permissions unknown (Admin)", field: f("ZeebeClient", "permissions[0]") },
      { input: "ZeebeClient unknown input scopes", field: /unknown input "scopes"/ },
    ],
  },
  {
    title: "ZeebeClient: malformed clusterId, 51-character name, empty permissions",
    kind: "ZeebeClient",
    args: { clusterId: "not/a/cluster", name: long(51), permissions: [] },
    expect: [
      { input: "ZeebeClient.clusterId with slashes", field: f("ZeebeClient", "clusterId") },
      { input: "ZeebeClient.name 51 characters", field: f("ZeebeClient", "name") },
      { input: "ZeebeClient.permissions empty", field: f("ZeebeClient", "permissions") },
    ],
  },
  {
    title: "ZeebeClient: wrong types and a duplicate permission",
    kind: "ZeebeClient",
    args: { clusterId: 42, name: 7, permissions: ["Zeebe", "Zeebe"] },
    expect: [
      { input: "ZeebeClient.clusterId a number", field: f("ZeebeClient", "clusterId") },
      { input: "ZeebeClient.name a number", field: f("ZeebeClient", "name") },
      { input: "ZeebeClient.permissions duplicate", field: f("ZeebeClient", "permissions") },
    ],
  },
  {
    title: "ZeebeClient: no clusterId, name with a tab, permissions not a list",
    kind: "ZeebeClient",
    args: { name: "tab\tname", permissions: "Zeebe" },
    expect: [
      { input: "ZeebeClient.clusterId missing", field: f("ZeebeClient", "clusterId") },
      { input: "ZeebeClient.name with a tab", field: f("ZeebeClient", "name") },
      { input: "ZeebeClient.permissions a string", field: f("ZeebeClient", "permissions") },
    ],
  },
  {
    title: "IpAllowlist: bad CIDRs and addresses, wrong types, long description, unknown entry field, missing ip",
    kind: "IpAllowlist",
    args: {
      clusterId: "has space",
      entries: [
        { ip: "10.0.0.1/33" },
        { ip: "300.1.1.1" },
        { ip: "not-an-ip" },
        { ip: "10.0.0.0/8/1" },
        { ip: "2001:db8::/129" },
        { ip: "" },
        { ip: "10.0.0.1/-1" },
        { ip: 12 },
        { ip: "192.0.2.1", description: long(101, "x") },
        { ip: "198.51.100.0/24", note: "x" },
        { description: "no ip" },
      ],
    },
    expect: [
      { input: "IpAllowlist.clusterId with a space", field: f("IpAllowlist", "clusterId") },
      { input: "IpAllowlist ip prefix /33", field: f("IpAllowlist", "entries[0].ip") },
      { input: "IpAllowlist ip 300.1.1.1", field: f("IpAllowlist", "entries[1].ip") },
      { input: "IpAllowlist ip not-an-ip", field: f("IpAllowlist", "entries[2].ip") },
      { input: "IpAllowlist ip with two prefixes", field: f("IpAllowlist", "entries[3].ip") },
      { input: "IpAllowlist IPv6 prefix /129", field: f("IpAllowlist", "entries[4].ip") },
      { input: "IpAllowlist ip empty", field: f("IpAllowlist", "entries[5].ip") },
      { input: "IpAllowlist negative prefix", field: f("IpAllowlist", "entries[6].ip") },
      { input: "IpAllowlist ip a number", field: f("IpAllowlist", "entries[7].ip") },
      { input: "IpAllowlist description 101 characters", field: f("IpAllowlist", "entries[8].description") },
      { input: "IpAllowlist unknown entry field note", field: /IpAllowlist\.entries\[\d+\]: unknown field "note"/ },
      { input: "IpAllowlist entry without ip", field: f("IpAllowlist", "entries[10].ip") },
    ],
  },
  {
    // Duplicates are only looked for once every entry is valid on its own, so they get a preview of their own.
    title: "IpAllowlist: duplicate entries (same address written differently)",
    kind: "IpAllowlist",
    args: {
      clusterId: CLUSTER_ID,
      entries: [
        { ip: "203.0.113.7", description: "a" },
        { ip: "203.0.113.7/32", description: "same address" },
        { ip: "2001:DB8::1", description: "b" },
        { ip: "2001:db8::1/128", description: "same address" },
        { ip: "198.51.100.0/24", description: "c" },
        { ip: "198.51.100.0/24", description: "same block" },
      ],
    },
    expect: [
      { input: "IpAllowlist duplicate IPv4 (address vs /32)", field: f("IpAllowlist", "entries[1].ip") },
      { input: "IpAllowlist duplicate IPv6 (case, /128)", field: f("IpAllowlist", "entries[3].ip") },
      { input: "IpAllowlist duplicate CIDR", field: f("IpAllowlist", "entries[5].ip") },
    ],
  },
  {
    title: "IpAllowlist: no clusterId, entries not a list",
    kind: "IpAllowlist",
    args: { entries: "10.0.0.1" },
    expect: [
      { input: "IpAllowlist.clusterId missing", field: f("IpAllowlist", "clusterId") },
      { input: "IpAllowlist.entries a string", field: f("IpAllowlist", "entries") },
    ],
  },
  {
    title: "ConnectorSecret: empty name and value",
    kind: "ConnectorSecret",
    args: { clusterId: CLUSTER_ID, name: "", value: "" },
    expect: [
      { input: "ConnectorSecret.name empty", field: f("ConnectorSecret", "name") },
      { input: "ConnectorSecret.value empty", field: f("ConnectorSecret", "value") },
    ],
  },
  {
    title: "ConnectorSecret: 50-character name, value of the wrong type",
    kind: "ConnectorSecret",
    args: { clusterId: CLUSTER_ID, name: long(50, "N"), value: 42 },
    expect: [
      { input: "ConnectorSecret.name 50 characters", field: f("ConnectorSecret", "name") },
      { input: "ConnectorSecret.value a number", field: f("ConnectorSecret", "value") },
    ],
  },
  {
    title: "ConnectorSecret: name with a space, no value, no clusterId",
    kind: "ConnectorSecret",
    args: { name: "SLACK TOKEN" },
    expect: [
      { input: "ConnectorSecret.name with a space", field: f("ConnectorSecret", "name") },
      { input: "ConnectorSecret.value missing", field: f("ConnectorSecret", "value") },
      { input: "ConnectorSecret.clusterId missing", field: f("ConnectorSecret", "clusterId") },
    ],
  },
  {
    title: "ConnectorSecret: name with a dot",
    kind: "ConnectorSecret",
    args: { clusterId: CLUSTER_ID, name: "SLACK.TOKEN", value: "v" },
    expect: [{ input: "ConnectorSecret.name with a dot", field: f("ConnectorSecret", "name") }],
  },
  {
    title: "ConnectorSecret: name with a non-ASCII letter",
    kind: "ConnectorSecret",
    args: { clusterId: CLUSTER_ID, name: "GRÜN_TOKEN", value: "v" },
    expect: [{ input: "ConnectorSecret.name non-ASCII", field: f("ConnectorSecret", "name") }],
  },
];

describe("bad resource inputs fail at preview, naming the field, with no write request", () => {
  cases.forEach((c, i) => {
    rec.scenario(
      c.title,
      async () => {
        const s = (stack as { s: EngineStack }).s;
        const name = `bad${i}`;
        rec.resetStats(emu);
        await s.setConfig("resources", JSON.stringify([{ kind: c.kind, name, args: c.args }]));
        rec.data.badInputsTried += c.expect.length;
        const lines = (await failingPreview(s)).filter((l) => l.includes(`resource '${name}'`));
        const unnamed = c.expect.filter((e) => !lines.some((l) => e.field.test(l))).map((e) => e.input);
        expect({ case: c.title, notReported: unnamed }).toEqual({ case: c.title, notReported: [] });
        for (const e of c.expect) {
          const line = lines.find((l) => e.field.test(l)) ?? "";
          if (/: Invalid input\s*$/.test(line)) rec.finding(`unhelpful message for ${e.input}: "${line.replace(/^.*has a problem: /, "")}"`);
        }
        expect(writeRequests(emu)).toEqual({});
      },
      { timeoutMs: 60_000, emu: () => emu },
    );
  });
});
