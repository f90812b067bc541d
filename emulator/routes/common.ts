/** What every API route module shares: its context, per-route metadata (scope), and plain-text / empty replies. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FaultInjector } from "../faults";
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
  }
}

export interface RouteContext {
  state: EmulatorState;
  faults: FaultInjector;
  stats: StatsCollector;
}

export type ClusterParams = { Params: { clusterId: string } };

export function sendText(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type("text/plain; charset=utf-8").send(message);
}

export function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export function hasScope(req: FastifyRequest, scope: Scope): boolean {
  return req.auth?.scopes.includes(scope) ?? false;
}
