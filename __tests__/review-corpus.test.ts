/**
 * The review checked by Terraform: every scenario of review/corpus.ts synthesized, reviewed
 * and planned with the real hashicorp/aws provider against a state crafted from its base (no AWS).
 * The rules table's verdict must equal Terraform's on every address; an update that only a deferred
 * data source read causes is explained by the review, not counted. Needs a provider binary: the
 * registry, or the mirror of MWAA_TF_PLUGIN_DIR (CI sets it; there the suite must run). Crafted
 * states and plans are cached in .cache/review-judge by content, so a rerun plans only what changed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SCENARIOS } from "../review/corpus";
import { type CorpusRun, forceNewAttributes, runCorpus } from "../review/corpus-run";
import { REPLACE_RULES } from "../review/rules";
import { argumentsMissingFrom, judgementMarkdown, prepareJudge } from "../review/terraform-judge";
import { pinnedAwsVersion } from "../terraform-check/check-stack";

const ROOT = path.resolve(__dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "review-corpus-"));
const pluginDir = process.env.MWAA_TF_PLUGIN_DIR || undefined;
// Under CI the corpus runs or fails, as the Terraform check does: providers from MWAA_TF_PLUGIN_DIR or the registry.
const mustRun = process.env.CI === "true";

let run: CorpusRun | string;
let seconds = 0;
let missing: string[] = [];

beforeAll(
  async () => {
    const started = Date.now();
    const judge = await prepareJudge(scratch, pluginDir);
    if (typeof judge === "string") {
      run = `no provider binary (${pluginDir === undefined ? "no MWAA_TF_PLUGIN_DIR, and " : ""}${judge})`;
      return;
    }
    missing = argumentsMissingFrom(judge.schema);
    run = await runCorpus({
      root: ROOT,
      scratch,
      cacheDir: path.join(ROOT, ".cache", "review-judge"),
      judge,
      scenarios: SCENARIOS,
      concurrency: 2,
      log: (l) => process.stderr.write(`review corpus: ${l}\n`),
    });
    seconds = (Date.now() - started) / 1000;
    // Every verdict, for whoever reads a failure (or the numbers) later.
    fs.writeFileSync(
      path.join(ROOT, ".cache", "review-judge", "last-run.json"),
      JSON.stringify(
        {
          seconds,
          errors: run.errors,
          results: run.results.map((r) => ({ scenario: r.scenario, config: r.config, verdicts: r.verdicts })),
        },
        null,
        1,
      ),
    );
  },
  60 * 60 * 1000,
);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Skips (with the reason printed) where no provider binary exists; fails where CI promised one. */
function corpus(): CorpusRun | undefined {
  if (typeof run !== "string") return run;
  if (mustRun) throw new Error(`CI=true and MWAA_TF_PLUGIN_DIR=${pluginDir}, but ${run}`);
  process.stdout.write(`review corpus skipped: ${run}\n`);
  return undefined;
}

describe("the scenario corpus planned by Terraform", () => {
  test("the review and Terraform agree on every address, replacements included", () => {
    const c = corpus();
    if (c === undefined) return;
    // GIVEN every scenario's review and Terraform's plan of it (beforeAll)
    // WHEN their verdicts are compared per address
    const j = c.judgement;
    process.stdout.write(
      [
        ...judgementMarkdown(j, pinnedAwsVersion(), missing),
        `${c.results.length} scenarios; base states ${c.states.crafted} crafted, ${c.states.cached} cached; head plans ${c.plans.planned} planned, ${c.plans.cached} cached; ${seconds.toFixed(0)} s`,
        `replacement causes exercised: ${c.replaceCauses.join(", ")}`,
        `ForceNew attributes never changed: ${forceNewAttributes()
          .filter((a) => !c.replaceCauses.includes(a))
          .join(", ")}`,
        "",
      ].join("\n"),
    );
    // THEN every scenario planned, no disagreement, every address settled in the crafted state, and replacements happened
    expect(c.errors).toEqual([]);
    expect(j.disagreements).toEqual([]);
    expect(j.unsettled).toEqual([]);
    expect(j.replacements).toBeGreaterThan(0);
    expect(j.total).toBeGreaterThan(100);
  });

  test("covers every shipped config, both Airflow majors and every type the review has a rule for in their synths", () => {
    const c = corpus();
    if (c === undefined) return;
    // GIVEN the shipped configs
    const shipped = [
      "config/example.json",
      ...fs.readdirSync(path.join(ROOT, "config", "examples")).map((f) => `config/examples/${f}`),
    ];
    const majors = new Set(
      SCENARIOS.map(
        (s) =>
          (
            JSON.parse(fs.readFileSync(path.join(ROOT, s.config), "utf8")) as {
              environments: { airflow?: { version?: string } }[];
            }
          ).environments[0]?.airflow?.version?.split(".")[0],
      ),
    );
    // WHEN the corpus ran
    // THEN each config has a scenario, both majors are bases, and every rule type in a synth of them changed
    expect(shipped.filter((f) => !SCENARIOS.some((s) => s.config === f))).toEqual([]);
    expect([...majors].sort()).toEqual(["2", "3"]);
    expect(c.results.length).toBeGreaterThanOrEqual(25);
    expect(c.baseTypes.filter((t) => t in REPLACE_RULES && !c.changedTypes.includes(t))).toEqual([]);
  });
});
