/**
 * Answers of shapes the document does not promise, at the provider level: `null` where a value was expected (as the
 * live service answers `ipwhitelist: null`) never reads as drift nor fails a read; an own object listed in a shape the
 * provider cannot read is never taken for gone (a client's only secret would leave the state).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { resetTokenProviders } from "../../provider/api";
import { providers } from "../../provider/resources";
import { clearClaims } from "../../provider/resources/ownership";
import { clearReadCache } from "../../provider/resources/read-cache";

type Props = Record<string, unknown>;
const REGION = "Belgium, Europe (europe-west1)";
const owner = (type: string, name: string) => JSON.stringify(["proj", "dev", type, name]);
const saved = { ...process.env };
let cacheDir: string;

beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-odd-"));
});
afterAll(() => {
  process.env = saved;
  fs.rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => {
  resetTokenProviders();
  clearReadCache();
  clearClaims();
});

describe("a scripted service", () => {
  let server: http.Server;
  const writes: string[] = [];
  let answers: Record<string, unknown> = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/oauth/token") return res.end(JSON.stringify({ access_token: "tok-abcdefgh", expires_in: 3600 }));
      if (req.method !== "GET") {
        writes.push(`${req.method} ${req.url}`);
        res.statusCode = 204;
        return res.end();
      }
      const body = answers[req.url ?? ""];
      if (body === undefined) {
        res.statusCode = 404;
        return res.end("{}");
      }
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as { port: number };
    Object.assign(process.env, {
      CAMUNDA_CONSOLE_BASE_URL: `http://127.0.0.1:${port}`,
      CAMUNDA_OAUTH_URL: `http://127.0.0.1:${port}/oauth/token`,
      CAMUNDA_CONSOLE_CLIENT_ID: "id",
      CAMUNDA_CONSOLE_CLIENT_SECRET: "secret-xyz",
      CAMUNDA_TOKEN_CACHE_DIR: cacheDir,
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    writes.length = 0;
  });

  const cluster = (extra: Props) => ({
    uuid: "c1",
    name: "orders",
    planType: { uuid: "p", name: "Trial Cluster" },
    region: { uuid: "r", name: REGION },
    generation: { uuid: "g", name: "Camunda 8.8.x" },
    channel: { uuid: "s", name: "Stable" },
    status: { ready: "Healthy", zeebeStatus: null },
    ...extra,
  });

  it("reads null description, labels, links, autoUpdate and allowlist descriptions as not shown: no drift, no write, over two rounds", async () => {
    answers = {
      "/clusters/parameters": {
        channels: [{ uuid: "s", name: "Stable", defaultGeneration: { uuid: "g", name: "Camunda 8.8.x" }, allowedGenerations: [{ uuid: "g", name: "Camunda 8.8.x" }] }],
        clusterPlanTypes: [{ uuid: "p", name: "Trial Cluster" }],
        regions: [{ uuid: "r", name: REGION }],
      },
      "/clusters/c1": cluster({ description: null, labels: ["dev", null], autoUpdate: null, links: null, ipallowlist: [{ ip: "10.0.0.1/32", description: null }] }),
    };
    const program = { name: "orders", region: REGION, plan: "Trial Cluster", description: "team orders", stageLabel: "dev", __owner: owner("Cluster", "o") };
    const checked = (await providers.cluster.check(program, program)).inputs as Props;
    let outs: Props = {
      ...checked,
      ...{ regionId: "r", regionName: REGION, planTypeId: "p", planTypeName: "Trial Cluster", channelId: "s", channelName: "Stable" },
      ...{ generationId: "g", generationName: "Camunda 8.8.x", status: "Healthy", links: {}, zeebeAddress: "" },
    };
    for (let round = 1; round <= 2; round++) {
      clearReadCache();
      const r = await providers.cluster.read("c1", outs);
      expect(r.id).toBe("c1");
      outs = r.props as Props;
      expect(outs.description).toBe("team orders");
      const d = await providers.cluster.diff("c1", outs, checked);
      expect(d.changes).toBe(false);
    }
    const declared = { clusterId: "c1", entries: [{ ip: "10.0.0.1/32" }], __owner: owner("IpAllowlist", "a") };
    const allowlist = await providers.ipAllowlist.read("c1", declared);
    expect(allowlist.id).toBe("c1");
    const inputs = (await providers.ipAllowlist.check(declared, declared)).inputs as Props;
    expect((await providers.ipAllowlist.diff("c1", allowlist.props as Props, inputs)).changes).toBe(false);
    expect(writes).toEqual([]);
  });

  it("never takes an own client listed in an unreadable shape for gone; reads null permissions as none", async () => {
    const props = { clusterId: "c1", name: "w", clientId: "abc", clientSecret: "s3cret-value", permissions: ["Zeebe"], __owner: owner("ZeebeClient", "w") };
    answers = { "/clusters/c1/clients": [{ name: "w", clientId: "abc", permissions: "Zeebe,Operate" }] };
    await expect(providers.zeebeClient.read("c1/abc", props)).rejects.toThrow(/listed the client abc of cluster c1 in a shape this provider cannot read.*Nothing was changed/);
    answers = {
      "/clusters/c1/clients": [{ name: "w", clientId: "abc", permissions: null }],
      "/clusters/c1": cluster({ links: { zeebe: "c1.bru-2.zeebe.camunda.io" } }),
      "/clusters/c1/clients/abc": { name: "w", ZEEBE_ADDRESS: "c1.bru-2.zeebe.camunda.io:443", ZEEBE_CLIENT_ID: "abc", ZEEBE_AUTHORIZATION_SERVER_URL: "https://login.cloud.camunda.io/oauth/token" },
    };
    clearReadCache();
    const r = await providers.zeebeClient.read("c1/abc", props);
    expect(r.id).toBe("c1/abc");
    expect(r.props?.permissions).toEqual([]);
    expect(r.props?.clientSecret).toBe("s3cret-value");
    expect(writes).toEqual([]);
  });
});
