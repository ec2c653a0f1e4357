/**
 * The comparison of the review with a Terraform plan (review/terraform-judge.ts): which
 * action each side gives an address, and how the agreement is counted. The plans here are written
 * by hand in the shape of `terraform show -json`; the real provider runs in the slow review tests.
 */
import { compareStack, summarize, terraformAction } from "../review/terraform-judge";
import type { StackReview } from "../review/types";

const change = (address: string, action: string, extra: Record<string, unknown> = {}) => ({ address, type: address.split(".")[0], name: address.split(".")[1], mode: "managed", action, attributes: [], protected: false, preventDestroy: false, ...extra });
const stack = (changes: unknown[]): StackReview => ({ name: "dev", status: "changed", changes, notes: [], counts: { added: 0, changed: 0, removed: 0, replaced: 0, unknown: 0 }, environments: [] }) as unknown as StackReview;
const planned = (address: string, actions: string[]) => ({ address, mode: "managed" as const, actions, unknown: [] });

describe("Terraform's action of a planned change", () => {
  test("delete-then-create and create-then-delete are replacements; no-op and read are none", () => {
    expect(terraformAction(["delete", "create"])).toBe("replace");
    expect(terraformAction(["create", "delete"])).toBe("replace");
    expect(terraformAction(["no-op"])).toBe("none");
    expect(terraformAction(["update"])).toBe("update");
  });
});

describe("comparing a review with a plan", () => {
  test("counts agreement per address and per replacement, and names each disagreement", () => {
    // GIVEN a review with an update, a replacement and an address change, and a plan that replaces one more
    const s = stack([change("aws_mwaa_environment.env", "update"), change("aws_lb.alb", "replace"), change("aws_iam_role.new", "replace", { addressChange: { from: "aws_iam_role.old", to: "aws_iam_role.new" } })]);
    const plan = [planned("aws_mwaa_environment.env", ["update"]), planned("aws_lb.alb", ["create", "delete"]), planned("aws_iam_role.old", ["delete"]), planned("aws_iam_role.new", ["create"]), planned("aws_lb_listener.l", ["delete", "create"]), planned("aws_vpc.v", ["no-op"])];
    // WHEN compared
    const j = summarize(compareStack(s, plan, new Set()), "5.100.0", []);
    // THEN 4 of 5 addresses agree, 1 of 2 replacements, and the listener is the disagreement
    expect(j).toMatchObject({ agreed: 4, total: 5, replacementsAgreed: 1, replacements: 2 });
    expect(j.disagreements).toEqual([{ stack: "dev", address: "aws_lb_listener.l", review: "none", terraform: "replace", deferredRead: false }]);
  });

  test("an update only a deferred read causes is explained, not counted; unsettled addresses are left out", () => {
    // GIVEN the review's deferred-read note on a role policy, and an address the crafted state did not settle
    const s = stack([change("aws_iam_role_policy.p", "update", { note: "the plan shows an update here (known after apply: it reads `data.aws_iam_policy_document.d` at apply); the document is unchanged" })]);
    const plan = [planned("aws_iam_role_policy.p", ["update"]), planned("aws_lb_target_group.tg", ["delete", "create"])];
    // WHEN compared
    const j = summarize(compareStack(s, plan, new Set(["aws_lb_target_group.tg"])), "5.100.0", ["aws_lb_target_group.tg"]);
    // THEN nothing is counted, the policy is explained, and nothing disagrees
    expect(j).toMatchObject({ agreed: 0, total: 0, disagreements: [] });
    expect(j.explained.map((v) => v.address)).toEqual(["aws_iam_role_policy.p"]);
  });
});
