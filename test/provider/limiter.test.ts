/** The client-side request limiter: at most N in flight, starts spaced 1/rate apart, slots freed on failure. */
import { RequestLimiter } from "../../provider/api";
import { sleep } from "./helpers";

async function runAll(limiter: RequestLimiter, count: number, taskMs: number) {
  let active = 0;
  let peak = 0;
  const starts: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      limiter.run(async () => {
        starts.push(Date.now());
        order.push(i);
        active++;
        peak = Math.max(peak, active);
        await sleep(taskMs);
        active--;
      }),
    ),
  );
  return { peak, starts, order };
}

describe("RequestLimiter", () => {
  it("never has more than maxConcurrent requests in flight, and uses all of them", async () => {
    const { peak, order } = await runAll(new RequestLimiter(3, 1000), 20, 30);
    expect(peak).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i)); // first come, first served
  });

  it("spaces the starts 1/maxPerSecond apart", async () => {
    const started = Date.now();
    const { starts } = await runAll(new RequestLimiter(100, 50), 10, 1);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    // 50 per second: 20 ms apart (1 ms of tolerance for Date.now() ticking between the limiter and the task).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(19);
    expect(starts[9] - starts[0]).toBeGreaterThanOrEqual(9 * 20 - 1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("releases no burst after the event loop was blocked", async () => {
    const limiter = new RequestLimiter(100, 50);
    const pending = runAll(limiter, 8, 1);
    // Block the event loop for longer than all the starts would take on schedule.
    const until = Date.now() + 250;
    while (Date.now() < until) {
      // busy
    }
    const { starts } = await pending;
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(19);
  });

  it("frees the slot of a failed request", async () => {
    const limiter = new RequestLimiter(1, 1000);
    await expect(limiter.run(() => Promise.reject(new Error("failed")))).rejects.toThrow("failed");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
    const results = await Promise.allSettled([
      limiter.run(() => Promise.reject(new Error("a"))),
      limiter.run(async () => "b"),
      limiter.run(() => Promise.reject(new Error("c"))),
      limiter.run(async () => "d"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected", "fulfilled"]);
  });

  it("caps both at once: 12 requests of 50 ms, 2 at a time, at most 100 per second, take about 300 ms", async () => {
    const started = Date.now();
    const { peak } = await runAll(new RequestLimiter(2, 100), 12, 50);
    const elapsed = Date.now() - started;
    expect(peak).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(6 * 50 - 5);
    expect(elapsed).toBeLessThan(1500);
  });
});
