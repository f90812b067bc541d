/**
 * Every operation the emulator implements, driven once through its success path and its main error paths;
 * every response is validated against the published OpenAPI document (see helpers.ts / openapi.ts).
 */
import type { Emulator } from "../../emulator";
import { GENERATIONS } from "../../emulator/seed";
import { call, createCluster, getToken, specCoverage, specViolations, startTestEmulator } from "./helpers";
import { findOperation, spec, validateResponse } from "./openapi";

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ provisioningMs: 0 });
  token = await getToken(emu);
});
afterAll(() => emu.stop());

describe("the OpenAPI validator itself", () => {
  it("rejects a body that breaks the schema and accepts extra fields", () => {
    const bad = validateResponse("GET", "/clusters/{clusterUuid}", 200, JSON.stringify({ uuid: "x" }), "application/json");
    expect(bad.ok).toBe(false);
    const wrongEnum = validateResponse(
      "GET",
      "/clusters/{clusterUuid}/clients",
      200,
      JSON.stringify([{ name: "a", clientId: "b", permissions: ["Root"] }]),
      "application/json",
    );
    expect(wrongEnum.ok).toBe(false);
    const extra = validateResponse(
      "GET",
      "/clusters/{clusterUuid}/clients",
      200,
      JSON.stringify([{ name: "a", clientId: "b", permissions: ["Zeebe"], extra: 1 }]),
      "application/json",
    );
    expect(extra).toMatchObject({ ok: true, documented: true, operationId: "GetClients" });
    expect(validateResponse("DELETE", "/clusters/{clusterUuid}", 204, "x").ok).toBe(false);
    expect(validateResponse("DELETE", "/clusters/{clusterUuid}", 200, "").ok).toBe(false);
  });

  it("matches literal path segments before parameters", () => {
    expect(findOperation("GET", "/clusters/parameters")?.operationId).toBe("GetParameters");
    expect(findOperation("GET", "/clusters/abc")?.operationId).toBe("GetCluster");
    expect(findOperation("GET", "/clusters/abc/backups/schedule")?.operationId).toBe("GetSchedule");
  });
});

