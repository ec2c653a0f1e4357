/**
 * Terraform itself on one synthesized stack, in a scratch copy: `terraform init -backend=false`,
 * `terraform validate`, then `terraform test` with a generated file of mocks that plans and applies
 * the stack (terraform-check/test-file.ts). No credentials, no state, nothing outside the copy.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { type ProviderSchema, type StackDocument, mockedTestFile } from "./test-file";
import { pinnedAwsVersion } from "./provider-aws";

export { pinnedAwsVersion };

export interface TerraformEnv {
  /** The terraform executable. @default "terraform" */
  readonly terraform?: string;
  /** Environment of every terraform run (TF_CLI_CONFIG_FILE for a provider mirror, TF_PLUGIN_CACHE_DIR). */
  readonly env: NodeJS.ProcessEnv;
  /** hashicorp/aws version to write into the scratch copy's constraint, when it differs from the pinned one. @default - the pinned one */
  readonly awsVersion?: string;
}

export interface StackResult {
  readonly ok: boolean;
  /** The step that failed. */
  readonly failedStep?: "init" | "validate" | "test";
  /** Terraform's error lines of the failed step (first ones), or a summary on success. */
  readonly details: readonly string[];
  readonly seconds: number;
  /** Managed resources in the stack. */
  readonly resources: number;
}

interface Run {
  readonly code: number;
  /** stdout and stderr, merged. */
  readonly output: string;
  readonly stdout: string;
}

/** The hashicorp/aws versions a provider mirror holds (<dir>/registry.terraform.io/hashicorp/aws/<version>), newest first. */
export function mirrorVersions(dir: string): string[] {
  const awsDir = path.join(dir, "registry.terraform.io", "hashicorp", "aws");
  try {
    return fs
      .readdirSync(awsDir)
      .filter((v) => /^\d+\.\d+\.\d+/.test(v))
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  } catch {
    return [];
  }
}

/**
 * The environment of every terraform run, with its files under `scratch`: a plugin cache shared
 * by the stacks (unless the user has one), and with `pluginDir`, a CLI config that makes that mirror
 * the only provider source, like `init -plugin-dir`, but symlinked rather than copied per stack
 * (https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation).
 * A string: why it cannot run.
 */
