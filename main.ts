import { CONTEXT_ENV } from "cdktf";
import { ConfigError } from "./model/errors";
import { loadApp, synthStacks } from "./app/mwaa-app";
import { summarizeOutput, summaryLines } from "./app/synth-summary";
import { plainSynthRequested } from "./app/synth";
import { DEFAULT_COST } from "./cost/infracost-usage";

/**
 * The app: load and validate the config, prepare the files each environment uploads, then one
 * stack per environment (app/mwaa-app.ts). Everything that can fail on user input fails before
 * cdktf.out/ is touched. MWAA_PLAIN_SYNTH=1 takes the plain path (app/synth.ts).
 */
function main(): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const plain = plainSynthRequested();
  const loaded = loadApp({
    configFile: process.env.MWAA_CONFIG ?? "config/example.json",
    root: process.cwd(),
    // The interpreter whose pip builds plugins.zip, for machines where "python3" is missing or has no pip.
    python: process.env.MWAA_PYTHON || undefined,
    plain,
    log: progress,
  });
  synthStacks(loaded, outdir, plain);
  const costs = new Map(loaded.config.environments.map((env) => [env.name, env.cost]));
  // Stacks without an environment (the endpoints stack) get an empty usage file.
  const stacks = summarizeOutput(outdir, process.cwd(), (stack) => costs.get(stack) ?? DEFAULT_COST);
  // The cdktf CLI sets CDKTF_CONTEXT_JSON for its app command (@cdktf/cli-core synth-stack.js).
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

try {
  main();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}
