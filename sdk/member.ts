import * as pulumi from "@pulumi/pulumi";
import type { MemberArgs } from "./args";
import { resourceProps } from "./outputs";
import memberShim = require("./shims/member");

const OUTPUTS = ["email", "roles", "invitePending", "adoptExisting", "adopted"] as const;

/**
 * A member of the organization (invited by e-mail) and their roles, updated in place. A person who is a member
 * already is taken over only with `adoptExisting: true`; destroying the resource removes the member.
 *
 * Id: the e-mail address. Read an existing one with `Member.get(name, id)`.
 */
export class Member extends pulumi.dynamic.Resource {
  declare public readonly email: pulumi.Output<string>;
  declare public readonly roles: pulumi.Output<string[]>;
  declare public readonly invitePending: pulumi.Output<boolean>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  declare public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: MemberArgs, opts?: pulumi.CustomResourceOptions) {
    super(memberShim, name, resourceProps("Member", name, args, OUTPUTS, opts), opts, "camunda", "Member");
  }

  public static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Member {
    return new Member(name, {} as MemberArgs, { ...opts, id });
  }
}
