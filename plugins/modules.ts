import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PluginsError } from "./errors";
import { byName } from "./zip";

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
 * `*.pyo` and `.DS_Store`: the same set whatever the file system's order. Symbolic links are followed.
 */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const isDirectory = statSync(join(dir, name)).isDirectory();
      if (isSkipped(name, isDirectory)) continue;
      const rel = prefix === "" ? name : `${prefix}/${name}`;
      if (isDirectory) walk(join(dir, name), rel);
      else files.push(rel);
    }
  };
  walk(root, "");
  return files.sort(byName);
}

/** Every plugin module file under the plugin modules folder (see listFiles), with its bytes. */
export function collectPluginModules(root: string): PluginModuleFile[] {
  try {
    if (!statSync(root).isDirectory()) throw new PluginsError(`plugin modules folder ${root} is not a folder`);
  } catch (error) {
    if (error instanceof PluginsError) throw error;
    throw new PluginsError(`plugin modules folder ${root} does not exist`);
  }
  return listFiles(root).map((name) => {
    const path = join(root, name);
    if (name.endsWith(".whl")) {
      throw new PluginsError(`${path}: wheels do not belong among plugin modules; put them in the wheelhouse (or let pip download them) so the resolution check sees them`);
    }
    return { name, data: readFileSync(path) };
  });
}
