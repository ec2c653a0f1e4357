import * as fs from "node:fs";
import * as path from "node:path";
import { deserialize, serialize } from "node:v8";
import { isPlainData, parseConfig, parseConfigWithViews, rememberValidated } from "../model/parse";
import type { Config, Environment } from "../model/schema";
import { sha256Hex as sha256, writeFileAtomic } from "../util/cache";

/**
 * Set by app/run-ts.js to the file name of the bundle it runs, which carries the hash of the
 * bundle's content: the schemas and the rest of the app's code. Not zod: the runner leaves it out of
 * the bundle, so the cache key adds its installed version. Unset (ts-node, tsx, jest): no cache.
 */
export const BUNDLE_ENV = "RUN_TS_BUNDLE";

/**
 * The version of the zod that a miss would load, from its package.json: loading zod would cost
 * what a hit saves. The first zod in the folders require looks in; not require.resolve itself,
 * whose exports and realpath work cost a warm synth about 3 ms here, this about 0.4 ms.
 * Undefined when unreadable: no cache then.
 */
function zodVersion(): string | undefined {
  const file = (require.resolve.paths("zod") ?? [])
    .map((dir) => path.join(dir, "zod", "package.json"))
    .find((f) => fs.existsSync(f));
  try {
    const { version } = JSON.parse(fs.readFileSync(file ?? "", "utf8")) as { version?: unknown };
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * parseConfig, remembered: the validated config of a config text is kept in .cache/config (one
 * entry per config file, V8-serialized) under a key of that text, the app's bundle and zod's
 * version, and reused while all are the same, without loading zod or the schemas. Only a valid
 * config is kept; errors are always found afresh.
 */
export function loadConfig(text: string, file: string, root: string): Config {
  const bundle = process.env[BUNDLE_ENV];
  if (bundle === undefined || bundle === "") return parseConfig(text, file);
  const zod = zodVersion();
  if (zod === undefined) return parseConfig(text, file);
  const key = sha256(`${bundle}\0${process.version}\0${zod}\0${text}`);
  const cacheFile = path.join(root, ".cache", "config", `${sha256(path.resolve(root, file)).slice(0, 16)}.bin`);
  try {
    const entry = deserialize(fs.readFileSync(cacheFile)) as { key?: string; config?: Config; views?: Environment[] };
    if (entry.key === key && entry.config !== undefined && entry.views !== undefined) {
      rememberValidated(entry.config, entry.views);
      return entry.config;
    }
  } catch {
    // no entry yet, or an unreadable one: validate
  }
  const { config, views } = parseConfigWithViews(text, file);
  // V8's serializer (keys set to undefined and key order kept) on plain data only; anything else is validated every time.
  if (isPlainData(config) && isPlainData(views)) {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, serialize({ key, config, views }));
  }
  return config;
}
