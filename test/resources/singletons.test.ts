/**
 * The cluster and organization singletons built on createSingleton (Member, BackupSchedule,
 * ExternalMonitoring, SecureConnectivity): recovery, replacement, lost answers. Each failed on de3da23.
 */
import { providers } from "../../provider/resources";
import { api, h, healthyCluster, interrupted, journal, owner, setup } from "../helpers/lost-answer";

setup();

it("F1 SecureConnectivity: delete of one already deactivated (409 'not activated') is done, not a failure", async () => {
  const clusterId = await healthyCluster("sc1");
  const o = owner("SecureConnectivity", "pl");
  const ins = { clusterId, allowedPrincipals: ["arn:aws:iam::123456789012:root"], __owner: o };
  const created = await providers.secureConnectivity.create((await providers.secureConnectivity.check({}, ins)).inputs);
  await api().setSecureConnectivity(clusterId, undefined); // deactivated out of band
  await expect(providers.secureConnectivity.delete(created.id, created.outs)).resolves.toBeUndefined();
});

it("F2 SecureConnectivity: a lost answer to the activating POST does not wedge the resource", async () => {
  const clusterId = await healthyCluster("sc2");
  const o = owner("SecureConnectivity", "pl");
  const ins = (await providers.secureConnectivity.check({}, { clusterId, allowedPrincipals: ["arn:aws:iam::123456789012:root"], __owner: o })).inputs;
  h.loseAnswer = { method: "POST", path: /secure-connectivity$/, times: 1 };
  // The POST went through; its answer was lost; the idempotent retry gets 409 "already activated".
  let first: unknown;
  try {
    await providers.secureConnectivity.create(ins);
  } catch (e) {
    first = e;
  }
  // Either the first create succeeds, or at least the next `up` of the same resource converges.
  if (first) {
    console.log("first create failed:", String(first));
    const again = providers.secureConnectivity.create(ins);
    await expect(again).resolves.toMatchObject({ id: clusterId });
  }
});

it("F3 createSingleton: an old intent without an id does not vouch for a schedule a person set much later", async () => {
  const clusterId = await healthyCluster("bs1");
  const o = owner("BackupSchedule", "nightly");
  // A run killed 3 hours ago before its PUT went out; a person set a schedule just now.
  journal().record("backup-schedule", o, interrupted({ at: api().serverNow() - 3 * 3600_000, declaration: { key: clusterId }, before: [] }));
  await api().setBackupSchedule(clusterId, "30 4 * * *");
  await expect(providers.backupSchedule.create({ clusterId, schedule: "0 2 * * *", __owner: o })).rejects.toThrow(/exists already/);
  expect(h.emu.state().backupSchedules[clusterId]).toBe("30 4 * * *");
});

it("F4 createSingleton: a recovered schedule is set as declared (state and live agree after the up)", async () => {
  const clusterId = await healthyCluster("bs2");
  const o = owner("BackupSchedule", "nightly");
  journal().record("backup-schedule", o, interrupted({ at: api().serverNow() - 1000, declaration: { key: clusterId }, before: [] }));
  await api().setBackupSchedule(clusterId, "0 2 * * *"); // what the killed run PUT
  // The program now declares another schedule (the declaration of the journal is only the cluster id).
  const created = await providers.backupSchedule.create({ clusterId, schedule: "0 3 * * *", __owner: o });
  expect(created.outs.schedule).toBe("0 3 * * *");
  expect(h.emu.state().backupSchedules[clusterId]).toBe("0 3 * * *");
});

it("F4b createSingleton: a recovered member gets the declared roles", async () => {
  const o = owner("Member", "jane");
  journal().record("member", o, interrupted({ at: api().serverNow() - 1000, declaration: { key: "jane@example.com" }, before: [] }));
  await api().upsertMember("jane@example.com", ["analyst"]); // what the killed run POSTed
  const created = await providers.member.create({ email: "jane@example.com", roles: ["admin"], __owner: o });
  expect(created.outs.roles).toEqual(["admin"]);
  expect(h.emu.state().members.find((m) => m.email === "jane@example.com")?.roles).toEqual(["admin"]);
});

