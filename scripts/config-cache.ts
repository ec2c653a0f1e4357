import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { deserialize, serialize } from "node:v8";
import { constructViews, isPlainData, parseConfig, rememberValidated } from "../constructs/config";
import type { Config, Environment } from "../constructs/model";
import { writeFileAtomic } from "../plugins/cache";

/**
 * Set by scripts/run-ts.js to the file name of the bundle it runs, which carries the hash of the
 * bundle's content: every line of code that can change a validation result, zod and the schemas
 * included. Unset (ts-node, tsx, jest): no cache.
 */
export const BUNDLE_ENV = "RUN_TS_BUNDLE";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/**
 * parseConfig, remembered: the validated config of a config text is kept in .cache/config (one
 * entry per config file, V8-serialized) under a key of that text and the app's bundle, and reused while both are
 * the same, without loading zod or the schemas. Only a valid config is kept; errors are always
 * found afresh.
 */
export function loadConfig(text: string, file: string, root: string): Config {
  const bundle = process.env[BUNDLE_ENV];
  if (bundle === undefined || bundle === "") return parseConfig(text, file);
  const key = sha256(`${bundle}\0${process.version}\0${text}`);
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
  const config = parseConfig(text, file);
  // V8's serializer (keys set to undefined and key order kept) on plain data only; anything else is validated every time.
  const views = constructViews(config);
  if (isPlainData(config) && isPlainData(views)) {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, serialize({ key, config, views }));
  }
  return config;
}
