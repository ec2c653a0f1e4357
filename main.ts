import * as fs from "fs";
import * as path from "path";
import { App, CONTEXT_ENV } from "cdktf";
import { ConfigError } from "./constructs/errors";
import type { Config } from "./constructs/model";
import { AIRFLOW_VERSIONS } from "./constructs/versions";
import type { LambdaCode, MwaaArtifactFiles } from "./shared/prepared";
import { MwaaEndpointsStack } from "./constructs/endpoints-stack";
import { MwaaStack } from "./constructs/stack";
import { ArtifactError, prepareArtifacts } from "./plugins/artifacts";
import { bundleLambda } from "./lambda/bundle";
import { loadConfig } from "./scripts/config-cache";
import { synthApp } from "./scripts/fast-synth";
import { summarizeOutput, summaryLines } from "./scripts/synth-summary";
import { DEFAULT_COST } from "./scripts/cost/infracost-usage";

/**
 * The app: load and validate the config, prepare the files each environment uploads, then one
 * stack per environment. Everything that can fail on user input fails before cdktf.out/ is touched.
 */
function main(): void {
  const configFile = process.env.MWAA_CONFIG ?? "config/example.json";
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  // The interpreter whose pip builds plugins.zip, for machines where "python3" is missing or has no pip.
  const python = process.env.MWAA_PYTHON || undefined;
  const root = process.cwd();
  let text: string;
  try {
    text = fs.readFileSync(configFile, "utf8");
  } catch (e) {
    throw new ConfigError([`${configFile}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const config = loadConfig(text, configFile, root);
  const assets = prepareAssets(config, configFile, root, python);

  const restoreStackTraces = withoutTokenStackTraces();
  try {
    const app = new App({ outdir, stackTraces: false });
    config.environments.forEach((environment, i) => {
      const stack = new MwaaStack(app, environment.name, { environment: { ...environment, ...assets[i] }, backend: config.backend });
      if (environment.endpoints.createdBy === "vpc-owner") {
        new MwaaEndpointsStack(app, `${environment.name}-endpoints`, { environment, environmentStack: stack, backend: config.backend });
      }
    });
    // Only now, with every construct built: it also removes what earlier synths left in cdktf.out/stacks.
    synthApp(app);
  } finally {
    restoreStackTraces();
  }
  // The cdktf CLI sets CDKTF_CONTEXT_JSON for its app command (@cdktf/cli-core synth-stack.js).
  const costs = new Map(config.environments.map((env) => [env.name, env.cost]));
  // Stacks without an environment (the endpoints stack) get an empty usage file.
  const stacks = summarizeOutput(outdir, process.cwd(), (stack) => costs.get(stack) ?? DEFAULT_COST);
  for (const line of summaryLines(stacks, process.env[CONTEXT_ENV] !== undefined)) progress(line);
}

/**
 * Progress and the summary go to stdout: the cdktf CLI shows the app's stdout as it is, but labels
 * every stderr chunk "[ERROR]" (@cdktf/commons util.js exec -> processLoggerError). stderr is kept
 * for errors.
 */
function progress(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * cdktf records a full stack trace for every token it creates, kept only for its own error
 * messages; that is about 40% of a synth. Errors thrown meanwhile still get their stack: V8
 * records it when an Error is constructed, without calling Error.captureStackTrace.
 */
function withoutTokenStackTraces(): () => void {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = () => undefined;
  return () => {
    Error.captureStackTrace = capture;
  };
}

/** The files the app prepares for one environment: props of PrivateMwaaEnvironment. */
interface PreparedFiles {
  readonly artifactFiles?: MwaaArtifactFiles;
  readonly candidateArtifactFiles?: MwaaArtifactFiles;
  readonly workerCountCode?: LambdaCode;
  readonly signInCode?: LambdaCode;
  readonly airflowApplyCode?: LambdaCode;
  readonly airflowBackupCode?: LambdaCode;
}

/**
 * Builds what each environment uploads (cached by content); errors name the config field. The app
 * bundles its own Lambda code (the fast runner has no shipped bundles beside it).
 */
function prepareAssets(config: Config, configFile: string, root: string, pythonExecutable: string | undefined): PreparedFiles[] {
  const log = progress;
  const errors: string[] = [];
  const lambdaCache = path.join(root, ".cache", "lambda");
  const workerCountCode = config.environments.some((env) => env.monitoring.workerCount)
    ? bundleLambda({ entry: path.join(root, "lambda", "worker-count", "handler.ts"), cacheDir: lambdaCache, name: "worker-count" })
    : undefined;
  const signInCode = config.environments.some((env) => env.access?.sso !== undefined)
    ? bundleLambda({ entry: path.join(root, "lambda", "login", "handler.ts"), cacheDir: lambdaCache, name: "login" })
    : undefined;
  const bundleIf = (needed: boolean, name: string) => (needed ? bundleLambda({ entry: path.join(root, "lambda", name, "handler.ts"), cacheDir: lambdaCache, name }) : undefined);
  const airflowApplyCode = bundleIf(config.environments.some((env) => (env.airflowState?.pools.length ?? 0) + (env.airflowState?.variables.length ?? 0) > 0), "airflow-apply");
  const airflowBackupCode = bundleIf(config.environments.some((env) => env.airflowState?.backup !== undefined), "airflow-backup");
  const prepare = (artifacts: NonNullable<Config["environments"][number]["artifacts"]>, version: keyof typeof AIRFLOW_VERSIONS, field: string): MwaaArtifactFiles | undefined => {
    try {
      // Wheels for the Python of that environment's Airflow version.
      const pythonVersion = AIRFLOW_VERSIONS[version].python;
      return prepareArtifacts(artifacts, { pythonVersion, airflowVersion: version, root, cacheDir: path.join(root, ".cache", "plugins"), pythonExecutable, log });
    } catch (e) {
      if (!(e instanceof ArtifactError)) throw e;
      errors.push(`${configFile}: ${field}.${e.field}: ${e.message}`);
      return undefined;
    }
  };
  const assets = config.environments.map((env, i): PreparedFiles => {
    const candidate = env.migration?.candidate;
    return {
      workerCountCode,
      signInCode,
      ...(airflowApplyCode !== undefined ? { airflowApplyCode } : {}),
      ...(airflowBackupCode !== undefined ? { airflowBackupCode } : {}),
      ...(env.artifacts !== undefined ? { artifactFiles: prepare(env.artifacts, env.airflow.version, `environments[${i}].artifacts`) } : {}),
      ...(candidate?.artifacts !== undefined ? { candidateArtifactFiles: prepare(candidate.artifacts, candidate.airflow.version, `environments[${i}].migration.candidate.artifacts`) } : {}),
    };
  });
  if (errors.length > 0) throw new ConfigError(errors);
  return assets;
}

try {
  main();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}
