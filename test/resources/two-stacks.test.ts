/**
 * Two stacks of one project in one folder with one credential, for the singletons and backups of the Console API:
 * a destroy never removes what another stack created or adopted since (the folder's journal says so), recovery never
 * takes another stack's backup, a finished create of another stack never blocks a plain create of what is gone, a
 * rename keeps its object whatever a refresh recorded; and two unknown list elements are not "listed twice". Each
 * stack runs in its own provider process: claims are cleared between them. Each failed on d81d909; the last three
 * (a delete keeps an object only while another resource still manages it) failed on 34f03d2.
 */
import { providers } from "../../provider/resources";
import { clearClaims } from "../../provider/resources/ownership";
import { api, h, healthyCluster, interrupted, journal, owner, setup, UNKNOWN } from "../helpers/lost-answer";

setup();

type P = (typeof providers)[keyof typeof providers];

/** One `up` of one stack that declares `raw` (a new process: its own claims); the engine records the object. */
async function up(p: P, raw: Record<string, unknown>) {
  clearClaims();
  const checked = await p.check({}, raw);
  expect(checked.failures ?? []).toEqual([]);
  const created = await p.create(checked.inputs);
  clearClaims();
  await p.diff(created.id, created.outs, checked.inputs); // the next preview: the engine recorded it
  return created;
}

it("Member: stack A's destroy does not remove the member stack B invited after A's was removed in the Console", async () => {
  const email = "jane@example.com";
  const a = await up(providers.member, { email, roles: ["analyst"], __owner: owner("Member", "jane", "stack-a") });
  await api().deleteMember(email); // she left; an admin removed her in the Console
  await up(providers.member, { email, roles: ["admin"], __owner: owner("Member", "jane", "stack-b") }); // a plain create
  clearClaims();
  await providers.member.delete(a.id, a.outs); // `pulumi destroy` of stack A
  expect(h.emu.state().members.find((m) => m.email === email)?.roles).toEqual(["admin"]);
});

it("BackupSchedule: stack A's destroy does not remove the schedule stack B set after A's was removed in the Console", async () => {
  const clusterId = await healthyCluster("shared-d2");
  const a = await up(providers.backupSchedule, { clusterId, schedule: "0 2 * * *", __owner: owner("BackupSchedule", "nightly", "stack-a") });
  await api().deleteBackupSchedule(clusterId); // removed in the Console
  await up(providers.backupSchedule, { clusterId, schedule: "0 3 * * *", __owner: owner("BackupSchedule", "nightly", "stack-b") });
  clearClaims();
  await providers.backupSchedule.delete(a.id, a.outs); // `pulumi destroy` of stack A
  expect(h.emu.state().backupSchedules[clusterId]).toBe("0 3 * * *");
});

it("SecureConnectivity moved to stack B (adoptExisting there), then removed from stack A: A's up does not deactivate what B now manages", async () => {
  const clusterId = await healthyCluster("shared-d3");
  const spec = { clusterId, allowedPrincipals: ["123456789012"] };
  const a = await up(providers.secureConnectivity, { ...spec, __owner: owner("SecureConnectivity", "pl", "stack-a") });
  await up(providers.secureConnectivity, { ...spec, adoptExisting: true, __owner: owner("SecureConnectivity", "pl", "stack-b") });
  clearClaims();
  await providers.secureConnectivity.delete(a.id, a.outs); // stack A's program no longer declares it
  expect((await api().getSecureConnectivity(clusterId)).status.spec?.allowedPrincipals).toEqual(["123456789012"]);
});

const backupA = owner("Backup", "pre-release", "stack-a");
const backupB = owner("Backup", "pre-release", "stack-b");

async function upA(clusterId: string, trigger: string) {
  const checked = await providers.backup.check({}, { clusterId, trigger, __owner: backupA });
  expect(checked.failures ?? []).toEqual([]);
  return providers.backup.create(checked.inputs);
}

