/** Provider-level set-up: an emulator behind a proxy that can lose the answer of a request it forwarded. */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { startEmulator, type Emulator } from "../../emulator";
import { createConsoleClient, resetTokenProviders, resolveSettings } from "../../provider/api";
import { Journal, type JournalEntry } from "../../provider/resources/journal";
import { clearClaims } from "../../provider/resources/ownership";
import { clearReadCache } from "../../provider/resources/read-cache";

export const h: {
  emu: Emulator;
  proxy: http.Server;
  proxyUrl: string;
  cacheDir: string;
  /** Loses the answer (after the emulator processed the request) of the next request matching. */
  loseAnswer?: { method: string; path: RegExp; times: number };
  /** Sees every request first; answers it itself (returns true), e.g. with a stale body or a 503, or lets it through. */
  intercept?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
} = {} as never;

const saved = { ...process.env };

export function setup(): void {
  beforeAll(async () => {
    h.emu = await startEmulator({ provisioningMs: 300, backupMs: 300 } as never);
    h.proxy = http.createServer((req, res) => {
      if (h.intercept?.(req, res)) return;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        try {
          const headers = { ...req.headers };
          delete headers.host;
          delete headers.connection;
          const up = await request(`${h.emu.url}${req.url}`, { method: req.method as never, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
          const body = Buffer.from(await up.body.arrayBuffer());
          const rule = h.loseAnswer;
          if (rule && rule.times > 0 && rule.method === req.method && rule.path.test(req.url ?? "")) {
            rule.times--;
            req.socket.destroy(); // processed upstream, answer lost
            return;
          }
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && k !== "transfer-encoding" && k !== "connection" && k !== "content-length") out[k] = v as string;
          res.writeHead(up.statusCode, out);
          res.end(body);
        } catch (e) {
          res.writeHead(502);
          res.end(String(e));
        }
      });
    });
    await new Promise<void>((r) => h.proxy.listen(0, "127.0.0.1", () => r()));
    h.proxyUrl = `http://127.0.0.1:${(h.proxy.address() as AddressInfo).port}`;
    h.cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-review-"));
    Object.assign(process.env, h.emu.env(), {
      CAMUNDA_CONSOLE_BASE_URL: h.proxyUrl,
      CAMUNDA_TOKEN_CACHE_DIR: h.cacheDir,
      PULUMI_CAMUNDA_POLL_MS: "100",
      CAMUNDA_CONSOLE_RETRY_BUDGET_SECONDS: "6",
    });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((r) => h.proxy.close(r));
    await h.emu.stop();
    fs.rmSync(h.cacheDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    h.emu.reset();
    h.emu.setFaults({});
    h.loseAnswer = undefined;
    h.intercept = undefined;
    resetTokenProviders();
    clearReadCache();
    clearClaims();
    fs.rmSync(path.join(h.cacheDir, "pulumi-camunda-journal"), { recursive: true, force: true });
  });
}

export const owner = (type: string, name: string, stack = "dev") => JSON.stringify(["proj", stack, type, name]);
export const api = () => createConsoleClient(resolveSettings(() => undefined, process.env));
export const journal = () => new Journal({ baseUrl: h.proxyUrl, parentDir: h.cacheDir, setting: "camunda:tokenCacheDir" });
export const interrupted = (e: Omit<JournalEntry, "by">): JournalEntry => ({ ...e, by: "an-interrupted-run" });

export async function healthyCluster(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const p = await api().getParameters();
  const { clusterId } = await api().createCluster({
    name,
    regionId: p.regions[0].uuid,
    planTypeId: p.clusterPlanTypes[0].uuid,
    channelId: p.channels[0].uuid,
    generationId: p.channels[0].defaultGeneration.uuid,
    ...extra,
  } as never);
  h.emu.setClusterHealthy(clusterId);
  return clusterId;
}

/** Strips the lifecycle's hidden keys for comparisons. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
