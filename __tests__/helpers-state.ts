/**
 * Stand-in Lambda bundles for synth tests of `airflowState` (the bytes are never run; their hash is
 * what the function's source_code_hash shows), so a test needs no esbuild.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PreparedFiles } from "./helpers";

export function stateCodes(): PreparedFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "airflow-state-code-"));
  const code = (name: string) => {
    const zipPath = path.join(dir, `${name}.zip`);
    fs.writeFileSync(zipPath, `PK\u0003\u0004 ${name}, not really a zip`);
    return { zipPath, sha256Base64: createHash("sha256").update(fs.readFileSync(zipPath)).digest("base64") };
  };
  return { airflowApplyCode: code("airflow-apply"), airflowBackupCode: code("airflow-backup") };
}