it("F5 journal tombstones block a singleton's key for a week: another resource cannot create a member that no longer exists", async () => {
  const a = owner("Member", "jane", "team-a");
  const ins = { email: "jane@example.com", roles: ["analyst"] };
  const created = await providers.member.create({ ...ins, __owner: a });
  await providers.member.diff(created.id, created.outs, { ...ins, __owner: a }); // engine recorded it: tombstone
  await providers.member.delete(created.id, created.outs); // stack A destroyed: the member is gone
  expect(h.emu.state().members.some((m) => m.email === "jane@example.com")).toBe(false);
  // Stack B (same machine) now declares her: nothing exists, so this is a plain create.
  await expect(providers.member.create({ ...ins, __owner: owner("Member", "jane", "team-b") })).resolves.toMatchObject({ id: "jane@example.com" });
});

it("F6 BackupSchedule replaced in place of itself (pulumi up --replace) deletes first, so the schedule is set again", async () => {
  const clusterId = await healthyCluster("bs3");
  const o = owner("BackupSchedule", "nightly");
  const ins = { clusterId, schedule: "0 2 * * *", adoptExisting: true, __owner: o };
  const old = await providers.backupSchedule.create(ins);
  await providers.backupSchedule.diff(old.id, old.outs, ins);
  // One schedule per cluster: a replacement must delete the old one first, or its delete would remove the new one.
  const d = await providers.backupSchedule.diff(old.id, old.outs, ins);
  expect(d.deleteBeforeReplace).toBe(true);
  await providers.backupSchedule.delete(old.id, old.outs);
  const replacement = await providers.backupSchedule.create(ins);
  expect(replacement.id).toBe(clusterId);
  expect(h.emu.state().backupSchedules[clusterId]).toBe("0 2 * * *");
});

it("F6c BackupSchedule renamed (a new resource adopting it, the old one deleted later in the run) keeps the schedule", async () => {
  const clusterId = await healthyCluster("bs4");
  const before = owner("BackupSchedule", "nightly");
  const after = owner("BackupSchedule", "nightly-renamed");
  const old = await providers.backupSchedule.create({ clusterId, schedule: "0 2 * * *", __owner: before });
  await providers.backupSchedule.diff(old.id, old.outs, { clusterId, schedule: "0 2 * * *", __owner: before });
  const declared = await providers.backupSchedule.check({}, { clusterId, schedule: "0 2 * * *", adoptExisting: true, __owner: after });
  expect(declared.failures ?? []).toEqual([]); // the program declares only the new name
  const renamed = await providers.backupSchedule.create(declared.inputs);
  await providers.backupSchedule.delete(old.id, old.outs); // the engine deletes the old name at the end of the run
  expect(renamed.id).toBe(clusterId);
  expect(h.emu.state().backupSchedules[clusterId]).toBe("0 2 * * *");
});

it("F6b Member replaced in place of itself (pulumi up --replace) without adoptExisting succeeds", async () => {
  const o = owner("Member", "bob");
  const ins = { email: "bob@example.com", roles: ["analyst"], __owner: o };
  const old = await providers.member.create(ins);
  await providers.member.diff(old.id, old.outs, ins);
  const d = await providers.member.diff(old.id, old.outs, ins);
  // Either the replacement deletes first, or the create of the replacement must not fail.
  if (!d.deleteBeforeReplace) await expect(providers.member.create(ins)).resolves.toMatchObject({ id: "bob@example.com" });
});

it("F7 Member.get with the e-mail as the person typed it (mixed case) finds the member", async () => {
  await api().upsertMember("jane@example.com", ["analyst"]);
  const got = await providers.member.read("Jane@Example.com", {});
  expect(got.id).toBeDefined();
});

it("F8 SecureConnectivity: a principal listed twice fails the preview, naming the field and the fix", async () => {
  const clusterId = await healthyCluster("sc3");
  const o = owner("SecureConnectivity", "pl");
  const a = "arn:aws:iam::111111111111:root";
  const b = "arn:aws:iam::222222222222:root";
  const checked = await providers.secureConnectivity.check({}, { clusterId, allowedPrincipals: [a, b], __owner: o });
  const created = await providers.secureConnectivity.create(checked.inputs);
  // The program drops b and a typo leaves a twice: refused, so b is never silently kept or dropped.
  const next = await providers.secureConnectivity.check(checked.inputs, { clusterId, allowedPrincipals: [a, a], __owner: o });
  expect(next.failures).toEqual([
    { property: "allowedPrincipals", reason: expect.stringMatching(/allowedPrincipals.*twice: remove the duplicate/) },
  ]);
  const d = await providers.secureConnectivity.diff(created.id, created.outs, { ...checked.inputs, allowedPrincipals: [a] });
  expect(d.changes).toBe(true);
});
