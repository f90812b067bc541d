/** Fault and latency injection: which faults are configured, the seedable PRNG that picks requests, and abortable delays. */
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import type { FaultConfig, FaultRule, RouteFilter } from "./types";

const routeFilterSchema = z
  .object({
    method: z.union([z.string(), z.array(z.string())]).optional(),
    path: z.union([z.string(), z.instanceof(RegExp)]).optional(),
    route: z.string().optional(),
  })
  .strict();

const rate = z.number().min(0).max(1);
const ruleSchema = z.object({ rate, routes: z.array(routeFilterSchema).optional(), times: z.number().int().min(0).optional() }).strict();
const nonNegative = z.number().min(0);

/** Validates a fault configuration (from options, the admin route or the CLI). */
export const faultConfigSchema = z
  .object({
    latencyMs: nonNegative.optional(),
    jitterMs: nonNegative.optional(),
    serverError: ruleSchema.optional(),
    rateLimit: ruleSchema.extend({ retryAfterSeconds: z.number().int().min(0).optional() }).strict().optional(),
    dropConnection: ruleSchema.optional(),
    notReady: ruleSchema.optional(),
    secretConflict: ruleSchema.optional(),
    secretLingerMs: nonNegative.optional(),
    seed: z.number().int().optional(),
  })
  .strict();

export type FaultKindName = "serverError" | "rateLimit" | "dropConnection" | "notReady" | "secretConflict";

interface CompiledFilter {
  methods?: string[];
  path?: RegExp;
  route?: string;
}

/** mulberry32: a small, fast, seedable PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Why a path pattern could make matching take exponential time (a catastrophic backtracking pattern such as
 * `^/clusters/(a+)+$` hangs a JavaScript regex engine at 100 % CPU), or undefined. Refused: patterns over 200
 * characters, back-references, a quantified group that itself contains a quantifier or an alternation, and more than
 * three unbounded repetitions (`.*.*.*.*x` backtracks polynomially: seconds on a 200-character path).
 */
export function unsafePattern(source: string): string | undefined {
  if (source.length > 200) return "is longer than 200 characters";
  const groups: { quantified: boolean }[] = [];
  let unbounded = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      if (/[1-9k]/.test(source[i + 1] ?? "")) return "uses a back-reference";
      i++;
      continue;
    }
    if (c === "[") {
      // Skip the character class.
      for (i++; i < source.length && source[i] !== "]"; i++) if (source[i] === "\\") i++;
      continue;
    }
    if (c === "(") groups.push({ quantified: false });
    else if (c === ")") {
      const g = groups.pop();
      const next = source[i + 1];
      const quantifiedGroup = next === "*" || next === "+" || next === "{" || next === "?";
      if (g?.quantified && quantifiedGroup && next !== "?") return "repeats a group that repeats (nested quantifiers)";
      if (g?.quantified && groups.length) groups[groups.length - 1].quantified = true;
    } else if (c === "*" || c === "+" || c === "{" || c === "|") {
      if (groups.length) groups[groups.length - 1].quantified = true;
      if (c === "*" || c === "+" || (c === "{" && /^\{\d*,\}/.test(source.slice(i)))) unbounded++;
    }
  }
  if (unbounded > 3) return "repeats without bound more than three times (polynomial backtracking)";
  return undefined;
}

function compileFilter(f: RouteFilter): CompiledFilter {
  const methods = f.method === undefined ? undefined : (Array.isArray(f.method) ? f.method : [f.method]).map((m) => m.toUpperCase());
  let p: RegExp | undefined;
  if (f.path !== undefined) {
    const source = f.path instanceof RegExp ? f.path.source : f.path;
    const problem = unsafePattern(source);
    if (problem) throw new Error(`the path pattern ${JSON.stringify(source)} ${problem}: use a simpler pattern (or a route)`);
    p = f.path instanceof RegExp ? f.path : new RegExp(f.path);
  }
  return { methods, path: p, route: f.route };
}

function filterMatches(f: CompiledFilter, method: string, urlPath: string, route: string | undefined): boolean {
  if (f.methods && !f.methods.includes(method.toUpperCase())) return false;
  if (f.path && !f.path.test(urlPath)) return false;
  if (f.route !== undefined && f.route !== route) return false;
  return true;
}

export class FaultInjector {
  private config: FaultConfig = {};
  private compiled = new Map<FaultKindName, CompiledFilter[] | undefined>();
  /** How many times each fault kind was injected since the configuration was set (for `times`). */
  private injected = new Map<FaultKindName, number>();
  private rng: () => number = mulberry32(Math.floor(Math.random() * 2 ** 32));

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  /** Replaces the whole fault configuration (`{}` clears it). Throws on an invalid configuration. */
  set(config: FaultConfig): void {
    const parsed = faultConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Invalid fault configuration at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    const compiled = new Map<FaultKindName, CompiledFilter[] | undefined>();
    for (const kind of ["serverError", "rateLimit", "dropConnection", "notReady", "secretConflict"] as const) {
      const rule: FaultRule | undefined = config[kind];
      try {
        compiled.set(kind, rule?.routes?.map(compileFilter));
      } catch (e) {
        throw new Error(`Invalid fault configuration at ${kind}.routes: ${(e as Error).message}`);
      }
    }
    this.config = structuredClone(config);
    this.compiled = compiled;
    this.injected = new Map();
    if (config.seed !== undefined) this.rng = mulberry32(config.seed);
  }

  /** The configuration as JSON (path regular expressions as their source). */
  get(): FaultConfig {
    return JSON.parse(
      JSON.stringify(this.config, (_k, v: unknown) => (v instanceof RegExp ? v.source : v)),
    ) as FaultConfig;
  }

  /** The delay to add to one response (0 when no latency is configured). */
  latencyMs(): number {
    const fixed = this.config.latencyMs ?? 0;
    const jitter = this.config.jitterMs ?? 0;
    return fixed + (jitter > 0 ? Math.round(this.rng() * jitter) : 0);
  }

  get secretLingerMs(): number {
    return this.config.secretLingerMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.config.rateLimit?.retryAfterSeconds ?? 1;
  }

  /** Whether to inject the fault `kind` into this request. */
  decide(kind: FaultKindName, method: string, urlPath: string, route: string | undefined): boolean {
    const rule = this.config[kind];
    if (!rule || rule.rate <= 0) return false;
    const filters = this.compiled.get(kind);
    if (filters && !filters.some((f) => filterMatches(f, method, urlPath, route))) return false;
    const count = this.injected.get(kind) ?? 0;
    if (rule.times !== undefined && count >= rule.times) return false;
    const hit = rule.rate >= 1 || this.rng() < rule.rate;
    if (hit) this.injected.set(kind, count + 1);
    return hit;
  }
}

/** Waits `ms`; resolves early (without error) when `signal` aborts, so stopping the emulator is never delayed. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the emulator is stopping
  }
}