it("Backup: stack A's recovery does not take the backup stack B's interrupted create took (B declared another trigger)", async () => {
  const clusterId = await healthyCluster("shared-b1");
  const now = api().serverNow();
  // Both stacks ran `up` on one machine when it was killed: A before its POST went out, B after its POST landed.
  journal().record("backup", backupA, interrupted({ at: now - 60_000, declaration: { clusterId, trigger: "v1" }, before: [] }));
  journal().record("backup", backupB, interrupted({ at: now - 30_000, declaration: { clusterId, trigger: "v2" }, before: [] }));
  const bs = await api().createBackup(clusterId); // B's POST
  const created = await upA(clusterId, "v1");
  // B's backup may be B's own (it appeared after B's intent): A must not take it (A's destroy would delete it).
  expect(created.outs.backupId).not.toBe(bs.uuid);
});

it("Backup: re-run an hour later, stack A's recovery does not take the backup stack B's interrupted create of the same declaration took", async () => {
  const clusterId = await healthyCluster("shared-b2");
  const real = Date.now;
  const t0 = real() - 3600_000; // the machine was killed an hour ago
  journal().record("backup", backupA, interrupted({ at: t0, declaration: { clusterId, trigger: "v1" }, before: [] }));
  journal().record("backup", backupB, interrupted({ at: t0 + 30_000, declaration: { clusterId, trigger: "v1" }, before: [] }));
  // B's POST landed a minute after A's intent (the emulator shares this process's clock).
  Date.now = () => real() - 3600_000 + 60_000;
  let bs: { uuid: string };
  try {
    bs = await api().createBackup(clusterId);
  } finally {
    Date.now = real;
  }
  const created = await upA(clusterId, "v1");
  expect(created.outs.backupId).not.toBe(bs.uuid);
});

it("SecureConnectivity: two principals unknown at preview (two IAM roles created in the same program) do not fail the preview", async () => {
  const checked = await providers.secureConnectivity.check({}, { clusterId: "c-1", allowedPrincipals: [UNKNOWN, UNKNOWN], __owner: owner("SecureConnectivity", "pl") });
  expect(checked.failures ?? []).toEqual([]);
});

it("SecureConnectivity: two regions unknown at preview do not fail the preview", async () => {
  const checked = await providers.secureConnectivity.check({}, {
    clusterId: "c-1",
    allowedPrincipals: ["123456789012"],
    allowedRegions: [UNKNOWN, UNKNOWN],
    __owner: owner("SecureConnectivity", "pl"),
  });
  expect(checked.failures ?? []).toEqual([]);
});

it("Member: stack A's not-yet-recorded entry does not block stack B's plain create of a member who no longer exists", async () => {
  const email = "jane@example.com";
  const ins = { email, roles: ["analyst"] };
  await providers.member.create((await providers.member.check({}, { ...ins, __owner: owner("Member", "jane", "stack-a") })).inputs);
  await api().deleteMember(email); // removed in the Console
  clearClaims(); // stack B: another provider process
  const checked = await providers.member.check({}, { ...ins, __owner: owner("Member", "jane", "stack-b") });
  await expect(providers.member.create(checked.inputs)).resolves.toMatchObject({ id: email });
  expect(h.emu.state().members.some((m) => m.email === email)).toBe(true);
});

it("BackupSchedule: the same for a schedule removed in the Console", async () => {
  const clusterId = await healthyCluster("j2");
  const ins = { clusterId, schedule: "0 2 * * *" };
  await providers.backupSchedule.create((await providers.backupSchedule.check({}, { ...ins, __owner: owner("BackupSchedule", "s", "stack-a") })).inputs);
  await api().deleteBackupSchedule(clusterId);
  clearClaims();
  const checked = await providers.backupSchedule.check({}, { ...ins, __owner: owner("BackupSchedule", "s", "stack-b") });
  await expect(providers.backupSchedule.create(checked.inputs)).resolves.toMatchObject({ id: clusterId });
});

