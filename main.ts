import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { parseConfig } from "./constructs/config";
import { ConfigError } from "./constructs/errors";
import { MwaaStack } from "./constructs/stack";

/**
 * The app: load and validate the config, then one stack per environment. Everything that can fail
 * on user input fails before cdktf.out/ is touched.
 */
function main(): void {
  const configFile = process.env.MWAA_CONFIG ?? "config/example.json";
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  let text: string;
  try {
    text = fs.readFileSync(configFile, "utf8");
  } catch (e) {
    throw new ConfigError([`${configFile}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const config = parseConfig(text, configFile);

  // Stacks of earlier synths linger in cdktf.out/stacks otherwise.
  fs.rmSync(path.join(outdir, "stacks"), { recursive: true, force: true });
  const app = new App({ outdir, stackTraces: false });
  for (const environment of config.environments) {
    new MwaaStack(app, environment.name, { environment, backend: config.backend });
  }
  app.synth();
}

try {
  main();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}
