/**
 * Peak resident memory of the dynamic-provider processes started under this bench process: every ~100 ms, `ps`
 * lists all processes, and those descending from this process whose command line contains "dynamic-provider" (the
 * node process running @pulumi/pulumi/cmd/dynamic-provider) are measured. Processes of other runs on the machine
 * (e.g. a test suite running at the same time) are not descendants, so they are left out.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

interface Proc {
  pid: number;
  ppid: number;
  rssKb: number;
  args: string;
}

async function listProcesses(): Promise<Proc[]> {
  const { stdout } = await run("ps", ["-e", "-o", "pid=,ppid=,rss=,args="], { maxBuffer: 16 * 1024 * 1024 });
  const out: Proc[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), ppid: Number(m[2]), rssKb: Number(m[3]), args: m[4] });
  }
  return out;
}

function descendantsOf(root: number, procs: Proc[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    for (const c of children.get(pid) ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  return seen;
}

export interface MemorySample {
  /** Largest RSS of one dynamic-provider process seen, in MiB (0 when none was seen). */
  peakRssMiB: number;
  /** Largest sum over dynamic-provider processes alive at the same time, in MiB. */
  peakTotalRssMiB: number;
  /** Distinct dynamic-provider processes seen. */
  processes: number;
  /**
   * CPU time (user + system) of those processes, summed, as last sampled (Linux /proc; undefined elsewhere). The last
   * ~100 ms before a process exits are not seen.
   */
  cpuSeconds?: number;
  samples: number;
}

/** utime + stime of a process in clock ticks (Linux), or undefined. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state(3) ppid(4) ... utime(14) stime(15): indexes 11 and 12 here.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export class ProviderMemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private peakKb = 0;
  private peakTotalKb = 0;
  private readonly pids = new Set<number>();
  private readonly ticks = new Map<number, number>();
  private samples = 0;

  constructor(
    private readonly pattern = "dynamic-provider",
    private readonly intervalMs = 100,
  ) {}

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const procs = await listProcesses();
      const mine = descendantsOf(process.pid, procs);
      let total = 0;
      for (const p of procs) {
        if (!mine.has(p.pid) || !p.args.includes(this.pattern) || /^\S*\bps\b/.test(p.args)) continue;
        this.pids.add(p.pid);
        const t = cpuTicks(p.pid);
        if (t !== undefined) this.ticks.set(p.pid, Math.max(this.ticks.get(p.pid) ?? 0, t));
        total += p.rssKb;
        this.peakKb = Math.max(this.peakKb, p.rssKb);
      }
      this.peakTotalKb = Math.max(this.peakTotalKb, total);
      this.samples++;
    } catch {
      // a failed sample is skipped
    } finally {
      this.busy = false;
    }
  }

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  async stop(): Promise<MemorySample> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    const mib = (kb: number) => Math.round((kb / 1024) * 10) / 10;
    const ticks = [...this.ticks.values()].reduce((a, b) => a + b, 0);
    return {
      peakRssMiB: mib(this.peakKb),
      peakTotalRssMiB: mib(this.peakTotalKb),
      processes: this.pids.size,
      // Linux counts in USER_HZ, which is 100 on every common configuration.
      ...(this.ticks.size ? { cpuSeconds: ticks / 100 } : {}),
      samples: this.samples,
    };
  }
}
