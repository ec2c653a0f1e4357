import { elbName } from "../constructs/private/naming";
import { minimalEnvironment, synthStack, resources } from "./helpers";

const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

describe("load balancer and target group names", () => {
  test("a name within 32 valid characters is kept as it is", () => {
    expect(elbName("analytics-prod-mwaa-web")).toBe("analytics-prod-mwaa-web");
  });

  test("two long environment names with the same first 32 characters get different, valid names", () => {
    // GIVEN two 60-character names that differ only at the end
    const a = elbName(`${"a".repeat(28)}-team-one-and-something-longer-mwaa-web`);
    const b = elbName(`${"a".repeat(28)}-team-two-and-something-longer-mwaa-web`);
    // THEN both are valid ELB names and they differ
    expect(a).toMatch(ELB_NAME);
    expect(b).toMatch(ELB_NAME);
    expect(a).not.toBe(b);
  });

  test("an environment name with an underscore becomes a valid name, distinct from its hyphen twin", () => {
    expect(elbName("data_team-mwaa")).toMatch(ELB_NAME);
    expect(elbName("data_team-mwaa")).not.toBe(elbName("data-team-mwaa"));
  });

  test("a name that begins with internal- (refused by CreateLoadBalancer) loses that prefix and keeps a hash", () => {
    for (const full of ["internal-tools-mwaa", "Internal-tools-mwaa", "internal--x-mwaa"]) {
      const name = elbName(full);
      expect(name).toMatch(ELB_NAME);
      expect(name).not.toMatch(/^internal-/i);
    }
    expect(elbName("internal-tools-mwaa")).not.toBe(elbName("tools-mwaa"));
  });

  test("the ALB and target groups of two long environments never collide", () => {
    const access = {
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
      allowedCidrs: ["10.0.0.0/8"],
    };
    const names = ["analytics-platform-production-eu-team-one", "analytics-platform-production-eu-team-two"].map(
      (name) => {
        const doc = synthStack(minimalEnvironment({ name, access, monitoring: { workerCount: false } }));
        return [
          ...Object.values(resources(doc, "aws_lb")),
          ...Object.values(resources(doc, "aws_lb_target_group")),
        ].map((r) => r.name as string);
      },
    );
    for (const name of names.flat()) expect(name).toMatch(ELB_NAME);
    expect(names[0].filter((n) => names[1].includes(n))).toEqual([]);
  });
});
