/**
 * `camunda.Member`: a member of the organization (invited by e-mail) and their roles, updated in place
 * (POST /members/{email} sets them). A person who is a member already is someone else's to manage: the create fails
 * unless `adoptExisting: true` takes their roles over. "No open seats" is explained. Id: the e-mail address.
 */
import { CamundaApiError, expected } from "../errors";
import { consoleClient, progress } from "./context";
import { DISCOURAGED_ROLES, memberInputsSchema } from "./inputs";
import { defineResource } from "./lifecycle";
import { createSingleton } from "./recovery";

const sameRoles = (a: unknown, b: unknown) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((r) => b.includes(r));

async function setRoles(email: string, roles: string[]): Promise<void> {
  const discouraged = roles.filter((r) => DISCOURAGED_ROLES.includes(r));
  if (discouraged.length) progress(`member ${email}: the role${discouraged.length > 1 ? "s" : ""} ${discouraged.join(", ")} ${discouraged.length > 1 ? "are" : "is"} no longer recommended since Camunda 8.8`);
  try {
    await consoleClient().upsertMember(email, roles);
  } catch (err) {
    if (err instanceof CamundaApiError && err.status === 403 && /seat/i.test(err.serviceMessage)) {
      throw expected(new Error(`Member ${email} cannot be invited: the organization has no open seat left. Free one (Console → Organization → Users) or add seats to the plan, then run \`pulumi up\` again`));
    }
    throw err;
  }
}

async function findMember(email: string) {
  return (await consoleClient().listMembers()).find((m) => m.email.toLowerCase() === email);
}

export const memberProvider = defineResource({
  type: "Member",
  kind: "member",
  journalId: (id) => id.toLowerCase(),
  inputs: memberInputsSchema,
  replaceOn: ["email"],
  // One member per address: a replacement that keeps it (`pulumi up --replace`) removes first, then invites.
  deleteBeforeReplace: (olds, news) => olds.email === news.email,
  same: { roles: (news, olds) => sameRoles(news, olds.roles), adoptExisting: (news, olds) => (news ?? false) === (olds.adoptExisting ?? false) },
  sharedId: (id) => `member/${id.toLowerCase()}`,
  claims: ({ email }) => [{ key: `member/${email}`, property: "email", what: `the member ${email}`, fix: "declare each member once" }],
  create: async (ins, { ownership }) => {
    const { adopted } = await createSingleton({
      kind: "member",
      ownership,
      key: ins.email,
      what: `the member ${ins.email}`,
      adoptExisting: ins.adoptExisting === true,
      exists: async () => (await findMember(ins.email)) !== undefined,
      create: () => setRoles(ins.email, ins.roles),
    });
    return { id: ins.email, outs: { ...ins, invitePending: !adopted, ...(adopted ? { adopted: true } : {}) } };
  },
  read: async (rawId, props) => {
    // E-mail addresses are compared in lower case (`Member.get("Jane@Example.com")` too).
    const id = rawId.toLowerCase();
    const m = await findMember(id);
    if (!m) return undefined;
    const recorded = Array.isArray(props.roles) ? props.roles.map(String) : [];
    const roles = sameRoles(m.roles, recorded) ? recorded : m.roles;
    return { email: id, roles, invitePending: m.invitePending ?? false, ...(props.adoptExisting !== undefined ? { adoptExisting: props.adoptExisting } : {}), ...(props.adopted ? { adopted: true } : {}) };
  },
  update: async (_id, olds, ins) => {
    if (!sameRoles(ins.roles, olds.roles)) await setRoles(ins.email, ins.roles);
    return { ...ins, invitePending: olds.invitePending === true, ...(olds.adopted ? { adopted: true } : {}) };
  },
  delete: (id) => consoleClient().deleteMember(id.toLowerCase()),
});
