/**
 * Runs the scenario corpus (./corpus.ts) against Terraform: each scenario's base and head configs
 * are synthesized, reviewed (the rules table) and planned with the real provider against a state
 * crafted from the base (../terraform/simulated-plan.ts), and each address's verdict is compared
 * (./terraform-judge.ts). Scenarios that share a base share one initialized folder and one crafted
 * state per stack; crafted states and head plans are cached under `cacheDir` by the hash of the
 * documents, the provider version and the simulator's source, so a rerun plans only what changed.
 */
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { type TerraformEnv, errorLines, terraform } from "../terraform-check/check-stack";
import { type PlannedChange, craftState, planHead, writeDoc } from "../terraform-check/simulated-plan";
import type { ProviderSchema } from "../terraform-check/test-file";
import type { ConfigJson, Scenario, StackJson } from "./corpus";
import { diffStacks } from "./diff";
import { REPLACE_RULES } from "./rules";
import { readSynthFolder } from "./sources";
import { type Judgement, type Verdict, compareStack, summarize } from "./terraform-judge";
import type { Review, TerraformDoc } from "./types";

export interface ScenarioResult {
  readonly scenario: string;
  readonly config: string;
  readonly verdicts: readonly Verdict[];
  readonly unsettled: readonly string[];
  /** Refused Airflow version changes and protected resources at risk, as the review says. */
  readonly review: Review;
}

export interface CorpusRun {
  readonly judgement: Judgement;
  readonly results: readonly ScenarioResult[];
  /** Resource types in the synths of the bases. */
  readonly baseTypes: readonly string[];
  /** Resource types with a change (any action) in some scenario. */
  readonly changedTypes: readonly string[];
  /** `type.attribute` the review called a replacement cause in some scenario. */
  readonly replaceCauses: readonly string[];
  /** Crafted base states: taken from the cache, crafted now. */
  readonly states: { readonly cached: number; readonly crafted: number };
  readonly plans: { readonly cached: number; readonly planned: number };
  /** Scenarios (or whole bases) that could not be synthesized or planned, with Terraform's reason. */
  readonly errors: readonly string[];
}

export interface CorpusOptions {
  readonly root: string;
  readonly scratch: string;
  readonly cacheDir: string;
  readonly judge: { readonly t: TerraformEnv; readonly schema: ProviderSchema; readonly version: string };
  readonly scenarios: readonly Scenario[];
  /** Base groups planned at once. @default 2 */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

const sha = (...parts: string[]) => crypto.createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);

/** One base config and the scenarios planned against it. */
interface Group {
  readonly id: string;
  readonly config: string;
  readonly base: ConfigJson;
  readonly scenarios: Scenario[];
}

