import * as fs from "node:fs";
import * as path from "node:path";
import type { App } from "cdktf";
import { ConfigError } from "../model/errors";
import type { Config } from "../model/schema";
import { AIRFLOW_VERSIONS } from "../model/versions";
import type { LambdaCode, MwaaArtifactFiles } from "../model/prepared";
import { MwaaEndpointsStack } from "../constructs/endpoints-stack";
import { MwaaStack } from "../constructs/stack";
import { ArtifactError, prepareArtifacts } from "../plugins/artifacts";
import { bundleLambda } from "../lambda/bundle";
import type { ShippedLambda } from "../lambda/shipped";
import { hasApply } from "../constructs/airflow-state";
import { loadConfig } from "./config-cache";
import { synthesize } from "./synth";

/** The files the app prepares for one environment: props of PrivateMwaaEnvironment. */
export interface PreparedFiles {
  readonly artifactFiles?: MwaaArtifactFiles;
  readonly candidateArtifactFiles?: MwaaArtifactFiles;
  readonly workerCountCode?: LambdaCode;
  readonly signInCode?: LambdaCode;
  readonly airflowApplyCode?: LambdaCode;
  readonly airflowBackupCode?: LambdaCode;
}

/** What the app reads before it builds anything: the validated config and each environment's files. */
export interface LoadedApp {
  readonly config: Config;
  readonly assets: readonly PreparedFiles[];
}

export interface LoadOptions {
  readonly configFile: string;
  /** The project folder: artifact paths and .cache/ are under it. */
  readonly root: string;
  /** The interpreter whose pip builds plugins.zip. @default - "python3" */
  readonly python?: string;
  /** The plain path (app/synth.ts): validate without the config cache. @default false */
  readonly plain?: boolean;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
}

/**
 * Reads and validates the config and prepares what each environment uploads (cached by content).
 * Everything that can fail on user input fails here, before cdktf.out/ is touched.
 */
export function loadApp(options: LoadOptions): LoadedApp {
  const { configFile, root } = options;
  let text: string;
  try {
    text = fs.readFileSync(configFile, "utf8");
  } catch (e) {
    throw new ConfigError([
      `${configFile}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    ]);
  }
  const config =
    options.plain === true ? plainValidation().parseConfig(text, configFile) : loadConfig(text, configFile, root);
  return { config, assets: prepareAssets(config, options) };
}

/**
 * The schemas themselves, loaded on use (zod costs tens of ms): unlike model/parse.ts's
 * parseConfig, this records nothing, so each construct validates its environment again.
 */
function plainValidation(): typeof import("../model/validation") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../model/validation") as typeof import("../model/validation");
}

/** One stack per environment, plus the endpoints stack of a "vpc-owner" environment, written to `outdir`. */
export function synthStacks({ config, assets }: LoadedApp, outdir: string, plain: boolean): void {
  synthesize(
    outdir,
    (app: App) => {
      config.environments.forEach((environment, i) => {
        const stack = new MwaaStack(app, environment.name, {
          environment: { ...environment, ...assets[i] },
          backend: config.backend,
        });
        if (environment.endpoints.createdBy === "vpc-owner") {
          new MwaaEndpointsStack(app, `${environment.name}-endpoints`, {
            environment,
            environmentStack: stack,
            backend: config.backend,
          });
        }
      });
    },
    plain,
  );
}

/**
 * Builds what each environment uploads (cached by content); errors name the config field. The app
 * bundles its own Lambda code (the fast runner has no shipped bundles beside it).
 */
function prepareAssets(config: Config, { configFile, root, python, log }: LoadOptions): PreparedFiles[] {
  const errors: string[] = [];
  const lambdaCache = path.join(root, ".cache", "lambda");
  const bundleIf = (needed: boolean, name: ShippedLambda) =>
    needed
      ? bundleLambda({ entry: path.join(root, "lambda", name, "handler.ts"), cacheDir: lambdaCache, name })
      : undefined;
  const workerCountCode = bundleIf(
    config.environments.some((env) => env.monitoring.workerCount),
    "worker-count",
  );
  const signInCode = bundleIf(
    config.environments.some((env) => env.access?.sso !== undefined),
    "login",
  );
  const airflowApplyCode = bundleIf(
    config.environments.some((env) => hasApply(env.airflowState)),
    "airflow-apply",
  );
  const airflowBackupCode = bundleIf(
    config.environments.some((env) => env.airflowState?.backup !== undefined),
    "airflow-backup",
  );
  const prepare = (
    artifacts: NonNullable<Config["environments"][number]["artifacts"]>,
    version: keyof typeof AIRFLOW_VERSIONS,
    field: string,
  ): MwaaArtifactFiles | undefined => {
    try {
      // Wheels for the Python of that environment's Airflow version.
      const pythonVersion = AIRFLOW_VERSIONS[version].python;
      return prepareArtifacts(artifacts, {
        pythonVersion,
        airflowVersion: version,
        root,
        cacheDir: path.join(root, ".cache", "plugins"),
        pythonExecutable: python,
        log,
      });
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
      ...(env.artifacts !== undefined
        ? { artifactFiles: prepare(env.artifacts, env.airflow.version, `environments[${i}].artifacts`) }
        : {}),
      ...(candidate?.artifacts !== undefined
        ? {
            candidateArtifactFiles: prepare(
              candidate.artifacts,
              candidate.airflow.version,
              `environments[${i}].migration.candidate.artifacts`,
            ),
          }
        : {}),
    };
  });
  if (errors.length > 0) throw new ConfigError(errors);
  return assets;
}
