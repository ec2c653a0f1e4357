import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * `npm run bench`: median wall time and peak RSS of synthesizing the example config with the app
 * (cdktf.json's command), against the stock cdktf style in the same invocation, runs interleaved.
 */
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, "skip-baseline": { type: "boolean", default: false } } });
const runs = Number(values.runs);
const root = process.cwd();
const app: string = JSON.parse(readFileSync("cdktf.json", "utf8")).app;
const work = mkdtempSync(join(tmpdir(), "mwaa-bench-"));

interface Sample {
  readonly seconds: number;
  readonly peakMiB: number;
}

function timed(command: string, env: Record<string, string>): Sample {
  const rssFile = join(work, `rss-${Date.now()}-${Math.random()}`);
  const started = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", command], {
    cwd: root,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: join(work, "out"), BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${join(root, "scripts/bench/peak-rss.js")}`, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.toString().slice(-500)}`);
  const peaks = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
  return { seconds, peakMiB: Math.max(...peaks) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (label: string, samples: Sample[]) =>
  `${label.padEnd(34)} wall median ${median(samples.map((s) => s.seconds)).toFixed(3)} s (min ${Math.min(...samples.map((s) => s.seconds)).toFixed(3)}, max ${Math.max(...samples.map((s) => s.seconds)).toFixed(3)})   peak RSS median ${median(samples.map((s) => s.peakMiB)).toFixed(1)} MiB`;

function twentyEnvironments(): string {
  const example = JSON.parse(readFileSync("config/example.json", "utf8"));
  const base = example.environments[0];
  example.environments = Array.from({ length: 20 }, (_, i) => ({ ...base, name: `${base.name}-${String(i + 1).padStart(2, "0")}` }));
  const file = join(work, "twenty.json");
  writeFileSync(file, JSON.stringify(example));
  return file;
}

try {
  const baseline = "node -r ts-node/register scripts/bench/stock-main.ts";
  // Warm-up: the app's bundle cache and the artifact caches, so runs measure a warm synth.
  timed(app, {});
  const appRuns: Sample[] = [];
  const baseRuns: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    appRuns.push(timed(app, {}));
    if (!values["skip-baseline"]) baseRuns.push(timed(baseline, {}));
  }
  const twenty = twentyEnvironments();
  timed(app, { MWAA_CONFIG: twenty });
  const twentyRuns = Array.from({ length: Math.min(runs, 3) }, () => timed(app, { MWAA_CONFIG: twenty }));

  console.log(`synth of config/example.json, ${runs} runs each, interleaved`);
  console.log(row(`app (${app})`, appRuns));
  if (baseRuns.length > 0) {
    console.log(row("baseline (ts-node + barrel import)", baseRuns));
    const ratio = median(appRuns.map((s) => s.seconds)) / median(baseRuns.map((s) => s.seconds));
    console.log(`ratio app/baseline (median wall): ${ratio.toFixed(3)}  (${(1 / ratio).toFixed(1)}x faster)`);
  }
  console.log(row("app, 20 environments", twentyRuns));
} finally {
  rmSync(work, { recursive: true, force: true });
}