export async function runCorpus(o: CorpusOptions): Promise<CorpusRun> {
  const log = o.log ?? (() => undefined);
  const simulator = sha(
    ...["simulated-plan.ts", "test-file.ts"].map((f) =>
      fs.readFileSync(path.join(o.root, "terraform-check", f), "utf8"),
    ),
    o.judge.version,
  );
  const counts = { statesCached: 0, statesCrafted: 0, plansCached: 0, plansPlanned: 0 };
  const groups = new Map<string, Group>();
  const baseTypes = new Set<string>();
  for (const s of o.scenarios) {
    const base = JSON.parse(fs.readFileSync(path.join(o.root, s.config), "utf8")) as ConfigJson;
    s.base?.(base, derivedFiles(o.root, path.join(o.root, ".cache", "review-corpus-files", sha(s.name, "base"))));
    const id = sha(s.config, JSON.stringify(base));
    const g = groups.get(id) ?? { id, config: s.config, base, scenarios: [] };
    g.scenarios.push(s);
    groups.set(id, g);
  }

  const cached = async <T>(file: string, make: () => Promise<T>, hit: () => void, miss: () => void): Promise<T> => {
    if (fs.existsSync(file)) {
      hit();
      return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    }
    miss();
    const value = await make();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(value));
    fs.renameSync(`${file}.tmp`, file);
    return value;
  };

  const init = async (dir: string, label: string) => {
    const run = await terraform(o.judge.t, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (run.code !== 0) throw new Error(`terraform init for ${label} failed: ${errorLines(run.output, 4).join(" ")}`);
  };

  const runGroup = async (g: Group, errors: string[]): Promise<ScenarioResult[]> => {
    const work = path.join(o.scratch, g.id);
    const baseConfig = path.join(work, "base.json");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(baseConfig, JSON.stringify(g.base, null, 2));
    const baseOut = path.join(work, "base-out");
    const baseDocs = await synth(o.root, baseOut, baseConfig, `the base of ${g.config}`);
    for (const doc of Object.values(baseDocs)) for (const type of Object.keys(doc.resource ?? {})) baseTypes.add(type);
    // Per stack: an initialized folder whose terraform.tfstate is the crafted base state.
    const stacks = new Map<string, Promise<{ dir: string; key: string; unsettled: string[] }>>();
    const stackFolder = (name: string) => {
      let ready = stacks.get(name);
      if (ready === undefined) {
        ready = (async () => {
          const dir = path.join(work, "tf", name);
          fs.cpSync(path.join(baseOut, "stacks", name), dir, { recursive: true, dereference: true });
          const doc = baseDocs[name] as Record<string, never>;
          writeDoc(dir, doc, o.judge.t.awsVersion, new Set());
          await init(dir, name);
          const key = sha(simulator, JSON.stringify(doc));
          const stateFile = path.join(o.cacheDir, "states", `${key}.tfstate`);
          const meta = await cached(
            path.join(o.cacheDir, "states", `${key}.json`),
            async () => {
              const t0 = Date.now();
              const r = await craftState(o.judge.t, dir, doc, o.judge.schema);
              log(
                `${g.config} ${name}: base state crafted in ${r.plans} plans, ${((Date.now() - t0) / 1000).toFixed(0)} s${r.unsettled.length > 0 ? `; not settled: ${JSON.stringify(r.why)}` : ""}`,
              );
              fs.mkdirSync(path.dirname(stateFile), { recursive: true });
              fs.copyFileSync(path.join(dir, "terraform.tfstate"), stateFile);
              return { unsettled: r.unsettled };
            },
            () => counts.statesCached++,
            () => counts.statesCrafted++,
          );
          if (!fs.existsSync(path.join(dir, "terraform.tfstate")))
            fs.copyFileSync(stateFile, path.join(dir, "terraform.tfstate"));
          return { dir, key, unsettled: meta.unsettled };
        })();
        stacks.set(name, ready);
      }
      return ready;
    };

    const runScenario = async (i: number, s: Scenario): Promise<ScenarioResult> => {
      const started = Date.now();
      const head = JSON.parse(fs.readFileSync(path.join(o.root, s.config), "utf8")) as ConfigJson;
      s.head(head, derivedFiles(o.root, path.join(o.root, ".cache", "review-corpus-files", sha(s.name, "head"))));
      const headConfig = path.join(work, `head-${i}.json`);
      fs.writeFileSync(headConfig, JSON.stringify(head, null, 2));
      const headOut = path.join(work, `head-${i}-out`);
      const headDocs = await synth(o.root, headOut, headConfig, `${s.name} (${s.config})`);
      s.headStacks?.(headDocs as Record<string, StackJson>);
      const review = diffStacks(baseDocs, headDocs);
      const verdicts: Verdict[] = [];
      const unsettled: string[] = [];
      for (const st of review.stacks) {
        // A stack only in the base is left alone by Terraform (nothing destroys it): nothing to plan.
        if (st.status !== "changed" && st.status !== "new") continue;
        const doc = headDocs[st.name] as Record<string, never>;
        let planned: readonly PlannedChange[];
        let left: string[] = [];
        if (st.status === "changed") {
          const { dir, key, unsettled: u } = await stackFolder(st.name);
          left = u;
          fs.cpSync(path.join(headOut, "stacks", st.name), dir, { recursive: true, dereference: true });
          planned = await cached(
            path.join(o.cacheDir, "plans", `${sha(key, JSON.stringify(doc))}.json`),
            async () => (await planHead(o.judge.t, dir, doc)).changes,
            () => counts.plansCached++,
            () => counts.plansPlanned++,
          );
        } else {
          planned = await cached(
            path.join(o.cacheDir, "plans", `${sha(simulator, "new", JSON.stringify(doc))}.json`),
            async () => {
              const dir = path.join(work, `new-${i}`, st.name);
              fs.cpSync(path.join(headOut, "stacks", st.name), dir, { recursive: true, dereference: true });
              writeDoc(dir, doc, o.judge.t.awsVersion, new Set());
              await init(dir, st.name);
              return (await planHead(o.judge.t, dir, doc)).changes;
            },
            () => counts.plansCached++,
            () => counts.plansPlanned++,
          );
        }
        unsettled.push(...left);
        verdicts.push(...compareStack(st, planned, new Set(left)));
      }
      const disagreements = verdicts.filter(
        (v) =>
          v.review !== v.terraform &&
          !(v.deferredRead && v.terraform === "update") &&
          v.asksAws !== true &&
          !(v.ignoredByTerraform === true && v.terraform === "none"),
      );
      log(
        `${s.config} "${s.name}": ${verdicts.length} addresses, ${disagreements.length} disagreements, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
      return { scenario: s.name, config: s.config, verdicts, unsettled, review };
    };

    const results: ScenarioResult[] = [];
    for (const [i, s] of g.scenarios.entries()) {
      try {
        results.push(await runScenario(i, s));
      } catch (e) {
        errors.push(`${s.config} "${s.name}": ${(e as Error).message}`);
      }
    }
    return results;
  };

  const queue = [...groups.values()];
  const results: ScenarioResult[] = [];
  const errors: string[] = [];
  const worker = async () => {
    for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
      try {
        results.push(...(await runGroup(g, errors)));
      } catch (e) {
        errors.push(`${g.config} (${g.scenarios.map((s) => s.name).join(", ")}): ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 2, queue.length) }, worker));

  const changedTypes = new Set<string>();
  const replaceCauses = new Set<string>();
  for (const r of results) {
    for (const st of r.review.stacks) {
      if (st.status !== "changed" && st.status !== "new") continue;
      for (const c of st.changes) {
        if (c.mode !== "managed" || c.action === "terraform-only") continue;
        changedTypes.add(c.type);
        for (const a of c.attributes)
          if (a.replaces !== undefined) replaceCauses.add(`${c.type}.${a.path.replace(/\[\d+\]/g, "")}`);
      }
    }
  }
  return {
    judgement: summarize(
      results.flatMap((r) => r.verdicts),
      o.judge.version,
      results.flatMap((r) => r.unsettled),
    ),
    results,
    baseTypes: [...baseTypes].sort(),
    changedTypes: [...changedTypes].sort(),
    replaceCauses: [...replaceCauses].sort(),
    errors,
    states: { cached: counts.statesCached, crafted: counts.statesCrafted },
    plans: { cached: counts.plansCached, planned: counts.plansPlanned },
  };
}

