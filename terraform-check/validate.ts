/**
 * Terraform itself on every stack of every shipped config, without AWS credentials:
 *
 *   npm run validate:terraform [-- --plugin-dir <dir>] [--config <file> ...] [--keep]
 *
 * Each config (config/example.json and config/examples/*.json unless --config is given) is
 * synthesized into a scratch folder; then per stack, in a copy: `terraform init -backend=false` (one
 * init shared by every stack that needs only hashicorp/aws),
 * `terraform test` (its run validates the configuration first) with one `mock_provider "aws"` per provider
 * configuration and `override_data` for each `terraform_remote_state`, which plans and applies the
 * stack with mocked values. One line per stack, then a summary. Exit 0 when every stack passed, 1
 * otherwise.
 *
 * Providers come from the registry, as in any CI. Offline, give a provider mirror (the layout of
 * `terraform init -plugin-dir`, e.g. <dir>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>)
 * with --plugin-dir or MWAA_TF_PLUGIN_DIR; when its hashicorp/aws version differs from the pinned
 * one, the scratch copies' constraint is relaxed to it (said in the output; the synth is untouched).
 * Without terraform, or without hashicorp/aws (no registry and no mirror, or a mirror without it),
 * the check cannot run: it says so and exits 0, except in CI (CI=true), where it exits 1: there it
 * must have run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { synthesize } from "../review/sources";
import {
  type SharedProvider,
  type StackResult,
  awsSchema,
  checkStack,
  installAws,
  scratchCopy,
  sharedProvider,
  terraformEnv,
} from "./check-stack";

const USAGE =
  "usage: npm run validate:terraform -- [--plugin-dir <provider mirror>] [--config <file> ...] [--jobs <n>] [--keep]";
/** Terraform that runs `terraform test` with mock_provider/override_data (1.7) and the S3 backend's use_lockfile (1.11). */
const MIN_TERRAFORM = [1, 11] as const;

class CheckError extends Error {}

interface Options {
  readonly pluginDir?: string;
  readonly configs: readonly string[];
  readonly jobs: number;
  readonly keep: boolean;
}

function parse(argv: string[], root: string): Options {
  let values: { "plugin-dir"?: string; config?: string[]; jobs?: string; keep?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "plugin-dir": { type: "string" },
        config: { type: "string", multiple: true },
        jobs: { type: "string" },
        keep: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CheckError(`${(e as Error).message.split("\n")[0]} (${USAGE})`);
  }
  const jobs = values.jobs === undefined ? Math.max(1, Math.min(2, os.cpus().length)) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new CheckError(`--jobs: a whole number of 1 or more (got ${values.jobs})`);
  const shipped = [
    "config/example.json",
    ...fs
      .readdirSync(path.join(root, "config", "examples"))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => `config/examples/${f}`),
  ];
  const pluginDir = values["plugin-dir"] ?? (process.env.MWAA_TF_PLUGIN_DIR || undefined);
  return {
    pluginDir: pluginDir === undefined ? undefined : path.resolve(pluginDir),
    configs: values.config ?? shipped,
    jobs,
    keep: values.keep ?? false,
  };
}

/** terraform's version, or why it cannot be used. */
function terraformVersion(terraform: string): { version?: string; problem?: string } {
  const r = spawnSync(terraform, ["version", "-json"], { encoding: "utf8" });
  if (r.error !== undefined) return { problem: "terraform is not on PATH (install Terraform >= 1.11)" };
  const version = (() => {
    try {
      return (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version;
    } catch {
      return undefined;
    }
  })();
  const [major, minor] = (version ?? "0.0").split(".").map(Number) as [number, number];
  if (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1]))
    return {
      version,
      problem: `terraform ${version ?? "(unknown version)"} is too old: the stacks need Terraform >= 1.11`,
    };
  return { version };
}

/** Runs `work` over `items` with at most `jobs` at once, keeping the order of the results. */
async function pool<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

interface StackJob {
  readonly config: string;
  readonly stack: string;
  readonly dir: string;
  readonly doc: ReturnType<typeof scratchCopy>;
}

