import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { PluginsError } from "./errors";
import { byName } from "../util/zip";

/** A custom plugin file: its posix path inside plugins.zip and its bytes. */
export interface PluginModuleFile {
  readonly name: string;
  readonly data: Buffer;
}

/** Build leftovers, OS litter and VCS folders: they would change an upload without changing the code. */
function isSkipped(name: string, isDirectory: boolean): boolean {
  if (isDirectory) return name === "__pycache__" || name === ".git";
  return name === ".DS_Store" || name.endsWith(".pyc") || name.endsWith(".pyo");
}

/**
 * Every file under a folder by relative posix path, sorted, without `__pycache__`, `.git`, `*.pyc`,
 * `*.pyo` and `.DS_Store`: the same set whatever the file system's order. Node's recursive
 * readdir does not follow links, so a link loop cannot hang or crash the walk. A symbolic link to
 * a file is read through; a link to nothing, to a folder (it could loop), or (with `project`) to
 * anything outside the project is a PluginsError naming the link.
 */
export function listFiles(root: string, project?: string): string[] {
  const files: string[] = [];
  const inside = project === undefined ? undefined : realpathSync(project);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    // dirent.parentPath: Node 21.4 and 20.12 (nodejs/node#50976, backport #51021); engines says >= 20.12.
    const full = join(entry.parentPath, entry.name);
    const rel = relative(root, full).split(sep).join("/");
    const parts = rel.split("/");
    if (parts.some((part, i) => isSkipped(part, i < parts.length - 1 || entry.isDirectory()))) continue;
    if (entry.isSymbolicLink()) {
      checkLink(full, rel, inside);
      files.push(rel);
    } else if (entry.isFile()) {
      files.push(rel);
    }
  }
  return files.sort(byName);
}

/** A link must lead to an existing file, inside the project when one is given. */
function checkLink(full: string, rel: string, project: string | undefined): void {
  let target: string;
  try {
    target = realpathSync(full);
  } catch {
    throw new PluginsError(
      `files, or links to files (got "${rel}", a symbolic link to nothing: ${readlinkSync(full)})`,
    );
  }
  if (project !== undefined && target !== project && !target.startsWith(`${project}${sep}`)) {
    throw new PluginsError(
      `files inside the project (got "${rel}", a symbolic link to ${target}, outside the project)`,
    );
  }
  if (!statSync(target).isFile())
    throw new PluginsError(
      `files, or links to files; links to folders are not followed, they can loop (got "${rel}", a symbolic link to ${target})`,
    );
}

/** Every plugin module file under the plugin modules folder (see listFiles), with its bytes. */
export function collectPluginModules(root: string, project?: string): PluginModuleFile[] {
  try {
    if (!statSync(root).isDirectory()) throw new PluginsError(`plugin modules folder ${root} is not a folder`);
  } catch (error) {
    if (error instanceof PluginsError) throw error;
    throw new PluginsError(`plugin modules folder ${root} does not exist`);
  }
  return listFiles(root, project).map((name) => {
    const path = join(root, name);
    if (name.endsWith(".whl")) {
      throw new PluginsError(
        `${path}: wheels do not belong among plugin modules; put them in the wheelhouse (or let pip download them) so the resolution check sees them`,
      );
    }
    return { name, data: readFileSync(path) };
  });
}
