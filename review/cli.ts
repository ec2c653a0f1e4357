/**
 * Credential-free review of what a change does in AWS, for pull requests:
 *
 *   npm run review -- --base <git-ref-or-cdktf.out-folder> [--head <cdktf.out-folder>]
 *                     [--markdown out.md] [--fail-on-protected-replace]
 *
 * The base is a git ref (synthesized in a temporary worktree with the same MWAA_CONFIG) or a folder
 * of an earlier synth (one with manifest.json or stacks/). The head is the working tree, synthesized
 * into a temporary folder (cdktf.out is left alone), or `--head <folder>`. Prints Markdown for a PR
 * comment, writes it to `--markdown` too. Exit 0; 2 when an Airflow version change is refused
 * (MWAA does not make it in place: a major upgrade, a downgrade below 2.11.x), and with
 * --fail-on-protected-replace also when a protected resource (prevent_destroy, the MWAA
 * environment, an S3 bucket) would be replaced or destroyed; 1 with a one-line message on bad arguments or a failed synth. Never calls AWS or terraform.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { diffStacks, type Review, type TerraformDoc } from "./diff";
import { isRefused, renderMarkdown } from "./render";
import { ReviewError, isSynthFolder, readSynthFolder, synthesize, synthesizeRef, tempDir } from "./sources";
import { argumentsMissingFrom, judgeReview, judgementMarkdown, prepareJudge } from "./terraform-judge";
import { pinnedAwsVersion } from "../terraform-check/check-stack";

export { diffStacks, diffStack, deepDiff } from "./diff";
export type { Review, StackReview, ResourceChange, TerraformDoc } from "./diff";
export { renderMarkdown, MARKER } from "./render";

/** The config main.ts synthesizes when MWAA_CONFIG is unset. */
const DEFAULT_CONFIG = "config/example.json";

/** The exit code of a review with a refused Airflow version change (2: a protected resource at risk, 3: the Terraform judge disagrees). */
export const REFUSED_EXIT = 4;

const USAGE =
  "usage: npm run review -- --base <git-ref|cdktf.out folder> [--head <cdktf.out folder>] [--markdown <file>] [--fail-on-protected-replace] [--judge-with-terraform]";

interface Options {
  readonly base: string;
  readonly head?: string;
  readonly markdown?: string;
  readonly failOnProtectedReplace: boolean;
  /** Plan both synths with the real provider and report where the rules table and Terraform disagree. */
  readonly judge?: boolean;
}

function parse(argv: string[]): Options | "help" {
  let values: {
    base?: string;
    head?: string;
    markdown?: string;
    "fail-on-protected-replace"?: boolean;
    "judge-with-terraform"?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        head: { type: "string" },
        markdown: { type: "string" },
        "fail-on-protected-replace": { type: "boolean", default: false },
        "judge-with-terraform": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new ReviewError(`${(e as Error).message.split("\n")[0]} (${USAGE})`);
  }
  if (values.help) return "help";
  if (values.base === undefined || values.base === "") throw new ReviewError(`--base is required (${USAGE})`);
  if (values.head !== undefined && !isSynthFolder(values.head))
    throw new ReviewError(`--head ${values.head}: not a cdktf output folder (no manifest.json, no stacks/)`);
  if (values.markdown === "") throw new ReviewError("--markdown needs a file name");
  if (values["judge-with-terraform"] === true && (values.head === undefined || !isSynthFolder(values.base))) {
    throw new ReviewError("--judge-with-terraform: give --base and --head as cdktf output folders");
  }
  return {
    base: values.base,
    head: values.head,
    markdown: values.markdown,
    failOnProtectedReplace: values["fail-on-protected-replace"] ?? false,
    judge: values["judge-with-terraform"] ?? false,
  };
}

