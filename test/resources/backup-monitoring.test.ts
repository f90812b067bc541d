/**
 * Backup and MonitoringClient creates against refusals, lost answers and failed backups: a refused POST is retried and
 * never adopts what someone else made, a failed backup is removed and not re-adopted, a client whose password cannot
 * be had is not left behind. Each failed on 151b4fb.
 */
import { CamundaApiError } from "../../provider/errors";
import { ConsoleClient } from "../../provider/http/console-client";
import { providers } from "../../provider/resources";
import { api, h, healthyCluster, interrupted, journal, owner, setup } from "../helpers/lost-answer";

setup();
afterEach(() => jest.restoreAllMocks());

it("Backup: a POST turned away (429) never adopts a backup someone else took meanwhile", async () => {
  const clusterId = await healthyCluster("b-foreign");
  const other = api();
  const original = ConsoleClient.prototype.createBackup;
  let foreignId: string | undefined;
  jest.spyOn(ConsoleClient.prototype, "createBackup").mockImplementationOnce(async function (id: string) {
    // The cluster's schedule (or a colleague) takes a backup while this POST is refused: nothing was created by it.
    foreignId = (await original.call(other, id)).uuid;
    throw new CamundaApiError({ method: "POST", path: `/clusters/${id}/backups`, status: 429, serviceMessage: "Too Many Requests" });
  });
  const ins = (await providers.backup.check({}, { clusterId, trigger: "v1", __owner: owner("Backup", "pre-release") })).inputs;
  let created: Awaited<ReturnType<typeof providers.backup.create>> | undefined;
  try {
    created = await providers.backup.create(ins);
  } catch {
    // failing is fine; adopting is not
  }
  expect(foreignId).toBeDefined();
  expect(created?.outs.backupId).not.toBe(foreignId);
});

it("Backup: after a backup ended Failed, the next up takes a new backup (the failed one is not re-adopted forever)", async () => {
  const clusterId = await healthyCluster("b-failed");
  const o = owner("Backup", "nightly");
  const ins = (await providers.backup.check({}, { clusterId, trigger: "v1", __owner: o })).inputs;
  h.emu.failBackups(clusterId);
  await expect(providers.backup.create(ins)).rejects.toThrow(/failed/);
  expect(h.emu.state().backups[clusterId]).toEqual([]); // this resource's failed backup is removed
  // No journal entry is left for the next `up` (another process) to adopt the failed backup by.
  expect(journal().find("backup", o)).toBeUndefined();
  h.emu.failBackups(clusterId, false); // the cause is repaired
  const again = await providers.backup.create(ins);
  expect(again.outs.status).toMatch(/complete/i);
  // The failed backup was this resource's: removed, not left behind.
  expect(h.emu.state().backups[clusterId].map((b) => b.uuid)).toEqual([again.outs.backupId]);
});

it("Backup: the backup an interrupted run took that has failed since is removed, not adopted", async () => {
  const clusterId = await healthyCluster("b-failed-since");
  const o = owner("Backup", "nightly");
  h.emu.failBackups(clusterId);
  const theirs = await api().createBackup(clusterId); // what the killed run's POST made
  await new Promise((r) => setTimeout(r, 500)); // it fails (backupMs 300)
  journal().record("backup", o, interrupted({ id: theirs.uuid, at: api().serverNow() - 1000, declaration: { clusterId, trigger: "v1" }, before: [] }));
  h.emu.failBackups(clusterId, false);
  const ins = (await providers.backup.check({}, { clusterId, trigger: "v1", __owner: o })).inputs;
  const created = await providers.backup.create(ins);
  expect(created.outs.backupId).not.toBe(theirs.uuid);
  expect(h.emu.state().backups[clusterId].map((b) => b.uuid)).toEqual([created.outs.backupId]);
});

