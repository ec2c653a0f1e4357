import { PluginsError } from "./errors";

/** Where MWAA unpacks plugins.zip on every Airflow container. */
export const MWAA_PLUGINS_DIR = "/usr/local/airflow/plugins";
/** File names the pipeline adds to plugins.zip beside the wheels. */
export const ZIP_CONSTRAINTS_NAME = "constraints.txt";
export const ZIP_STARTUP_REQUIREMENTS_NAME = "startup-requirements.txt";

/** Options that send pip to the internet (or repeat what the header says); dropped from the upload. */
const INDEX_OPTIONS = new Set([
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "--no-index",
  "--trusted-host",
]);
/** Options that point at other local files or source trees, which MWAA cannot see. */
const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  "-r": "inline the lines of the included file here",
  "--requirement": "inline the lines of the included file here",
  "-c": "pass the constraints file as the pipeline's constraints input instead: it is shipped in plugins.zip and referenced from the uploaded file",
  "--constraint":
    "pass the constraints file as the pipeline's constraints input instead: it is shipped in plugins.zip and referenced from the uploaded file",
  "-e": "build a wheel of the project and list it by name and version",
  "--editable": "build a wheel of the project and list it by name and version",
};

export interface RenderOptions {
  /** Name of the source file, for the header and for error messages (a base name: no checkout path). */
  readonly sourceName: string;
  /** The folder pip installs from: MWAA_PLUGINS_DIR for the upload, a local folder for the offline check. */
  readonly findLinks: string;
  /** Constraints file path as pip will see it, if any. */
  readonly constraintsPath?: string;
  /** For the startup set: the header says the venv, not MWAA, reads the file. */
  readonly purpose?: "mwaa" | "startup";
}

/** A pip "logical line": physical lines joined by a trailing backslash, with their line number. */
interface LogicalLine {
  readonly number: number;
  readonly physical: readonly string[];
  readonly text: string;
}

function logicalLines(content: string): LogicalLine[] {
  const physical = content
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  if (physical[physical.length - 1] === "") physical.pop();
  const out: LogicalLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    const group = [physical[i]];
    while (/\\$/.test(physical[i]) && i + 1 < physical.length) group.push(physical[++i]);
    const text = group.map((line) => line.replace(/\\$/, "")).join("");
    out.push({ number: start + 1, physical: group, text: text.replace(/(^|\s+)#.*$/, "").trim() });
  }
  return out;
}

/** The option a line starts with (`--index-url=x`, `-ihttps://...`, `-r file`), or undefined. */
function optionName(text: string): string | undefined {
  if (text.startsWith("--")) return /^--[A-Za-z0-9-]+/.exec(text)?.[0];
  if (text.startsWith("-")) return text.slice(0, 2);
  return undefined;
}

/** Hides credentials of a URL (`https://user:token@host` -> `https://***@host`) before it is written anywhere. */
export function redactCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]+@/g, "$1***@");
}

function isDirectReference(text: string): boolean {
  return text.includes("://") || /^(\.{1,2}\/|\/|~)/.test(text) || /^[A-Za-z0-9._-]+(\[[^\]]*\])?\s*@/.test(text);
}

/**
 * Checks one requirements file for lines MWAA could not install without internet, and returns
 * how many requirement lines (packages) it lists. Throws PluginsError naming the line.
 */
export function countRequirements(content: string, sourceName: string): number {
  let count = 0;
  for (const line of logicalLines(content)) {
    if (line.text === "") continue;
    const option = optionName(line.text);
    if (option !== undefined) {
      const advice = UNSUPPORTED_OPTIONS[option];
      if (advice !== undefined)
        throw new PluginsError(
          `${sourceName} line ${line.number}: "${redactCredentials(line.text)}" cannot be used in a private environment; ${advice}`,
        );
      continue;
    }
    if (isDirectReference(line.text)) {
      throw new PluginsError(
        `${sourceName} line ${line.number}: "${redactCredentials(line.text)}" is a URL or path, which MWAA would fetch at install time; list the package by name and version (its wheel ships in plugins.zip)`,
      );
    }
    count++;
  }
  return count;
}

function header(options: RenderOptions): string[] {
  const reader = options.purpose === "startup" ? "startup.sh installs these into its own venv" : "MWAA installs these";
  const lines = [
    `# Generated from ${options.sourceName} by the plugins.zip pipeline (plugins/): edit that file, not this one.`,
    `# ${reader} without internet, only from the wheels shipped in plugins.zip.`,
    `--find-links ${options.findLinks}`,
    "--no-index",
  ];
  if (options.constraintsPath !== undefined) lines.push(`--constraint ${options.constraintsPath}`);
  // MWAA adds its image's Airflow constraints when the file has none; its check is a plain text
  // search for "-c " or "--constraint ", so this comment must not contain either.
  else if (options.purpose !== "startup")
    lines.push("# No constraints file given: MWAA applies the Airflow constraints of its image.");
  return lines;
}

/**
 * Renders the requirements file pip reads inside MWAA: a generated header that points pip at
 * the wheels in plugins.zip, then the user's lines as they are, except index and find-links
 * options, which become comments (with credentials hidden).
 */
export function renderRequirements(content: string, options: RenderOptions): string {
  countRequirements(content, options.sourceName);
  return `${[...header(options), "", ...userLines(content)].join("\n")}\n`;
}

/**
 * The user's lines as pip download reads them: where wheels come from is the pipeline's choice
 * (the wheelhouse, or PyPI / PIP_INDEX_URL), so index and find-links lines are commented out.
 */
export function requirementsForDownload(content: string): string {
  return `${userLines(content).join("\n")}\n`;
}

/** The index and find-links options a file sets, credentials hidden: worth a log line when dropped. */
export function indexOptionLines(content: string): string[] {
  return logicalLines(content)
    .filter((line) => isIndexOption(line.text))
    .map((line) => redactCredentials(line.text));
}

function isIndexOption(text: string): boolean {
  const option = optionName(text);
  return option !== undefined && INDEX_OPTIONS.has(option);
}

function userLines(content: string): string[] {
  const body: string[] = [];
  for (const line of logicalLines(content)) {
    if (isIndexOption(line.text))
      body.push(`# removed by the plugins.zip pipeline (no internet in MWAA): ${redactCredentials(line.text)}`);
    else body.push(...line.physical);
  }
  return body;
}