describe("every implemented operation conforms to the spec", () => {
  it("drives clusters, clients, allowlist, secrets, backups, members and meta", async () => {
    const ok = (r: { status: number }, status: number) => expect(r.status).toBe(status);

    ok(await call(emu, token, "GET", "/clusters/parameters"), 200);
    ok(await call(emu, token, "POST", "/clusters", { name: "x" }), 400);
    const id = await createCluster(emu, token, { generationId: GENERATIONS.v87.uuid, description: "d", stageLabel: "dev" });
    ok(await call(emu, token, "GET", "/clusters"), 200);
    ok(await call(emu, token, "GET", `/clusters/${id}`), 200);
    ok(await call(emu, token, "GET", "/clusters/00000000-0000-0000-0000-000000000000"), 404);
    ok(await call(emu, token, "PATCH", `/clusters/${id}`, { name: "renamed", description: "new" }), 204);
    ok(await call(emu, token, "PUT", `/clusters/${id}/wake`), 204);
    const upgrade = await call(emu, token, "PUT", `/clusters/${id}/upgrade`);
    ok(upgrade, 200);
    expect(upgrade.json().newGeneration.name).toBe(GENERATIONS.v88.name);
    ok(await call(emu, token, "PUT", `/clusters/${id}/upgrade`), 400);

    const created = await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "worker", permissions: ["Zeebe"] });
    ok(created, 200);
    const clientId = created.json().clientId as string;
    ok(await call(emu, token, "POST", `/clusters/${id}/clients`, { clientName: "worker" }), 400);
    ok(await call(emu, token, "GET", `/clusters/${id}/clients`), 200);
    ok(await call(emu, token, "GET", `/clusters/${id}/clients/${encodeURIComponent(clientId)}`), 200);
    ok(await call(emu, token, "GET", `/clusters/${id}/clients/nope`), 404);
    ok(await call(emu, token, "DELETE", `/clusters/${id}/clients/${encodeURIComponent(clientId)}`), 204);

    const entries = [{ ip: "10.0.0.0/8", description: "office" }];
    ok(await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, { ipallowlist: entries }), 204);
    ok(await call(emu, token, "PUT", `/clusters/${id}/ipwhitelist`, { ipwhitelist: entries }), 204);

    ok(await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "A", secretValue: "1" }), 204);
    ok(await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "A", secretValue: "1" }), 409);
    ok(await call(emu, token, "POST", `/clusters/${id}/secrets`, { secretName: "N".repeat(50), secretValue: "1" }), 400);
    ok(await call(emu, token, "GET", `/clusters/${id}/secrets`), 200);
    ok(await call(emu, token, "PUT", `/clusters/${id}/secrets/A`, { secretValue: "2" }), 204);
    ok(await call(emu, token, "DELETE", `/clusters/${id}/secrets/A`), 204);

    const backup = await call(emu, token, "POST", `/clusters/${id}/backups`);
    ok(backup, 200);
    ok(await call(emu, token, "GET", `/clusters/${id}/backups`), 200);
    ok(await call(emu, token, "GET", `/clusters/${id}/backups/schedule`), 404);
    ok(await call(emu, token, "PUT", `/clusters/${id}/backups/schedule`, { schedule: "*/5 * * * *" }), 400);
    ok(await call(emu, token, "PUT", `/clusters/${id}/backups/schedule`, { schedule: "0 2 * * *" }), 200);
    ok(await call(emu, token, "GET", `/clusters/${id}/backups/schedule`), 200);
    ok(await call(emu, token, "DELETE", `/clusters/${id}/backups/schedule`), 204);
    ok(await call(emu, token, "DELETE", `/clusters/${id}/backups/${backup.json().uuid}`), 200);

    ok(await call(emu, token, "GET", "/members"), 200);
    ok(await call(emu, token, "POST", "/members/new.person@example.com", { orgRoles: ["developer"] }), 204);
    ok(await call(emu, token, "POST", "/members/new.person@example.com", { orgRoles: ["root"] }), 400);
    ok(await call(emu, token, "DELETE", "/members/new.person@example.com"), 204);
    ok(await call(emu, token, "DELETE", "/members/nobody@example.com"), 404);

    ok(await call(emu, undefined, "GET", "/meta/ip-ranges"), 200);

    ok(await call(emu, token, "DELETE", `/clusters/${id}`), 204);
    ok(await call(emu, token, "DELETE", `/clusters/${id}`), 404);

    expect(specViolations).toEqual([]);
    const expected = [
      "GetParameters 200",
      "CreateCluster 200",
      "CreateCluster 400",
      "GetClusters 200",
      "GetCluster 200",
      "GetCluster 404",
      "UpdateCluster 204",
      "Wake 204",
      "UpgradeCluster 200",
      "UpgradeCluster 400",
      "CreateClient 200",
      "CreateClient 400",
      "GetClients 200",
      "GetClient 200",
      "GetClient 404",
      "DeleteClient 204",
      "UpdateIpAllowlist 204",
      "UpdateIpWhitelist 204",
      "CreateSecret 204",
      "CreateSecret 409",
      "CreateSecret 400",
      "GetSecrets 200",
      "UpdateSecret 204",
      "DeleteSecret 204",
      "CreateBackup 200",
      "GetBackups 200",
      "GetSchedule 404",
      "UpdateSchedule 400",
      "UpdateSchedule 200",
      "GetSchedule 200",
      "DeleteSchedule 204",
      "DeleteBackup 200",
      "GetMembers 200",
      "UpdateMembers 204",
      "UpdateMembers 400",
      "DeleteMember 204",
      "DeleteMember 404",
      "GetMeta 200",
      "DeleteCluster 204",
      "DeleteCluster 404",
    ];
    expect([...specCoverage].sort()).toEqual(expect.arrayContaining(expected.sort()));
  });

  it("answers every one of the document's 43 operations, each validated against it", async () => {
    const ok = (r: { status: number }, status: number) => expect(r.status).toBe(status);
    const params = (await call(emu, token, "GET", "/clusters/parameters")).json() as { regions: { uuid: string; name: string }[] };
    const aws = params.regions.find((r) => r.name === "Frankfurt, Europe (eu-central-1)")?.uuid;
    const byok = await createCluster(emu, token, { name: "byok", regionId: aws, encryption: "External" });
    ok(await call(emu, token, "PUT", `/clusters/${byok}/encryption`, { primaryEncryptionKeyId: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }), 200);
    ok(await call(emu, token, "PUT", `/clusters/${byok}/encryption`, { primaryEncryptionKeyId: "not-an-arn" }), 400);
    const plain = await createCluster(emu, token, { name: "plain" });
    ok(await call(emu, token, "PUT", `/clusters/${plain}/encryption`, { primaryEncryptionKeyId: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }), 409);

    ok(await call(emu, token, "POST", `/clusters/${plain}/monitoring`), 204);
    ok(await call(emu, token, "POST", `/clusters/${plain}/monitoring`), 409);
    const mc = await call(emu, token, "POST", `/clusters/${plain}/monitoring/clients`, { username: "prometheus" });
    ok(mc, 200);
    ok(await call(emu, token, "GET", `/clusters/${plain}/monitoring/clients`), 200);
    ok(await call(emu, token, "POST", `/clusters/${plain}/monitoring/clients/${mc.json().uuid}/rotate`), 200);
    ok(await call(emu, token, "DELETE", `/clusters/${plain}/monitoring/clients/${mc.json().uuid}`), 204);
    ok(await call(emu, token, "DELETE", `/clusters/${plain}/monitoring`), 204);
    ok(await call(emu, token, "DELETE", `/clusters/${plain}/monitoring`), 409);

    ok(await call(emu, token, "GET", `/clusters/${plain}/secure-connectivity`), 200);
    ok(await call(emu, token, "POST", `/clusters/${plain}/secure-connectivity`, { allowedPrincipals: ["arn:aws:iam::123456789012:root"], allowedRegions: ["eu-central-1"] }), 204);
    ok(await call(emu, token, "GET", `/clusters/${plain}/secure-connectivity`), 200);
    ok(await call(emu, token, "DELETE", `/clusters/${plain}/secure-connectivity`), 204);

    const backup = (await call(emu, token, "POST", `/clusters/${plain}/backups`)).json() as { uuid: string };
    ok(await call(emu, token, "GET", `/clusters/${plain}/backups/${backup.uuid}/restore`), 404);
    ok(await call(emu, token, "POST", `/clusters/${plain}/backups/${backup.uuid}/restore`), 200);
    ok(await call(emu, token, "GET", `/clusters/${plain}/backups/${backup.uuid}/restore`), 200);
    ok(await call(emu, token, "POST", `/clusters/${plain}/failover`, { backupIds: [backup.uuid], restoreBackupId: backup.uuid }), 422);
    const paired = await createCluster(emu, token, { name: "paired", backupRegionId: "36d1fc9c-9f53-4394-8161-174f786f1a8a" });
    const pb = (await call(emu, token, "POST", `/clusters/${paired}/backups`)).json() as { uuid: string };
    ok(await call(emu, token, "POST", `/clusters/${paired}/failover`, { backupIds: [pb.uuid], restoreBackupId: "other" }), 400);
    ok(await call(emu, token, "POST", `/clusters/${paired}/failover`, { backupIds: [pb.uuid], restoreBackupId: pb.uuid }), 200);
    ok(await call(emu, token, "POST", `/clusters/${paired}/failover`, { backupIds: [pb.uuid], restoreBackupId: pb.uuid }), 409);

    ok(await call(emu, token, "GET", "/activity/json"), 200);
    ok(await call(emu, token, "GET", "/activity/csv"), 200);
    expect(specViolations).toEqual([]);

    // With the first test's operations: every operation of the document answered.
    const operations = Object.values(spec.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId?: string }>).map((o) => o.operationId));
    const answered = new Set([...specCoverage].map((c) => c.split(" ")[0]));
    expect(operations).toHaveLength(43);
    expect(operations.filter((o) => !answered.has(o ?? ""))).toEqual([]);
  });

  it("keeps the status object, links and allowlist as the Cluster schema says", async () => {
    const id = await createCluster(emu, token, { name: "shape" });
    await call(emu, token, "PUT", `/clusters/${id}/ipallowlist`, {
      ipallowlist: [{ ip: "192.0.2.1, 198.51.100.0/24", description: "two" }],
    });
    const c = (await call(emu, token, "GET", `/clusters/${id}`)).json();
    expect(c.status).toEqual({
      ready: "Healthy",
      zeebeStatus: "Healthy",
      operateStatus: "Healthy",
      tasklistStatus: "Healthy",
      optimizeStatus: "Healthy",
      connectorsStatus: "Healthy",
    });
    expect(c.links.zeebe).toBe(`${id}.bru-2.zeebe.camunda.io`);
    expect(c.links.operate).toBe(`https://bru-2.operate.camunda.io/${id}`);
    expect(c.links.tasklist).toBe(`https://bru-2.tasklist.camunda.io/${id}`);
    expect(c.links.optimize).toBe(`https://bru-2.optimize.camunda.io/${id}`);
    expect(c.ipallowlist).toEqual([{ ip: "192.0.2.1, 198.51.100.0/24", description: "two" }]);
    expect(c.ipwhitelist).toEqual(c.ipallowlist);
    expect(c.encryption).toEqual({ type: "Provider", status: "Ready" }); // as the Go client's live-shaped payloads show it
    expect(specViolations).toEqual([]);
  });
});
