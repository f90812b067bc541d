/**
 * A client-side limit on concurrent and per-second Console API requests, so that a stack of hundreds of resources
 * under Pulumi's parallelism stays within the service's limits. Starts are spaced 1/rate apart; at most
 * `maxConcurrent` requests are in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";

export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStartAt = 0;

  constructor(
    readonly maxConcurrent: number,
    readonly maxPerSecond: number,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.active >= this.maxConcurrent) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    const spacing = 1000 / this.maxPerSecond;
    const now = Date.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + spacing;
    if (startAt > now) await sleep(startAt - now);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over: `active` stays the same
    else this.active--;
  }
}
