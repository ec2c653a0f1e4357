import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PluginsError } from "./errors";
import { byName } from "./zip";

/** A custom plugin file: its posix path inside plugins.zip and its bytes. */
export interface PluginModuleFile {
  readonly name: string;
  readonly data: Buffer;
}

/** Build leftovers and OS litter: they would change the zip without changing the plugin. */
function isSkipped(name: string, isDirectory: boolean): boolean {
  if (isDirectory) return name === "__pycache__";
  return name === ".DS_Store" || name.endsWith(".pyc") || name.endsWith(".pyo");
}

/**
 * Every file under the plugin modules folder, by relative posix path, sorted, without
 * `__pycache__`, `*.pyc` and `.DS_Store`. Symbolic links are followed.
 */
export function collectPluginModules(root: string): PluginModuleFile[] {
  try {
    if (!statSync(root).isDirectory()) throw new PluginsError(`plugin modules folder ${root} is not a folder`);
  } catch (error) {
    if (error instanceof PluginsError) throw error;
    throw new PluginsError(`plugin modules folder ${root} does not exist`);
  }
  const files: PluginModuleFile[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const isDirectory = statSync(path).isDirectory();
      if (isSkipped(name, isDirectory)) continue;
      const zipName = prefix === "" ? name : `${prefix}/${name}`;
      if (isDirectory) {
        walk(path, zipName);
      } else if (name.endsWith(".whl")) {
        throw new PluginsError(`${path}: wheels do not belong among plugin modules; put them in the wheelhouse (or let pip download them) so the resolution check sees them`);
      } else {
        files.push({ name: zipName, data: readFileSync(path) });
      }
    }
  };
  walk(root, "");
  return files.sort((a, b) => byName(a.name, b.name));
}
