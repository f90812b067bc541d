/** IP allowlist routes: PUT /ipallowlist and the deprecated PUT /ipwhitelist (both replace the whole list). */
import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseBody } from "../errors";
import { noContent, type ClusterParams, type RouteContext } from "./common";

/** True for an IPv4/IPv6 address or CIDR block. */
export function isAddressOrCidr(text: string): boolean {
  const [addr, prefix, ...rest] = text.split("/");
  if (rest.length > 0) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `ip` "must be a valid comma separated list of CIDRs" (single addresses are accepted too). */
const ipField = z.string().refine(
  (s) => s.split(",").every((part) => isAddressOrCidr(part.trim())),
  "must be an IP address, a CIDR block, or a comma-separated list of them",
);

const entry = z.object({ ip: ipField, description: z.string() });

const allowlistBody = z.object({ ipallowlist: z.array(entry) });
const whitelistBody = z.object({ ipwhitelist: z.array(entry) });

export function ipAllowlistRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "IP Allowlist" as const };

  app.put<ClusterParams>("/clusters/:clusterId/ipallowlist", { config }, async (req, reply) => {
    const body = parseBody(allowlistBody, req.body);
    ctx.state.setIpAllowlist(req.params.clusterId, body.ipallowlist);
    return noContent(reply);
  });

  app.put<ClusterParams>("/clusters/:clusterId/ipwhitelist", { config }, async (req, reply) => {
    const body = parseBody(whitelistBody, req.body);
    ctx.state.setIpAllowlist(req.params.clusterId, body.ipwhitelist);
    return noContent(reply);
  });
}