/** The ForceNew attributes of the rules table (`type.path`), for the coverage report. */
export function forceNewAttributes(): string[] {
  return Object.entries(REPLACE_RULES).flatMap(([type, rule]) =>
    [...rule.forceNew, ...Object.keys(rule.forceNewIf ?? {})].map((p) => `${type}.${p}`),
  );
}

/** The app on `config` into `outdir`, without blocking the other group's terraform runs (sources.ts synthesize waits synchronously). */
function synth(root: string, outdir: string, config: string, what: string): Promise<Record<string, TerraformDoc>> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MWAA_CONFIG: config, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    execFile(
      process.execPath,
      ["app/run-ts.js", "main.ts"],
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error !== null)
          reject(
            new Error(
              `synth of ${what} failed: ${`${stderr}`
                .split("\n")
                .filter((l) => l.trim() !== "")
                .slice(-5)
                .join(" | ")}`,
            ),
          );
        else resolve(readSynthFolder(outdir));
      },
    );
  });
}

/** Derived artifacts live inside the project (the config accepts only paths relative to its root), in a folder git ignores. */
function derivedFiles(root: string, dir: string) {
  return {
    derive(rel: string, change: (copy: string) => void): string {
      const copy = path.join(dir, path.basename(rel));
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(path.join(root, rel), copy, { recursive: true });
      change(copy);
      return path.relative(root, copy);
    },
  };
}

export type { TerraformDoc };
