/**
 * The comparison of the review with a Terraform plan (review/terraform-judge.ts): which
 * action each side gives an address, and how the agreement is counted. The plans here are written
 * by hand in the shape of `terraform show -json`; the real provider runs in the slow review tests.
 */
import {
  argumentsMissingFrom,
  compareStack,
  judgementMarkdown,
  summarize,
  terraformAction,
} from "../review/terraform-judge";
import { sensitivePaths } from "../terraform-check/simulated-plan";
import type { StackReview, TerraformDoc } from "../review/types";
import { diffStacks } from "../review/diff";

const change = (address: string, action: string, extra: Record<string, unknown> = {}) => ({
  address,
  type: address.split(".")[0],
  name: address.split(".")[1],
  mode: "managed",
  action,
  attributes: [],
  protected: false,
  preventDestroy: false,
  ...extra,
});
const stack = (changes: unknown[]): StackReview =>
  ({
    name: "dev",
    status: "changed",
    changes,
    notes: [],
    counts: { added: 0, changed: 0, removed: 0, replaced: 0, unknown: 0 },
    environments: [],
  }) as unknown as StackReview;
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
    const s = stack([
      change("aws_mwaa_environment.env", "update"),
      change("aws_lb.alb", "replace"),
      change("aws_iam_role.new", "replace", { addressChange: { from: "aws_iam_role.old", to: "aws_iam_role.new" } }),
    ]);
    const plan = [
      planned("aws_mwaa_environment.env", ["update"]),
      planned("aws_lb.alb", ["create", "delete"]),
      planned("aws_iam_role.old", ["delete"]),
      planned("aws_iam_role.new", ["create"]),
      planned("aws_lb_listener.l", ["delete", "create"]),
      planned("aws_vpc.v", ["no-op"]),
    ];
    // WHEN compared
    const j = summarize(compareStack(s, plan, new Set()), "5.100.0", []);
    // THEN 4 of 5 addresses agree, 1 of 2 replacements, and the listener is the disagreement
    expect(j).toMatchObject({ agreed: 4, total: 5, replacementsAgreed: 1, replacements: 2 });
    expect(j.disagreements).toEqual([
      { stack: "dev", address: "aws_lb_listener.l", review: "none", terraform: "replace", deferredRead: false },
    ]);
  });

  test("an update only a deferred read causes is explained, not counted; unsettled addresses are left out", () => {
    // GIVEN the review's deferred-read note on a role policy, and an address the crafted state did not settle
    const s = stack([
      change("aws_iam_role_policy.p", "update", {
        note: "the plan shows an update here (known after apply: it reads `data.aws_iam_policy_document.d` at apply); the document is unchanged",
      }),
    ]);
    const plan = [
      planned("aws_iam_role_policy.p", ["update"]),
      planned("aws_lb_target_group.tg", ["delete", "create"]),
    ];
    // WHEN compared
    const j = summarize(compareStack(s, plan, new Set(["aws_lb_target_group.tg"])), "5.100.0", [
      "aws_lb_target_group.tg",
    ]);
    // THEN nothing is counted, the policy is explained, and nothing disagrees
    expect(j).toMatchObject({ agreed: 0, total: 0, disagreements: [] });
    expect(j.explained.map((v) => v.address)).toEqual(["aws_iam_role_policy.p"]);
  });
});

describe("the crafted state's sensitive paths", () => {
  test("follow the plan's after_sensitive marks as get_attr and index steps", () => {
    // GIVEN the marks `terraform show -json` gives an MWAA environment (a sensitive map, a nested list)
    const marks = {
      airflow_configuration_options: true,
      logging_configuration: [{ task_logs: [{}] }],
      tags: {},
      x: [false, true],
    };
    // WHEN turned into the state's sensitive_attributes
    // THEN one path per true mark, none for empty or false ones
    expect(sensitivePaths(marks)).toEqual([
      [{ type: "get_attr", value: "airflow_configuration_options" }],
      [
        { type: "get_attr", value: "x" },
        { type: "index", value: { value: 1, type: "number" } },
      ],
    ]);
    expect(sensitivePaths(undefined)).toEqual([]);
  });
});