it("Member renamed (adopted by the new name) after a refresh recorded a non-assignable role: the old name's delete keeps her", async () => {
  const email = "jane@example.com";
  const before = owner("Member", "jane");
  const after = owner("Member", "jane-renamed");
  const old = await providers.member.create((await providers.member.check({}, { email, roles: ["analyst"], __owner: before })).inputs);
  await providers.member.diff(old.id, old.outs, { email, roles: ["analyst"], __owner: before });
  // What `pulumi refresh` records when the Console lists her with a role outside the assignable ones.
  clearClaims(); // the next run is a new provider process
  const refreshed = { ...old.outs, roles: ["supportagent"] };
  // The run that renames: the new name adopts her, the old name is deleted at the end of the run.
  const declared = await providers.member.check({}, { email, roles: ["analyst"], adoptExisting: true, __owner: after });
  expect(declared.failures ?? []).toEqual([]);
  await providers.member.create(declared.inputs);
  await providers.member.delete(old.id, refreshed);
  expect(h.emu.state().members.some((m) => m.email === email)).toBe(true);
});

const has = (email: string) => h.emu.state().members.some((m) => m.email === email);

it("two stacks: after A's destroy kept B's member, B's own destroy removes her (nothing else manages her)", async () => {
  const email = "jane@example.com";
  const a = await up(providers.member, { email, roles: ["analyst"], __owner: owner("Member", "jane", "stack-a") });
  await api().deleteMember(email);
  const b = await up(providers.member, { email, roles: ["admin"], __owner: owner("Member", "jane", "stack-b") });
  clearClaims();
  await providers.member.delete(a.id, a.outs); // destroy A: kept (B's)
  expect(has(email)).toBe(true);
  clearClaims();
  await providers.member.delete(b.id, b.outs); // destroy B: B is the only manager
  expect(has(email)).toBe(false);
});

it("single stack create -> rename (adoptExisting) -> destroy: the member is removed", async () => {
  const email = "jane@example.com";
  await up(providers.member, { email, roles: ["analyst"], adoptExisting: true, __owner: owner("Member", "jane") });
  // rename run: new name adopts, old name deleted (kept via the in-run claim)
  clearClaims();
  const checked = await providers.member.check({}, { email, roles: ["analyst"], adoptExisting: true, __owner: owner("Member", "jane2") });
  expect(checked.failures ?? []).toEqual([]);
  const renamed = await providers.member.create(checked.inputs);
  await providers.member.delete(email, { email, roles: ["analyst"], adoptExisting: true, __owner: owner("Member", "jane") });
  expect(has(email)).toBe(true);
  // later: pulumi destroy
  clearClaims();
  await providers.member.delete(renamed.id, renamed.outs);
  expect(has(email)).toBe(false);
});

it("single stack rename, then change the e-mail: the old address is removed (no timing involved)", async () => {
  const x = "jane@example.com";
  const y = "jane.doe@example.com";
  await up(providers.member, { email: x, roles: ["analyst"], __owner: owner("Member", "jane") });
  clearClaims();
  const checked = await providers.member.check({}, { email: x, roles: ["analyst"], adoptExisting: true, __owner: owner("Member", "jane2") });
  const renamed = await providers.member.create(checked.inputs);
  await providers.member.delete(x, { email: x, roles: ["analyst"], __owner: owner("Member", "jane") });
  clearClaims();
  await providers.member.diff(renamed.id, renamed.outs, checked.inputs);
  // next run: email x -> y (replace, create before delete since the email differs)
  clearClaims();
  const next = await providers.member.check(renamed.outs, { email: y, roles: ["analyst"], adoptExisting: true, __owner: owner("Member", "jane2") });
  expect(next.failures ?? []).toEqual([]);
  await providers.member.create(next.inputs);
  await providers.member.delete(renamed.id, renamed.outs);
  expect(has(y)).toBe(true);
  expect(has(x)).toBe(false);
});
