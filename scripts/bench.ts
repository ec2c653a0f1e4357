import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replaceMeasured } from "./bench/page";

/**
 * `npm run bench`: median wall time and peak RSS of synthesizing the example config with the app
 * (cdktf.json's command), against the stock cdktf style in the same invocation, runs interleaved,
 * then a 20-environment config. Prints a line per run while it goes (stderr) and a Markdown table
 * with the project's performance budget at the end (stdout). `--write docs/performance.md` also
 * puts the table, with the machine it ran on, into that page (scripts/bench/page.ts).
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "twenty-runs": { type: "string", default: "5" },
    "skip-baseline": { type: "boolean", default: false },
    write: { type: "string" },
  },
});
// Fail before minutes of runs when the page to write has no block for the figures.
if (values.write !== undefined) replaceMeasured(readFileSync(values.write, "utf8"), "");
const runs = Number(values.runs);
const twentyRuns = Number(values["twenty-runs"]);
const root = process.cwd();
const app: string = JSON.parse(readFileSync("cdktf.json", "utf8")).app;
const baseline = "node -r ts-node/register scripts/bench/stock-main.ts";
const work = mkdtempSync(join(tmpdir(), "mwaa-bench-"));

/** The project's performance budget (docs/performance.md). */
const BUDGET = { seconds: 0.4, peakMiB: 75, timesFaster: 10, twentySeconds: 1.2 } as const;

interface Sample {
  readonly seconds: number;
  readonly peakMiB: number;
}

function timed(command: string, env: Record<string, string>): Sample {
  const rssFile = join(work, `rss-${Date.now()}-${Math.random()}`);
  const started = process.hrtime.bigint();
  const result = spawnSync("sh", ["-c", command], {
    cwd: root,
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: join(work, "out"),
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `--require ${join(root, "scripts/bench/peak-rss.js")}`,
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.toString().slice(-500)}`);
  const peaks = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
  return { seconds, peakMiB: Math.max(...peaks) / 1024 };
}

const total = 2 + runs * (values["skip-baseline"] ? 1 : 2) + twentyRuns;
let done = 0;
/** One timed run, reported on stderr as it finishes (the baseline takes seconds a run). */
function step(label: string, command: string, env: Record<string, string> = {}): Sample {
  const sample = timed(command, env);
  done += 1;
  process.stderr.write(
    `bench [${String(done).padStart(String(total).length)}/${total}] ${label.padEnd(26)} ${sample.seconds.toFixed(3)} s  ${sample.peakMiB.toFixed(1)} MiB\n`,
  );
  return sample;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = (samples: readonly Sample[]) => median(samples.map((s) => s.seconds));
const peak = (samples: readonly Sample[]) => median(samples.map((s) => s.peakMiB));
const range = (samples: readonly Sample[]) =>
  `${Math.min(...samples.map((s) => s.seconds)).toFixed(3)} to ${Math.max(...samples.map((s) => s.seconds)).toFixed(3)} s`;
const verdict = (ok: boolean) => (ok ? "ok" : "OVER");

function twentyEnvironments(): string {
  const example = JSON.parse(readFileSync("config/example.json", "utf8"));
  const base = example.environments[0];
  example.environments = Array.from({ length: 20 }, (_, i) => ({
    ...base,
    name: `${base.name}-${String(i + 1).padStart(2, "0")}`,
  }));
  const file = join(work, "twenty.json");
  writeFileSync(file, JSON.stringify(example));
  return file;
}

try {
  process.stderr.write(
    `bench: ${runs} runs of the app (${app}) and ${values["skip-baseline"] ? "no" : runs} of the baseline, interleaved, then ${twentyRuns} of 20 environments; the baseline takes several seconds a run\n`,
  );
  const twenty = twentyEnvironments();
  const load = loadavg()[0] ?? 0;
  // Warm-up: the app's bundle cache and the artifact caches, so runs measure a warm synth.
  step("warm-up", app);
  const appRuns: Sample[] = [];
  const baseRuns: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    appRuns.push(step("app", app));
    if (!values["skip-baseline"]) baseRuns.push(step("baseline", baseline));
  }
  step("warm-up, 20 environments", app, { MWAA_CONFIG: twenty });
  const twentySamples = Array.from({ length: twentyRuns }, () =>
    step("app, 20 environments", app, { MWAA_CONFIG: twenty }),
  );

  const rows: string[][] = [
    [
      "app synth of config/example.json (warm)",
      `${wall(appRuns).toFixed(3)} s`,
      range(appRuns),
      `${peak(appRuns).toFixed(1)} MiB`,
      `<= ${BUDGET.seconds} s, <= ${BUDGET.peakMiB} MiB: ${verdict(wall(appRuns) <= BUDGET.seconds && peak(appRuns) <= BUDGET.peakMiB)}`,
    ],
  ];
  if (baseRuns.length > 0) {
    const faster = wall(baseRuns) / wall(appRuns);
    rows.push([
      "baseline: ts-node + barrel import + plain app.synth(), same app",
      `${wall(baseRuns).toFixed(3)} s`,
      range(baseRuns),
      `${peak(baseRuns).toFixed(1)} MiB`,
      "",
    ]);
    rows.push([
      "app against baseline (median wall)",
      `${faster.toFixed(1)}x faster`,
      "",
      "",
      `>= ${BUDGET.timesFaster}x: ${verdict(faster >= BUDGET.timesFaster)}`,
    ]);
  }
  rows.push([
    "app synth of 20 environments (warm)",
    `${wall(twentySamples).toFixed(3)} s`,
    range(twentySamples),
    `${peak(twentySamples).toFixed(1)} MiB`,
    `<= ${BUDGET.twentySeconds} s: ${verdict(wall(twentySamples) <= BUDGET.twentySeconds)}`,
  ]);

  const table = [
    `Medians of ${runs} interleaved runs (20 environments: ${twentyRuns} runs), app command \`${app}\`; ${cpus().length} CPUs, load average ${load.toFixed(1)} at the start, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "| measurement | median wall | range | median peak RSS | budget |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
  console.log(`\nnpm run bench: ${table.join("\n")}`);
  if (values.write !== undefined) {
    writeFileSync(values.write, replaceMeasured(readFileSync(values.write, "utf8"), table.join("\n")));
    process.stderr.write(`bench: wrote the table into ${values.write}\n`);
  }
} catch (e) {
  // A failed run (a broken config, a synth error) is one message, not a stack trace.
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
