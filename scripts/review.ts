/**
 * Credential-free review of what a change does in AWS, for pull requests:
 *
 *   npm run review -- --base <git-ref-or-cdktf.out-folder> [--head <cdktf.out-folder>]
 *                     [--markdown out.md] [--fail-on-protected-replace]
 *
 * The base is a git ref (synthesized in a temporary worktree with the same MWAA_CONFIG) or a folder
 * of an earlier synth (one with manifest.json or stacks/). The head is the working tree, synthesized
 * into a temporary folder (cdktf.out is left alone), or `--head <folder>`. Prints Markdown for a PR
 * comment, writes it to `--markdown` too. Exit 0; 2 with --fail-on-protected-replace when a
 * protected resource (prevent_destroy, the MWAA environment, an S3 bucket) would be replaced or
 * destroyed; 1 with a one-line message on bad arguments or a failed synth. Never calls AWS or terraform.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { diffStacks, type Review, type TerraformDoc } from "./review/diff";
import { renderMarkdown } from "./review/render";
import { ReviewError, isSynthFolder, readSynthFolder, synthesize, synthesizeRef, tempDir } from "./review/sources";

export { diffStacks, diffStack, deepDiff } from "./review/diff";
export type { Review, StackReview, ResourceChange, TerraformDoc } from "./review/diff";
export { renderMarkdown, MARKER } from "./review/render";

/** The config main.ts synthesizes when MWAA_CONFIG is unset. */
const DEFAULT_CONFIG = "config/example.json";

const USAGE = "usage: npm run review -- --base <git-ref|cdktf.out folder> [--head <cdktf.out folder>] [--markdown <file>] [--fail-on-protected-replace]";

interface Options {
  readonly base: string;
  readonly head?: string;
  readonly markdown?: string;
  readonly failOnProtectedReplace: boolean;
}

function parse(argv: string[]): Options | "help" {
  let values: { base?: string; head?: string; markdown?: string; "fail-on-protected-replace"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        head: { type: "string" },
        markdown: { type: "string" },
        "fail-on-protected-replace": { type: "boolean", default: false },
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
  if (values.head !== undefined && !isSynthFolder(values.head)) throw new ReviewError(`--head ${values.head}: not a cdktf output folder (no manifest.json, no stacks/)`);
  if (values.markdown === "") throw new ReviewError("--markdown needs a file name");
  return { base: values.base, head: values.head, markdown: values.markdown, failOnProtectedReplace: values["fail-on-protected-replace"] ?? false };
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
      throw new ReviewError(`--base ${options.base}: a folder, but not a cdktf output folder (no manifest.json, no stacks/)`);
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
    log(`${configShown !== undefined ? `config ${configShown}; ` : ""}stacks compared: ${review.stacks.map((s) => `${s.name} (${s.status})`).join(", ") || "none"}`);
    markdown = renderMarkdown(review, { base: options.base, head: options.head ?? "working tree", config: configShown });
  } finally {
    tmp.remove();
  }
  process.stdout.write(markdown);
  if (options.markdown !== undefined) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(options.markdown)), { recursive: true });
      fs.writeFileSync(options.markdown, markdown);
    } catch (e) {
      throw new ReviewError(`cannot write ${options.markdown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const refused = review.stacks.flatMap((s) => s.changes.filter((c) => c.versionChange !== undefined && !c.versionChange.inPlace));
  if (options.failOnProtectedReplace && refused.length > 0) {
    process.stderr.write(`review: ${refused.length} Airflow version change(s) MWAA does not make in place (--fail-on-protected-replace)\n`);
    return 2;
  }
  if (options.failOnProtectedReplace && review.protectedAtRisk.length > 0) {
    process.stderr.write(`review: ${review.protectedAtRisk.length} protected resource(s) would be replaced or destroyed (--fail-on-protected-replace)\n`);
    return 2;
  }
  return 0;
}

if (require.main === module) {
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
