/**
 * A client-side limit on concurrent and per-second Console API requests, so that a stack of hundreds of resources
 * under Pulumi's parallelism stays within the service's limits. Starts are spaced at least 1/rate apart (also after
 * the event loop was busy: no bursts); at most `maxConcurrent` requests are in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";

export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private lastStartAt = Number.NEGATIVE_INFINITY;
  /** Starts go through this chain one at a time, first come first served. */
  private startChain: Promise<void> = Promise.resolve();

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
    const turn = this.startChain.then(() => this.spaced());
    this.startChain = turn;
    await turn;
  }

  /**
   * Waits until `1/maxPerSecond` after the previous start, measured when the wait is over: timers that fire late
   * (a busy event loop) do not release a burst of starts scheduled in advance, and one that fires early waits again.
   */
  private async spaced(): Promise<void> {
    const spacing = 1000 / this.maxPerSecond;
    for (;;) {
      const wait = this.lastStartAt + spacing - Date.now();
      if (wait <= 0) break;
      await sleep(Math.ceil(wait));
    }
    this.lastStartAt = Date.now();
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the slot over: `active` stays the same
    else this.active--;
  }
}