export function terraformEnv(scratch: string, pluginDir: string | undefined): TerraformEnv | string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_PLUGIN_CACHE_DIR: process.env.TF_PLUGIN_CACHE_DIR || path.join(scratch, "plugin-cache"),
  };
  fs.mkdirSync(env.TF_PLUGIN_CACHE_DIR as string, { recursive: true });
  if (pluginDir === undefined) return { env };
  const versions = mirrorVersions(pluginDir);
  if (versions.length === 0)
    return `${pluginDir} holds no registry.terraform.io/hashicorp/aws/<version> (the layout of terraform init -plugin-dir)`;
  const cliConfig = path.join(scratch, "terraform.rc");
  fs.writeFileSync(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(pluginDir)}\n  }\n}\n`,
  );
  return { env: { ...env, TF_CLI_CONFIG_FILE: cliConfig }, awsVersion: versions[0] };
}

/** Runs terraform in `cwd`, resolving with its exit code and merged output (never rejects). */
export function terraform(t: TerraformEnv, cwd: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(t.terraform ?? "terraform", [...args], {
      cwd,
      env: { ...t.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
    });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (e) => resolve({ code: 127, output: e.message, stdout }));
    child.on("close", (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

/** The lines of a failed run worth showing: Terraform's `Error:` blocks, else its last lines. */
export function errorLines(output: string, max = 12): string[] {
  const lines = output.split("\n").map((l) => l.replace(/^[│╷╵]\s?/, "").trimEnd());
  const start = lines.findIndex((l) => /^Error: /.test(l.trim()));
  const picked = (start >= 0 ? lines.slice(start) : lines.slice(-max)).filter((l) => l.trim() !== "");
  return picked.slice(0, max);
}

/**
 * Copies a stack folder (cdk.tf.json and its assets) to `scratch`, with the aws constraint set to
 * `awsVersion` when given and without `prevent_destroy` (the test's teardown destroys everything).
 * Returns the parsed document.
 */
export function scratchCopy(
  stackDir: string,
  scratch: string,
  awsVersion?: string,
): StackDocument & { terraform?: { required_providers?: { aws?: { version?: string } } } } {
  fs.cpSync(stackDir, scratch, { recursive: true, dereference: true });
  const file = path.join(scratch, "cdk.tf.json");
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument & {
    terraform?: { required_providers?: { aws?: { version?: string } } };
  };
  const aws = doc.terraform?.required_providers?.aws;
  if (awsVersion !== undefined && aws !== undefined) aws.version = awsVersion;
  // `terraform test` destroys what it applied; prevent_destroy (MWAA environment, bucket) would fail that teardown.
  for (const byName of Object.values(doc.resource ?? {})) {
    for (const block of Object.values(byName) as { lifecycle?: { prevent_destroy?: boolean } }[])
      delete block.lifecycle?.prevent_destroy;
  }
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return doc;
}

/**
 * Gives the stack copied to `dir` the `terraform init` already done in `initDir` (installAws's
 * folder), when the stack requires nothing else: only hashicorp/aws, at the version initialized
 * there, and no modules. Its lock file is copied and its providers folder linked (the provider
 * itself is a link into the plugin cache already): one init for every stack instead of one each.
 * Returns false when the stack needs its own init.
 */
export function reuseInit(initDir: string, dir: string, doc: StackDocument): boolean {
  const required =
    (doc as { terraform?: { required_providers?: Record<string, { version?: string }> } }).terraform
      ?.required_providers ?? {};
  const initialized = (
    JSON.parse(fs.readFileSync(path.join(initDir, "main.tf.json"), "utf8")) as {
      terraform: { required_providers: { aws: { version: string } } };
    }
  ).terraform.required_providers.aws.version;
  const providers = path.join(initDir, ".terraform", "providers");
  if (
    Object.keys(required).join() !== "aws" ||
    required.aws?.version !== initialized ||
    "module" in doc ||
    !fs.existsSync(providers)
  )
    return false;
  fs.copyFileSync(path.join(initDir, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  fs.mkdirSync(path.join(dir, ".terraform"), { recursive: true });
  fs.symlinkSync(providers, path.join(dir, ".terraform", "providers"), "dir");
  return true;
}

/**
 * The mocked test of one stack folder already copied to `dir`: init (unless `initDir`'s can be
 * reused, reuseInit), then `terraform test`, whose run validates the configuration first (an
 * unknown attribute fails it, named), so no separate `terraform validate` is spent on loading the
 * provider's schema again. Without a schema for the mocks there is no test: `terraform validate`
 * runs instead and the stack fails after it.
 */
export async function checkStack(
  t: TerraformEnv,
  dir: string,
  doc: StackDocument,
  schema: ProviderSchema | undefined,
  initDir?: string,
): Promise<StackResult> {
  const started = Date.now();
  const resources = Object.values(doc.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const done = (ok: boolean, details: string[], failedStep?: StackResult["failedStep"]): StackResult => ({
    ok,
    details,
    failedStep,
    resources,
    seconds: (Date.now() - started) / 1000,
  });
  if (initDir === undefined || !reuseInit(initDir, dir, doc)) {
    const init = await terraform(t, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.code !== 0) return done(false, errorLines(init.output), "init");
  }
  if (schema === undefined) {
    const validate = await terraform(t, dir, ["validate", "-no-color"]);
    if (validate.code !== 0) return done(false, errorLines(validate.output), "validate");
    return done(false, ["no provider schema for the mocks (terraform providers schema failed)"], "test");
  }
  fs.mkdirSync(path.join(dir, "tests"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tests", "mocked.tftest.hcl"), mockedTestFile(doc, schema));
  const test = await terraform(t, dir, ["test", "-no-color"]);
  if (test.code !== 0) return done(false, errorLines(test.output), "test");
  return done(true, []);
}

/**
 * Installs hashicorp/aws in a folder that only requires the provider (a stack's own folder would
 * need its backend initialized for `providers schema`). Returns Terraform's error lines when the
 * provider cannot be had (no registry, no mirror), else an empty list.
 */
export async function installAws(t: TerraformEnv, dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  // The mocks follow the schema of the provider the stacks run with: the mirror's, else the pinned one.
  const aws = { source: "hashicorp/aws", version: t.awsVersion ?? pinnedAwsVersion() };
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws } } }));
  const init = await terraform(t, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  return init.code === 0 ? [] : errorLines(init.output, 4);
}

/** The aws provider schema for the mocks, from `terraform providers schema -json` in the folder of installAws. */
export async function awsSchema(t: TerraformEnv, dir: string): Promise<ProviderSchema | undefined> {
  const run = await terraform(t, dir, ["providers", "schema", "-json"]);
  if (run.code !== 0) return undefined;
  try {
    const all = JSON.parse(run.stdout) as { provider_schemas?: Record<string, ProviderSchema> };
    return Object.entries(all.provider_schemas ?? {}).find(([k]) => k.endsWith("hashicorp/aws"))?.[1];
  } catch {
    return undefined;
  }
}

/** A hashicorp/aws process that every terraform run attaches to, and how to end it. */
export interface SharedProvider {
  /** TF_REATTACH_PROVIDERS for the runs' environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Ends the provider and waits until it has exited (at most a few seconds). */
  stop(): Promise<void>;
}

/**
 * Starts the hashicorp/aws that installAws put in `initDir` once, in its debug mode, which serves
 * the provider and prints a TF_REATTACH_PROVIDERS value; terraform runs given that variable use the
 * running provider instead of starting their own ("debugger-based debugging": hashicorp/terraform
 * #20466; the provider's `-debug` flag). A mocked `terraform test` starts the provider 7 times (its
 * schema, validation, plan, apply and the teardown), each start loading the whole schema of AWS:
 * attached, a stack's test took 3.3 s of CPU instead of 5.4 s here. Undefined when the provider
 * prints no such value in time (each run then starts its own, as before).
 */
export function sharedProvider(initDir: string, timeoutMs = 120_000): Promise<SharedProvider | undefined> {
  const archDir = path.join(initDir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws");
  const binary = (() => {
    try {
      const [version] = fs.readdirSync(archDir);
      const versionDir = path.join(archDir, version ?? "");
      const [arch] = fs.readdirSync(versionDir);
      const dir = path.join(versionDir, arch ?? "");
      const file = fs.readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws"));
      return file === undefined ? undefined : path.join(dir, file);
    } catch {
      return undefined;
    }
  })();
  if (binary === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn(binary, ["-debug"], { stdio: ["ignore", "pipe", "ignore"] });
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    };
    // Never left running after this process, whatever ends it.
    process.once("exit", kill);
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    const stop = async () => {
      kill();
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5000).unref())]);
    };
    let out = "";
    const timer = setTimeout(() => {
      kill();
      resolve(undefined);
    }, timeoutMs);
    child.on("error", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const reattach = /TF_REATTACH_PROVIDERS='([^'\n]+)'/.exec(out)?.[1];
      if (reattach === undefined) return;
      clearTimeout(timer);
      // Nothing more to read; a full pipe must not block the provider.
      child.stdout.removeAllListeners("data");
      child.stdout.resume();
      resolve({ env: { TF_REATTACH_PROVIDERS: reattach }, stop });
    });
  });
}
