/** `GET /meta/ip-ranges`: the one operation that needs no token. */
import type { FastifyInstance } from "fastify";
import { IP_RANGES } from "../seed";

export function metaRoutes(app: FastifyInstance): void {
  app.get("/meta/ip-ranges", { config: { public: true } }, async () => structuredClone(IP_RANGES));
}
