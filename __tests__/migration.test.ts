/**
 * The side-by-side migration to Airflow 3, through its four config changes (start, cutover,
 * rollback, finish): each step's synthesized JSON and its review, and that no step replaces an
 * environment it keeps.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { minimalEnvironment, synthStack, type Block, type TerraformJson } from "./helpers";
import { parseEnvironment } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import type { MwaaArtifactFiles } from "../model/prepared";
import { diffStacks, type TerraformDoc } from "../review/diff";
import { renderMarkdown } from "../review/render";
import { AIRFLOW_WEB_PATHS, MAX_CONDITION_VALUES_PER_RULE } from "../lambda/login/contract";

const ROOT = path.resolve(__dirname, "..");
const DOMAIN = "airflow.example.com";
const NEXT = `next.${DOMAIN}`;
const files = (dir: string): MwaaArtifactFiles => ({
  dags: { "hello_private_mwaa.py": { path: path.join(ROOT, dir, "hello_private_mwaa.py"), sha256: `${dir}-hello` } },
  requirements: { content: "acme-airflow-helpers==1.0.0\n", sha256: `${dir}-req` },
});
const SSO = {
  type: "oidc",
  oidc: {
    issuer: "https://login.example.com",
    authorizationEndpoint: "https://login.example.com/authorize",
    tokenEndpoint: "https://login.example.com/token",
    userInfoEndpoint: "https://login.example.com/userinfo",
    clientId: "mwaa",
    clientSecret: { ssmParameter: "/mwaa/oidc" },
  },
  roleMapping: [{ group: "airflow-admins", airflowRole: "Admin" }],
} as const;

/** Before: one Airflow 2 environment named like its stack, behind the domain, with sign-in. */
const before = minimalEnvironment({
  name: "analytics",
  airflow: { version: "2.11.2" },
  artifacts: { dagsDir: "airflow/dags-airflow2" },
  access: { domainName: DOMAIN, hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"], sso: SSO as never },
});
const PAUSED = { "core.dags_are_paused_at_creation": "True" };
const candidate = {
  environmentName: "analytics-af3",
  airflow: {
    version: "3.3.1" as const,
    environmentClass: "mw1.medium" as const,
    maxWorkers: 8,
    configurationOptions: PAUSED,
  },
  artifacts: { dagsDir: "airflow/dags" },
};
const start: EnvironmentInput = { ...before, migration: { candidate } };
const cutover: EnvironmentInput = { ...before, migration: { candidate, serve: "candidate" } };
const rollback: EnvironmentInput = { ...before, migration: { candidate, serve: "current" } };
const finish: EnvironmentInput = {
  ...before,
  environmentName: "analytics-af3",
  airflow: candidate.airflow,
  artifacts: candidate.artifacts,
};

// A stand-in Lambda bundle: the tests read the synthesized JSON, not the code.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-migration-"));
const zipPath = path.join(tmp, "code.zip");
fs.writeFileSync(zipPath, "zip");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const code = { zipPath, sha256Base64: "c3RhbmQtaW4=" };
const synth = (env: EnvironmentInput): TerraformJson =>
  synthStack(env, undefined, {
    signInCode: code,
    workerCountCode: code,
    artifactFiles: files(env.environmentName === undefined ? "airflow/dags-airflow2" : "airflow/dags"),
    ...(env.migration !== undefined ? { candidateArtifactFiles: files("airflow/dags") } : {}),
  } as never);
/** The rehearsal: the candidate is a copy at the current version, to be upgraded in place by `npm run upgrade --candidate`. */
const rehearsal: EnvironmentInput = {
  ...before,
  migration: { candidate: { ...candidate, airflow: { version: "2.11.2", configurationOptions: PAUSED } } },
};
const docs = {
  before: synth(before),
  start: synth(start),
  cutover: synth(cutover),
  rollback: synth(rollback),
  finish: synth(finish),
  rehearsal: synth(rehearsal),
};

/** Every resource and data source by address, without cdktf's metadata. */
function bodies(doc: TerraformJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [mode, blocks] of [
    ["", doc.resource],
    ["data.", doc.data],
  ] as const) {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, block] of Object.entries(byName)) {
        const { "//": _meta, ...rest } = block as Block;
        out.set(`${mode}${type}.${name}`, JSON.stringify(rest));
      }
    }
  }
  return out;
}
const of = (doc: TerraformJson, type: string) => Object.entries(doc.resource?.[type] ?? {});
const environments = (doc: TerraformJson) => of(doc, "aws_mwaa_environment");
const review = (from: keyof typeof docs, to: keyof typeof docs) => {
  const r = diffStacks({ analytics: docs[from] as TerraformDoc }, { analytics: docs[to] as TerraformDoc });
  return { r, md: renderMarkdown(r, { base: from, head: to }), stack: r.stacks[0]! };
};
const envAddress = (doc: TerraformJson, name: string) =>
  `aws_mwaa_environment.${environments(doc).find(([, b]) => b.name === name)![0]}`;

