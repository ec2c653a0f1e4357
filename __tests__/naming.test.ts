import { elbName, lambdaFunctionName } from "../constructs/private/naming";
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

describe("Lambda function names within Lambda's 64 characters", () => {
  test("short names stay as they were", () => {
    expect(lambdaFunctionName("analytics-state", "airflow-apply")).toBe("analytics-state-airflow-apply");
  });

  test("a 70-character environment gives each function its own name of at most 64 characters", () => {
    const env = "a".repeat(70);
    const names = ["airflow-apply", "airflow-backup", "worker-count", "airflow-sign-in"].map((p) =>
      lambdaFunctionName(env, p),
    );
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(names[0]).toMatch(/^a+-[0-9a-z]{1,6}-airflow-apply$/);
    // Two long environments with the same start differ too.
    expect(lambdaFunctionName(`${env}-x`, "worker-count")).not.toBe(lambdaFunctionName(`${env}-y`, "worker-count"));
  });
});

test("a 70-character environment: apply, backup and worker-count functions, their log groups and rules all differ", () => {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { stateCodes } = require("./helpers-state") as typeof import("./helpers-state");
  const example = JSON.parse(readFileSync("config/examples/airflow-state.json", "utf8")).environments[0];
  const codes = stateCodes();
  const doc = synthStack({ ...example, name: `analytics-${"x".repeat(60)}` }, undefined, {
    ...codes,
    workerCountCode: codes.airflowApplyCode,
  });
  const names = (type: string, key: string) =>
    Object.values(resources(doc, type)).map((r) => (r as Record<string, string>)[key]);
  const functions = names("aws_lambda_function", "function_name");
  expect(functions).toHaveLength(3);
  expect(new Set(functions).size).toBe(3);
  for (const name of functions) expect(name.length).toBeLessThanOrEqual(64);
  const logGroups = names("aws_cloudwatch_log_group", "name").filter((n) => n.startsWith("/aws/lambda/"));
  expect(new Set(logGroups).size).toBe(3);
  const rules = names("aws_cloudwatch_event_rule", "name");
  expect(new Set(rules).size).toBe(rules.length);
});
