/** What every API route module shares: its context, per-route metadata (scope), and plain-text / empty replies. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FaultInjector } from "../faults";
import type { Profiles } from "../profiles";
import type { VerifiedToken } from "../oauth";
import type { EmulatorState } from "../state";
import type { StatsCollector } from "../stats";
import type { Scope } from "../types";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The credential scope the route needs; routes without one (and not `public`) are refused. */
    scope?: Scope;
    /** Reachable without a token (GET /meta/ip-ranges). */
    public?: boolean;
    /** A connector-secret write: subject to the "another change in progress" 409 fault. */
    secretWrite?: boolean;
  }
  interface FastifyRequest {
    /** The verified bearer token of an API request. */
    auth: VerifiedToken | null;
    /** Answer errors as JSON (the `jsonErrors` profile). */
    jsonErrors: boolean;
  }
}

export interface RouteContext {
  state: EmulatorState;
  profiles: Profiles;
  faults: FaultInjector;
  stats: StatsCollector;
}

export type ClusterParams = { Params: { clusterId: string } };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An error answer: plain text, or (the `jsonErrors` profile, on API requests) `{"status","title","detail"}`. */
export function sendText(reply: FastifyReply, status: number, message: string): FastifyReply {
  if (reply.request.jsonErrors && status >= 400) {
    return reply
      .code(status)
      .type("application/json")
      .send(JSON.stringify({ status, title: TITLES[status] ?? "Error", detail: message }));
  }
  return reply.code(status).type("text/plain; charset=utf-8").send(message);
}

/** Whether an object created at `createdAt` (epoch ms) is still invisible (the `eventualConsistency` profile). */
export function notYetVisible(ctx: RouteContext, createdAt: number | undefined): boolean {
  return ctx.profiles.has("eventualConsistency") && createdAt !== undefined && Date.now() - createdAt < ctx.profiles.tuning.consistencyLagMs;
}

export function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export function hasScope(req: FastifyRequest, scope: Scope): boolean {
  return req.auth?.scopes.includes(scope) ?? false;
}