describe("start: one config change adds the candidate", () => {
  test("the current environment's resources keep their addresses and bodies", () => {
    // GIVEN the synth before and after adding `migration`
    const b = bodies(docs.before);
    const s = bodies(docs.start);
    // THEN every address of before is still there, unchanged, except that the current environment's
    // sign-in rules now name the host it is served at (finding 2): a host condition first, nothing else
    const signIn = /^aws_lb_listener_rule\.Mwaa_SignIn_/;
    for (const [address, body] of b) {
      if (!signIn.test(address)) expect([address, s.get(address)]).toEqual([address, body]);
      else
        expect(JSON.parse(s.get(address)!)).toEqual(
          ((r) => ({ ...r, condition: [{ host_header: { values: [DOMAIN] } }, ...r.condition] }))(JSON.parse(body)),
        );
    }
    // AND everything new belongs to the candidate or its second host name
    for (const address of [...s.keys()].filter((a) => !b.has(a)))
      expect(address).toMatch(/Mwaa_analytics-af3_|Mwaa_WebAccess_CandidateHost_/);
  });

  test("the candidate has its own name, version, sizing and artifacts under its own prefix", () => {
    const env = environments(docs.start).find(([, b]) => b.name === "analytics-af3")![1];
    expect(env).toMatchObject({
      airflow_version: "3.3.1",
      environment_class: "mw1.medium",
      max_workers: 8,
      dag_s3_path: "analytics-af3/dags/",
    });
    expect(env.requirements_s3_path).toMatch(
      /^\$\{aws_s3_object\.Mwaa_analytics-af3_Artifacts_Requirements_[0-9A-F]+\.key\}$/,
    );
    const keys = of(docs.start, "aws_s3_object").map(([, o]) => o.key as string);
    expect(keys).toEqual(
      expect.arrayContaining([
        "dags/hello_private_mwaa.py",
        "analytics-af3/dags/hello_private_mwaa.py",
        "requirements.txt",
        "analytics-af3/requirements.txt",
      ]),
    );
    // One network, one bucket, one ALB
    expect(of(docs.start, "aws_s3_bucket")).toHaveLength(1);
    expect(of(docs.start, "aws_lb")).toHaveLength(1);
    expect(of(docs.start, "aws_vpc_endpoint").map(([, e]) => e.service_name)).toHaveLength(4);
  });

  test("the domain still serves the current environment; the second host name serves the candidate", () => {
    const [, listener] = of(docs.start, "aws_lb_listener").find(([, l]) => l.port === 443)!;
    expect(JSON.stringify(listener.default_action)).toContain("Mwaa_WebAccess_TargetGroup_");
    const [, hostRule] = of(docs.start, "aws_lb_listener_rule").find(([n]) => n.includes("CandidateHost_Rule"))!;
    expect(hostRule.condition).toEqual([{ host_header: { values: [NEXT] } }]);
    expect(JSON.stringify(hostRule.action)).toContain("Mwaa_analytics-af3_TargetGroup_");
    // Its own certificate on the same listener (SNI), and an alias to the same ALB
    expect(
      of(docs.start, "aws_acm_certificate")
        .map(([, c]) => c.domain_name)
        .sort(),
    ).toEqual([DOMAIN, NEXT]);
    expect(of(docs.start, "aws_lb_listener_certificate")).toHaveLength(1);
    expect(of(docs.start, "aws_route53_record").filter(([, r]) => r.name === NEXT && r.type === "A")).toHaveLength(1);
  });

  test("sign-in works for each: Airflow 2 paths for the domain at 10 to 30 as before, Airflow 3 paths for the second host name first", () => {
    const rules = of(docs.start, "aws_lb_listener_rule");
    const af2 = rules.filter(([n]) => n.startsWith("Mwaa_SignIn_"));
    const af3 = rules.filter(([n]) => n.startsWith("Mwaa_analytics-af3_SignIn_"));
    expect(af2.map(([, r]) => r.priority).sort()).toEqual([10, 20, 30]);
    for (const [, r] of af2) expect(r.condition[0]).toEqual({ host_header: { values: [DOMAIN] } });
    expect(af3.every(([, r]) => r.priority < 10)).toBe(true);
    for (const [, r] of af3) {
      expect(r.condition[0]).toEqual({ host_header: { values: [NEXT] } });
      const values = (r.condition as Block[]).reduce(
        (n, c) =>
          n +
          (c.host_header?.values.length ?? 0) +
          (c.path_pattern?.values.length ?? 0) +
          (c.http_request_method?.values.length ?? 0) +
          (c.query_string?.length ?? 0),
        0,
      );
      expect(values).toBeLessThanOrEqual(MAX_CONDITION_VALUES_PER_RULE);
    }
    const af3Paths = af3.flatMap(([, r]) => (r.condition as Block[]).flatMap((c) => c.path_pattern?.values ?? []));
    expect(af3Paths).toEqual(
      expect.arrayContaining(["/pluginsv2/aws_mwaa/aws-console-sso", "/auth/login/", "/auth/logout/"]),
    );
    const lambdas = of(docs.start, "aws_lambda_function").filter(([n]) => n.includes("SignIn"));
    expect(
      lambdas
        .map(([, f]) => [
          f.environment.variables.MWAA_ENVIRONMENT_NAME,
          f.environment.variables.AIRFLOW_MAJOR,
          f.environment.variables.WEB_HOSTNAME,
        ])
        .sort(),
    ).toEqual([
      ["analytics", "2", DOMAIN],
      ["analytics-af3", "3", NEXT],
    ]);
  });

  test("each environment's base URL is the host it is served at", () => {
    const url = (name: string) =>
      environments(docs.start).find(([, b]) => b.name === name)![1].airflow_configuration_options["webserver.base_url"];
    expect([url("analytics"), url("analytics-af3")]).toEqual([DOMAIN, NEXT]);
  });

  test("monitoring covers both: a dashboard, alarms and a worker count each", () => {
    expect(
      of(docs.start, "aws_cloudwatch_dashboard")
        .map(([, d]) => d.dashboard_name)
        .sort(),
    ).toEqual(["mwaa-analytics", "mwaa-analytics-af3"]);
    const alarms = of(docs.start, "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name as string);
    expect(alarms.filter((a) => a.startsWith("analytics-af3-")).length).toBe(
      alarms.filter((a) => !a.startsWith("analytics-af3-")).length,
    );
    expect(of(docs.start, "aws_lambda_function").filter(([n]) => n.includes("WorkerCount"))).toHaveLength(2);
  });

  test("the review says a migration starts, which environment the domain serves, and replaces nothing", () => {
    const { r, md, stack } = review("before", "start");
    expect(r.protectedAtRisk).toEqual([]);
    expect(stack.counts).toMatchObject({ changed: 3, removed: 0, replaced: 0 });
    expect(stack.changes.filter((c) => c.action === "update").map((c) => c.type)).toEqual([
      "aws_lb_listener_rule",
      "aws_lb_listener_rule",
      "aws_lb_listener_rule",
    ]);
    expect(md).toContain(
      "🔀 **Migration starts**: creates the candidate environment `analytics-af3` (Airflow 3.3.1) beside `analytics` (Airflow 2.11.2)",
    );
    expect(md).toContain(`🌐 The domain serves \`analytics\` (Airflow 2.11.2); the candidate is at https://${NEXT}.`);
  });
});

describe("cutover and rollback: one config change each", () => {
  test("cutover: the domain serves the candidate; the current environment is untouched", () => {
    const { r, md, stack } = review("start", "cutover");
    expect(r.protectedAtRisk).toEqual([]);
    // Only listener rules come and go: the current environment's sign-in rules leave the domain (finding 2)
    expect(stack.changes.filter((c) => c.action === "replace" && c.type !== "aws_lb_listener_rule")).toEqual([]);
    expect(stack.changes.map((c) => c.address)).not.toContain(envAddress(docs.start, "analytics"));
    const [, listener] = of(docs.cutover, "aws_lb_listener").find(([, l]) => l.port === 443)!;
    expect(JSON.stringify(listener.default_action)).toContain("Mwaa_analytics-af3_TargetGroup_");
    expect(md).toContain(
      "🔀 **Cutover**: the domain now serves the candidate `analytics-af3` (Airflow 3.3.1) instead of `analytics` (Airflow 2.11.2)",
    );
    // The candidate's base URL follows: its one long update, shown as such
    expect(stack.changes.find((c) => c.address === envAddress(docs.cutover, "analytics-af3"))).toMatchObject({
      action: "update",
      longUpdate: true,
    });
  });

  test("rollback: the synth is exactly the one before cutover, and the review says so", () => {
    expect(bodies(docs.rollback)).toEqual(bodies(docs.start));
    const { r, md, stack } = review("cutover", "rollback");
    expect(r.protectedAtRisk).toEqual([]);
    expect(stack.changes.filter((c) => c.action === "replace" && c.type !== "aws_lb_listener_rule")).toEqual([]);
    expect(md).toContain(
      "🔀 **Rollback**: the domain serves `analytics` (Airflow 2.11.2) again instead of the candidate `analytics-af3` (Airflow 3.3.1)",
    );
  });
});

describe("finish: one config change, as simple as before", () => {
  test("the kept environment is neither replaced nor moved, and unchanged", () => {
    // GIVEN the synth at cutover and after finishing
    const c = bodies(docs.cutover);
    const f = bodies(docs.finish);
    const kept = envAddress(docs.cutover, "analytics-af3");
    // THEN the kept environment has the same address and body; nothing new is created
    expect(envAddress(docs.finish, "analytics-af3")).toBe(kept);
    expect(f.get(kept)).toBe(c.get(kept));
    expect([...f.keys()].filter((a) => !c.has(a))).toEqual([]);
    const { stack } = review("cutover", "finish");
    expect(stack.counts).toMatchObject({ added: 0, replaced: 0 });
    expect(
      stack.changes.filter((ch) => ch.type === "aws_mwaa_environment").map((ch) => [ch.address, ch.action]),
    ).toEqual([[envAddress(docs.cutover, "analytics"), "delete"]]);
  });

  test("the review marks the old environment destroyed with its metadata, and the kept one served", () => {
    const { r, md } = review("cutover", "finish");
    expect(r.protectedAtRisk.map((p) => [p.address, p.action])).toContainEqual([
      envAddress(docs.cutover, "analytics"),
      "delete",
    ]);
    expect(md).toContain("🔀 **Migration finishes**: `analytics-af3` (Airflow 3.3.1) is kept (no replacement");
    expect(md).toMatch(
      /🛑 The old environment `analytics` \(Airflow 2\.11\.2\) is \*\*destroyed\*\*, and its Airflow metadata database goes with it: DAG run history/,
    );
    expect(md).toContain("it does **not** stop this destroy");
  });

  test("after finishing, the config holds one environment and no migration", () => {
    const config = parseEnvironment(finish);
    expect(config.migration).toBeUndefined();
    expect(environments(docs.finish).map(([, b]) => b.name)).toEqual(["analytics-af3"]);
    expect(docs.finish.output?.mwaa_environment_name?.value).toBe("analytics-af3");
    expect(docs.finish.output?.mwaa_candidate_url).toBeUndefined();
  });
});

describe("a second migration, from an environment not named like its stack", () => {
  test("the candidate's sign-in rules take another band of priorities", () => {
    const next = synth({
      ...finish,
      migration: {
        candidate: {
          environmentName: "analytics-v4",
          airflow: { version: "3.3.1", configurationOptions: PAUSED },
          artifacts: { dagsDir: "airflow/dags" },
        },
      },
    });
    const priorities = of(next, "aws_lb_listener_rule").map(([, r]) => r.priority as number);
    expect(new Set(priorities).size).toBe(priorities.length);
    // And the current environment's addresses stay those it got in the first migration
    const f = bodies(docs.finish);
    const n = bodies(next);
    for (const [address] of f) expect(n.has(address)).toBe(true);
  });
});

describe("findings of the pre-apply review", () => {
  const listener = (doc: TerraformJson) => of(doc, "aws_lb_listener").find(([, l]) => l.port === 443)![1];
  const candidateEnv = (doc: TerraformJson) => envAddress(doc, "analytics-af3");

  test("1. at cutover the domain switches only after the candidate's update: listener and the candidate's sign-in rules depend on it", () => {
    // GIVEN cutover WHEN synthesized THEN the switch waits for the candidate environment
    expect(listener(docs.cutover).depends_on).toEqual(expect.arrayContaining([candidateEnv(docs.cutover)]));
    const af3Rules = of(docs.cutover, "aws_lb_listener_rule").filter(([n]) =>
      n.startsWith("Mwaa_analytics-af3_SignIn_"),
    );
    expect(af3Rules.length).toBeGreaterThan(0);
    for (const [, r] of af3Rules) expect(r.depends_on).toEqual([candidateEnv(docs.cutover)]);
    // AND before cutover nothing waits (the candidate is not served)
    expect(JSON.stringify(listener(docs.start).depends_on ?? [])).not.toContain("aws_mwaa_environment");
    // AND the review shows the order
    const { md } = review("start", "cutover");
    expect(md).toMatch(
      /⏱️ \*\*Order\*\*: 1\. Terraform updates `analytics-af3` .*2\. Only when that update has finished, the listener's default action and the candidate's sign-in rules switch the domain/,
    );
    expect(md).toContain(
      "If MWAA rolls the update back, the apply stops before step 2 and the domain keeps serving `analytics`.",
    );
  });

  describe("2. sign-in rules: every host x path x step reaches the environment that host serves", () => {
    type Step = keyof typeof docs;
    /** Which environment and which of its targets the ALB picks for a GET, rules by priority, then the default action. */
    function route(doc: TerraformJson, host: string, pathname: string, query: Record<string, string> = {}): string {
      const rules = of(doc, "aws_lb_listener_rule")
        .filter(([n]) => !n.includes("CandidateHost") || true)
        .map(([, r]) => r)
        .sort((a, b) => (a.priority as number) - (b.priority as number));
      const matches = (r: Block) =>
        (r.condition as Block[]).every(
          (c) =>
            (c.host_header === undefined || c.host_header.values.includes(host)) &&
            (c.path_pattern === undefined || c.path_pattern.values.includes(pathname)) &&
            (c.http_request_method === undefined || c.http_request_method.values.includes("GET")) &&
            (c.query_string === undefined || (c.query_string as Block[]).every((q) => query[q.key] === q.value)),
        );
      const hit = rules.find(matches);
      const actions = (hit?.action ?? listener(doc).default_action) as Block[];
      const target = String(actions.find((a) => a.type === "forward")?.target_group_arn ?? "none");
      const env = target.includes("Mwaa_analytics-af3_")
        ? "analytics-af3"
        : target.includes("Mwaa_")
          ? "analytics"
          : "none";
      return `${env} ${target.includes("SignIn_TargetGroup") ? "sign-in" : "web"}`;
    }
    const served: Record<Step, Partial<Record<string, string>>> = {
      before: { [DOMAIN]: "analytics" },
      start: { [DOMAIN]: "analytics", [NEXT]: "analytics-af3" },
      cutover: { [DOMAIN]: "analytics-af3", [NEXT]: "analytics-af3" },
      rollback: { [DOMAIN]: "analytics", [NEXT]: "analytics-af3" },
      finish: { [DOMAIN]: "analytics-af3" },
      rehearsal: { [DOMAIN]: "analytics", [NEXT]: "analytics-af3" },
    };
    // Which Airflow the environment runs at that step: the rehearsal's copy is still Airflow 2.
    const majorAt = (step: Step, env: string) => (env === "analytics-af3" && step !== "rehearsal" ? "3" : "2");
    const allPaths = [
      ...new Set(
        Object.values(AIRFLOW_WEB_PATHS).flatMap((p) => [
          ...p.loginPathPatterns,
          ...p.logoutPathPatterns,
          ...p.passThroughPathPatterns,
        ]),
      ),
    ];
    const cases = (Object.keys(served) as Step[]).flatMap((step) =>
      Object.keys(served[step]).flatMap((host) => allPaths.map((p) => [step, host, p] as const)),
    );

    test.each(cases)("%s: https://%s%s", (step, host, pathname) => {
      const env = served[step][host]!;
      const paths = AIRFLOW_WEB_PATHS[majorAt(step, env)];
      const own = [...paths.loginPathPatterns, ...paths.logoutPathPatterns].includes(pathname);
      // THEN a sign-in path of the served environment reaches its sign-in Lambda; any other path its web server
      expect(route(docs[step], host, pathname)).toBe(`${env} ${own ? "sign-in" : "web"}`);
      // AND the web login URL (login=true) always reaches the served environment's web server
      if (paths.passThroughPathPatterns.includes(pathname))
        expect(route(docs[step], host, pathname, { login: "true" })).toBe(`${env} web`);
    });
  });

  test("3. the candidate's DAGs are pinned paused, and the cutover review lists what to pause and unpause with the command", () => {
    const options = environments(docs.start).find(([, b]) => b.name === "analytics-af3")![1]
      .airflow_configuration_options;
    expect(options["core.dags_are_paused_at_creation"]).toBe("True");
    expect(() =>
      parseEnvironment({ ...before, migration: { candidate: { ...candidate, airflow: { version: "3.3.1" } } } }),
    ).toThrow(
      /migration\.candidate\.airflow\.configurationOptions\.core\.dags_are_paused_at_creation: "True": the candidate's DAGs must start paused/,
    );
    const { md } = review("start", "cutover");
    expect(md).toContain("pause in `analytics`: `dags/hello_private_mwaa.py`; then unpause in `analytics-af3`");
    expect(md).toContain("`analytics-af3/dags/hello_private_mwaa.py`");
    expect(md).toContain(
      "`npm run airflow-state -- cutover-pause --config FILE [--dry-run]` does both on both environments",
    );
  });
});

describe("an Airflow 3 environment named like its stack, migrating side by side", () => {
  test("its sign-in rules keep their ids and priorities and gain the domain's host; a rule the quota overflows takes the next number", () => {
    // GIVEN a legacy 3.0.6 environment and a 3.3.1 candidate
    const af3 = { ...before, airflow: { version: "3.0.6" as const }, artifacts: { dagsDir: "airflow/dags" } };
    const alone = synth(af3);
    const migrating = synth({ ...af3, migration: { candidate } });
    const legacy = (doc: TerraformJson) =>
      of(doc, "aws_lb_listener_rule")
        .filter(([n]) => n.startsWith("Mwaa_SignIn_"))
        .map(([n, r]) => [n.replace(/_[0-9A-F]+$/, ""), r.priority as number, r.condition] as const)
        .sort((a, b) => a[1] - b[1]);
    // THEN alone: three rules at 10, 20, 30 without host; migrating: the same ids and numbers, plus LoginRule2 at 21
    expect(legacy(alone).map(([n, p]) => [n, p])).toEqual([
      ["Mwaa_SignIn_PassThroughRule", 10],
      ["Mwaa_SignIn_LoginRule", 20],
      ["Mwaa_SignIn_LogoutRule", 30],
    ]);
    expect(legacy(migrating).map(([n, p]) => [n, p])).toEqual([
      ["Mwaa_SignIn_PassThroughRule", 10],
      ["Mwaa_SignIn_LoginRule", 20],
      ["Mwaa_SignIn_LoginRule2", 21],
      ["Mwaa_SignIn_LogoutRule", 30],
    ]);
    for (const [, , condition] of legacy(migrating)) {
      expect(condition[0]).toEqual({ host_header: { values: [DOMAIN] } });
      const values = (condition as Block[]).reduce(
        (n, c) =>
          n +
          (c.host_header?.values.length ?? 0) +
          (c.path_pattern?.values.length ?? 0) +
          (c.http_request_method?.values.length ?? 0) +
          (c.query_string?.length ?? 0),
        0,
      );
      expect(values).toBeLessThanOrEqual(MAX_CONDITION_VALUES_PER_RULE);
    }
    // AND no two rules of the listener share a priority
    const priorities = of(migrating, "aws_lb_listener_rule").map(([, r]) => r.priority as number);
    expect(new Set(priorities).size).toBe(priorities.length);
  });
});

describe("validation", () => {
  const fails = (env: EnvironmentInput, message: RegExp) => expect(() => parseEnvironment(env)).toThrow(message);

  test("the candidate needs a name of its own", () => {
    fails(
      { ...before, migration: { candidate: { ...candidate, environmentName: "analytics" } } },
      /migration\.candidate\.environmentName: a name other than the current environment's \("analytics"\)/,
    );
  });

  test("a migration needs the domain (it serves one environment, a second host name the other)", () => {
    fails(
      {
        ...before,
        access: {
          certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-0123456789ab",
          allowedCidrs: ["10.0.0.0/8"],
        },
        migration: { candidate },
      },
      /access\.domainName: required with migration/,
    );
  });

  test("the second host name must be in the hosted zone (its alias record and certificate validation go there)", () => {
    fails(
      { ...before, migration: { candidate, hostName: "next.airflow.other.org" } },
      /migration\.hostName: a name inside the hosted zone example\.com \(got "next\.airflow\.other\.org"\)/,
    );
  });

  test("the candidate's counts are checked against its own class", () => {
    fails(
      {
        ...before,
        migration: {
          candidate: {
            ...candidate,
            airflow: { version: "3.3.1", environmentClass: "mw1.micro", maxWorkers: 3, configurationOptions: PAUSED },
          },
        },
      },
      /migration\.candidate\.airflow\.maxWorkers: at most 1 for mw1\.micro/,
    );
  });
});