/** Runs the check; returns the exit code. `log` receives every line of output; `terraform` is the executable. */
export async function run(
  argv: string[],
  root = process.cwd(),
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  terraform = "terraform",
): Promise<number> {
  const options = parse(argv, root);
  const ci = process.env.CI === "true";
  const cannotRun = (why: string): number => {
    log(`terraform check: not run: ${why}.`);
    if (ci) {
      log("terraform check: CI=true, so this is a failure: in CI the check must run.");
      return 1;
    }
    log("terraform check: skipped (exit 0 outside CI).");
    return 0;
  };
  const tf = terraformVersion(terraform);
  if (tf.problem !== undefined) return cannotRun(tf.problem);

  const started = Date.now();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-terraform-check-"));
  let provider: SharedProvider | undefined;
  try {
    const prepared = terraformEnv(scratch, options.pluginDir);
    if (typeof prepared === "string") return cannotRun(prepared);
    const t = { ...prepared, terraform };
    const awsVersion = t.awsVersion;
    const source = options.pluginDir ?? "the Terraform registry";

    log(
      `terraform check: Terraform ${tf.version}, hashicorp/aws from ${source}; ${options.configs.length} config(s), ${options.jobs} at a time, in ${scratch}`,
    );
    const providerDir = path.join(scratch, "provider");
    const installError = await installAws(t, providerDir);
    if (installError.length > 0) {
      return cannotRun(
        `hashicorp/aws cannot be installed from ${source} (${installError.join(" ").replace(/\s+/g, " ").slice(0, 300)}); offline, give a provider mirror with --plugin-dir or MWAA_TF_PLUGIN_DIR`,
      );
    }
    const schemaPromise = awsSchema(t, providerDir);
    // One provider process for every run after this (the stacks' checks), started while the configs synthesize.
    const providerPromise = sharedProvider(providerDir);

    const jobs: StackJob[] = [];
    const relaxed = new Set<string>();
    for (const config of options.configs) {
      const name = path.basename(config, ".json");
      const out = path.join(scratch, name, "cdktf.out");
      fs.mkdirSync(path.dirname(out), { recursive: true });
      let stacks: string[];
      try {
        stacks = Object.keys(synthesize(root, out, path.resolve(root, config), config));
      } catch (e) {
        log(`FAIL   ${config}: synth failed: ${(e as Error).message}`);
        const details = (e as { details?: string[] }).details ?? [];
        const errors = details.filter((l) => /error|Could not|cannot|ENOENT|not found/i.test(l));
        for (const l of (errors.length > 0 ? errors : details).slice(-8)) log(`         ${l.trim()}`);
        jobs.push({ config, stack: "(synth)", dir: "", doc: {} });
        continue;
      }
      for (const stack of stacks.sort()) {
        const dir = path.join(scratch, name, stack);
        const doc = scratchCopy(path.join(out, "stacks", stack), dir, awsVersion);
        const pinned = JSON.parse(fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8")).terraform
          ?.required_providers?.aws?.version as string | undefined;
        if (awsVersion !== undefined && pinned !== undefined && pinned !== awsVersion) relaxed.add(pinned);
        jobs.push({ config, stack, dir, doc });
      }
    }
    if (relaxed.size > 0) {
      log(
        `terraform check: the mirror has hashicorp/aws ${awsVersion}, the stacks pin ${[...relaxed].join(", ")}: the constraint is relaxed to ${awsVersion} in the scratch copies only (the synthesized JSON is unchanged).`,
      );
    }
    const schema = await schemaPromise;
    provider = await providerPromise;
    const checked = provider === undefined ? t : { ...t, env: { ...t.env, ...provider.env } };
    const width = Math.max(...jobs.map((j) => `${j.config} ${j.stack}`.length));
    const results = await pool(jobs, options.jobs, async (job): Promise<StackResult> => {
      if (job.dir === "") return { ok: false, details: [], seconds: 0, resources: 0 };
      const result = await checkStack(checked, job.dir, job.doc, schema, providerDir);
      const label = `${job.config} ${job.stack}`.padEnd(width);
      if (result.ok)
        log(
          `ok     ${label}  validate and test (plan and apply, ${result.resources} resources mocked)  ${result.seconds.toFixed(1)} s`,
        );
      else {
        log(`FAIL   ${label}  ${result.failedStep} failed  ${result.seconds.toFixed(1)} s`);
        for (const l of result.details) log(`         ${l}`);
      }
      return result;
    });
    const failed = results.filter((r) => !r.ok).length;
    const unsynthesized = jobs.filter((j) => j.dir === "").length;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const stacks = jobs.length - unsynthesized;
    log(
      `terraform check: ${stacks} stack(s) from ${options.configs.length} config(s): ${stacks - (failed - unsynthesized)} passed, ${failed - unsynthesized} failed${unsynthesized > 0 ? `; ${unsynthesized} config(s) did not synthesize` : ""}; ${seconds} s${options.keep ? ` (kept ${scratch})` : ""}`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await provider?.stop();
    if (!options.keep) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`terraform check: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
