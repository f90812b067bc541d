/** Organisation member routes: list, invite or set roles (POST /members/{email}), remove. The owner cannot be changed. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, parseBody } from "../errors";
import { ASSIGNABLE_ROLES } from "../state";
import { noContent, type RouteContext } from "./common";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const postMemberBody = z.object({
  orgRoles: z.array(z.enum(ASSIGNABLE_ROLES)).min(1, "must name at least one role"),
});

type MemberParams = { Params: { email: string } };

export function memberRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const config = { scope: "Members" as const };

  app.get("/members", { config }, async () => ctx.state.listMembers().map((m) => ({ ...m, roles: [...m.roles] })));

  app.post<MemberParams>("/members/:email", { config }, async (req, reply) => {
    if (!EMAIL.test(req.params.email)) throw new ApiError(400, `Invalid email address: ${req.params.email}`);
    const body = parseBody(postMemberBody, req.body);
    ctx.state.upsertMember(req.params.email, [...new Set(body.orgRoles)]);
    return noContent(reply);
  });

  app.delete<MemberParams>("/members/:email", { config }, async (req, reply) => {
    ctx.state.deleteMember(req.params.email);
    return noContent(reply);
  });
}