/** Runs the review; returns the exit code. */
export function run(argv: string[], cwd = process.cwd()): number {
  const options = parse(argv);
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = process.env.MWAA_CONFIG;
  const tmp = tempDir();
  let review: Review;
  let markdown: string;
  try {
    const log = (line: string) => process.stderr.write(`review: ${line}\n`);
    let base: Record<string, TerraformDoc>;
    if (isSynthFolder(options.base)) {
      base = readSynthFolder(options.base);
    } else if (fs.existsSync(options.base) && fs.statSync(options.base).isDirectory()) {
      throw new ReviewError(
        `--base ${options.base}: a folder, but not a cdktf output folder (no manifest.json, no stacks/)`,
      );
    } else {
      base = synthesizeRef(cwd, options.base, config, tmp.dir, log);
    }
    let head: Record<string, TerraformDoc>;
    if (options.head !== undefined) head = readSynthFolder(options.head);
    else {
      log("synthesizing the working tree");
      head = synthesize(cwd, path.join(tmp.dir, "head-out"), config, "the working tree");
    }
    review = diffStacks(base, head);
    // Name the config only when this review synthesized something with it.
    const synthesized = options.head === undefined || !isSynthFolder(options.base);
    const configShown = synthesized ? (config ?? `${DEFAULT_CONFIG} (MWAA_CONFIG unset)`) : undefined;
    log(
      `${configShown !== undefined ? `config ${configShown}; ` : ""}stacks compared: ${review.stacks.map((s) => `${s.name} (${s.status})`).join(", ") || "none"}`,
    );
    markdown = renderMarkdown(review, {
      base: options.base,
      head: options.head ?? "working tree",
      config: configShown,
    });
  } finally {
    tmp.remove();
  }
  process.stdout.write(markdown);
  if (options.markdown !== undefined) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(options.markdown)), { recursive: true });
      fs.writeFileSync(options.markdown, markdown);
    } catch (e) {
      throw new ReviewError(
        `cannot write ${options.markdown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  }
  // A refused change fails the review whatever the flags, with its own code: it cannot be applied
  // as planned, which is not the same as a protected resource being replaced.
  const refused = review.stacks.flatMap((s) => s.changes.filter(isRefused));
  if (refused.length > 0) {
    process.stderr.write(`review: ${refused.length} Airflow version change(s) MWAA does not make in place (refused)\n`);
    return REFUSED_EXIT;
  }
  if (options.failOnProtectedReplace && review.protectedAtRisk.length > 0) {
    process.stderr.write(
      `review: ${review.protectedAtRisk.length} protected resource(s) would be replaced or destroyed (--fail-on-protected-replace)\n`,
    );
    return 2;
  }
  return 0;
}

/**
 * `--judge-with-terraform`: the review, then each changed stack planned with the real provider
 * (registry, or the mirror of MWAA_TF_PLUGIN_DIR) against a state crafted from the base; exit 3
 * when the review and Terraform disagree on an address (a deferred read is explained, not counted).
 */
export async function runJudged(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (options === "help" || options.judge !== true) return run(argv);
  const code = run(argv.filter((a) => a !== "--judge-with-terraform"));
  const base = readSynthFolder(options.base);
  const head = readSynthFolder(options.head as string);
  const review = diffStacks(base, head);
  const tmp = tempDir();
  try {
    const judge = await prepareJudge(tmp.dir, process.env.MWAA_TF_PLUGIN_DIR || undefined);
    if (typeof judge === "string") throw new ReviewError(`--judge-with-terraform: ${judge}`);
    const j = await judgeReview(
      review,
      { base: options.base, head: options.head as string },
      { base, head },
      judge,
      tmp.dir,
    );
    const lines = judgementMarkdown(j, pinnedAwsVersion(), argumentsMissingFrom(judge.schema));
    process.stdout.write(`${lines.join("\n")}\n`);
    if (options.markdown !== undefined) fs.appendFileSync(options.markdown, `${lines.join("\n")}\n`);
    return j.disagreements.length > 0 ? 3 : code;
  } finally {
    tmp.remove();
  }
}

if (require.main === module && process.argv.includes("--judge-with-terraform")) {
  runJudged(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`review: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
} else if (require.main === module) {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ReviewError)) {
      process.stderr.write(`review: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`review: ${e.message}\n`);
      for (const line of e.details) process.stderr.write(`  ${line}\n`);
      process.exitCode = 1;
    }
  }
}