describe("what a provider other than the pinned one leaves unchecked", () => {
  test("names the pinned version's arguments the provider's schema lacks, and a missing type whole", () => {
    // GIVEN a schema whose aws_mwaa_environment lacks `region` and that has no aws_lb at all
    const schema = { resource_schemas: { aws_mwaa_environment: { block: { attributes: { name: {} } } } } };
    // WHEN compared with the 6.25.0 arguments
    const missing = argumentsMissingFrom(schema);
    // THEN both are named, and the judgement says so beside the version
    expect(missing).toEqual(expect.arrayContaining(["aws_mwaa_environment.region", "aws_lb (the whole type)"]));
    expect(missing).not.toContain("aws_mwaa_environment.name");
    const lines = judgementMarkdown(summarize([], "5.100.0", []), "6.25.0", ["aws_mwaa_environment.region"]);
    expect(lines.join("\n")).toContain("6.25.0 has and 5.100.0 lacks: aws_mwaa_environment.region");
  });
});

describe("a change the provider decides by asking AWS", () => {
  test("is explained, not counted, when the review leaves it to the plan", () => {
    // GIVEN an instance type change the review calls not known (the provider asks EC2 for the types' architectures)
    const s = stack([
      change("aws_instance.host", "unknown", {
        attributes: [{ path: "instance_type", before: "t3.nano", after: "t3a.nano", unknown: "asks AWS" }],
      }),
    ]);
    // WHEN Terraform, without AWS, plans an update
    const j = summarize(compareStack(s, [planned("aws_instance.host", ["update"])], new Set()), "5.100.0", []);
    // THEN it is explained, not a disagreement, and the judgement says why
    expect(j).toMatchObject({ agreed: 0, total: 0, disagreements: [] });
    expect(j.explained).toEqual([expect.objectContaining({ address: "aws_instance.host", asksAws: true })]);
    expect(judgementMarkdown(j, "6.25.0").join("\n")).toContain("because the provider asks AWS");
  });

  test("still counts when another attribute is not known for another reason", () => {
    // GIVEN an unknown change whose attribute no askAws rule names
    const s = stack([
      change("aws_instance.host", "unknown", {
        attributes: [{ path: "user_data_replace_on_change", unknown: "not read" }],
      }),
    ]);
    // WHEN Terraform plans an update
    const j = summarize(compareStack(s, [planned("aws_instance.host", ["update"])], new Set()), "5.100.0", []);
    // THEN it is a disagreement
    expect(j.disagreements).toHaveLength(1);
  });
});

describe("an ignored attribute fed by a data source read anew", () => {
  test("is no change of the resource, as Terraform plans it", () => {
    // GIVEN an instance whose ami comes from an SSM parameter and is in lifecycle.ignore_changes, and a head that reads another parameter
    const doc = (name: string) =>
      ({
        data: { aws_ssm_parameter: { p: { name } } },
        resource: {
          aws_instance: {
            h: {
              ami: "${data.aws_ssm_parameter.p.insecure_value}",
              instance_type: "t3.nano",
              lifecycle: { ignore_changes: ["ami"] },
            },
          },
        },
      }) as unknown as TerraformDoc;
    // WHEN reviewed
    const r = diffStacks({ s: doc("/aws/arm64") }, { s: doc("/aws/x86_64") });
    // THEN the instance is not replaced nor "not known": the ami change is marked ignored
    const instance = r.stacks[0]?.changes.find((c) => c.address === "aws_instance.h");
    expect(instance?.action).not.toMatch(/replace|unknown|update/);
    expect(instance?.attributes).toEqual([expect.objectContaining({ path: "ami", ignored: true })]);
  });
});

describe("an update Terraform ignores", () => {
  test("is explained when the review shows it and Terraform plans none", () => {
    // GIVEN an environment whose airflow_version change is in lifecycle.ignore_changes (npm run upgrade makes it)
    const s = stack([
      change("aws_mwaa_environment.env", "update", {
        attributes: [{ path: "airflow_version", before: "2.11.0", after: "3.3.1", ignored: true }],
      }),
    ]);
    // WHEN Terraform plans no change
    const j = summarize(compareStack(s, [planned("aws_mwaa_environment.env", ["no-op"])], new Set()), "5.100.0", []);
    // THEN explained, not a disagreement
    expect(j.disagreements).toEqual([]);
    expect(judgementMarkdown(j, "6.25.0").join("\n")).toContain("hides from Terraform");
  });
});
