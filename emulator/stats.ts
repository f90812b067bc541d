/** Request counters of the emulator (token requests, API requests by method/route/status, injected faults). */
import type { Stats } from "./types";

export type FaultKind = keyof Stats["faultsInjected"];
export type TokenOutcome = "ok" | "rateLimited" | "unauthorized" | "badRequest";

function empty(): Stats {
  return {
    tokenRequests: { total: 0, ok: 0, rateLimited: 0, unauthorized: 0, badRequest: 0 },
    apiRequests: { total: 0, byMethod: {}, byRoute: {}, byStatus: {} },
    faultsInjected: {
      latency: 0,
      serverError: 0,
      rateLimit: 0,
      dropConnection: 0,
      notReady: 0,
      secretConflict: 0,
      lingeringSecretReads: 0,
    },
  };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export class StatsCollector {
  private s: Stats = empty();

  tokenRequest(outcome: TokenOutcome): void {
    this.s.tokenRequests.total++;
    this.s.tokenRequests[outcome]++;
  }

  apiRequest(method: string, route: string | undefined): void {
    this.s.apiRequests.total++;
    bump(this.s.apiRequests.byMethod, method);
    bump(this.s.apiRequests.byRoute, `${method} ${route ?? "(unmatched)"}`);
  }

  apiResponse(statusCode: number): void {
    bump(this.s.apiRequests.byStatus, String(statusCode));
  }

  fault(kind: FaultKind, count = 1): void {
    this.s.faultsInjected[kind] += count;
  }

  snapshot(): Stats {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = empty();
  }
}