it("MonitoringClient: a create turned away with 429 (the live API's rate limit) is retried, not failed", async () => {
  const clusterId = await healthyCluster("mc-429");
  h.emu.setFaults({ rateLimit: { rate: 1, times: 1, retryAfterSeconds: 0, routes: [{ method: "POST", path: "/monitoring/clients$" }] } });
  const ins = (await providers.monitoringClient.check({}, { clusterId, username: "prometheus", __owner: owner("MonitoringClient", "prom") })).inputs;
  const created = await providers.monitoringClient.create(ins);
  expect(created.outs.password).not.toBe("");
});

it("Backup: a create turned away with 429 is retried, not failed", async () => {
  const clusterId = await healthyCluster("b-429");
  h.emu.setFaults({ rateLimit: { rate: 1, times: 1, retryAfterSeconds: 0, routes: [{ method: "POST", path: "/backups$" }] } });
  const ins = (await providers.backup.check({}, { clusterId, trigger: "v1", __owner: owner("Backup", "b") })).inputs;
  await expect(providers.backup.create(ins)).resolves.toBeDefined();
});

it("MonitoringClient: when the password of a client found after a lost answer cannot be had, the client is not left behind", async () => {
  const clusterId = await healthyCluster("mc-rotate");
  const ins = (await providers.monitoringClient.check({}, { clusterId, username: "prometheus", __owner: owner("MonitoringClient", "prom") })).inputs;
  h.loseAnswer = { method: "POST", path: /monitoring\/clients$/, times: 1 };
  h.emu.setFaults({ serverError: { rate: 1, times: 100, routes: [{ method: "POST", path: "/rotate$" }] } });
  await expect(providers.monitoringClient.create(ins)).rejects.toThrow();
  expect((await api().listMonitoringClients(clusterId)).clients).toEqual([]);
  h.emu.setFaults({});
  const created = await providers.monitoringClient.create(ins);
  expect((await api().listMonitoringClients(clusterId)).clients.map((c) => c.uuid)).toEqual([created.outs.clientUuid]);
});

it("Backup: one still in progress when the wait runs out is kept in the stack, and the next up waits for it", async () => {
  const clusterId = await healthyCluster("slow-backup");
  const raw = { clusterId, trigger: "v1", waitTimeoutMinutes: 0.001, __owner: owner("Backup", "b"), __provider: "serialized" };
  const checked = await providers.backup.check({}, raw);
  // The engine hands create the checked inputs with the serialized provider put back.
  const err = (await providers.backup.create({ ...checked.inputs, __provider: raw.__provider }).then(
    () => undefined,
    (e: unknown) => e,
  )) as { message: string; id?: string; properties?: Record<string, unknown> } | undefined;
  expect(err?.message).toMatch(/still In progress .* kept in the stack/);
  const backups = await api().listBackups(clusterId);
  expect(backups).toHaveLength(1);
  // The engine keeps a failed create in the stack only when the error carries the id and the properties.
  expect(err?.id).toBe(`${clusterId}/${backups[0].uuid}`);
  expect(err?.properties).toMatchObject({ backupId: backups[0].uuid, __awaiting: true, __owner: raw.__owner, __provider: "serialized" });
  // The next preview plans the wait; the up waits until it is complete; then nothing is left to do.
  const olds = err!.properties!;
  const news = (await providers.backup.check(olds, { ...raw, waitTimeoutMinutes: 1 })).inputs;
  expect((await providers.backup.diff(err!.id!, olds, news)).changes).toBe(true);
  const updated = await providers.backup.update(err!.id!, olds, news);
  expect(updated.outs).toMatchObject({ backupId: backups[0].uuid, status: "Complete" });
  expect(updated.outs?.__awaiting).toBeUndefined();
  expect((await providers.backup.diff(err!.id!, updated.outs!, news)).changes).toBe(false);
  // Destroying the resource removes the backup it took.
  await providers.backup.delete(err!.id!, updated.outs!);
  expect(await api().listBackups(clusterId)).toEqual([]);
});
