/**
 * `npm run generate:image-data -- <git dir or clone of aws/amazon-mwaa-docker-images>`: writes
 * plugins/image-data/<version>.json for every Airflow version of model/versions.ts that the
 * repository has an image for: the image's Airflow constraints, MWAA's essential constraints and
 * the Python packages installed in it, with the repository commit they were read from.
 *
 * Paths read, per version (aws/amazon-mwaa-docker-images, `images/airflow/<v>/`):
 * - `etc/airflow_constraints.txt`: AIRFLOW_CONSTRAINTS_FILE, which `python/mwaa/utils/user_requirements.py`
 *   adds (`-c`) when requirements.txt names no constraint of its own;
 * - `etc/mwaa_essential_constraints.txt`: MWAA_ESSENTIAL_CONSTRAINTS_FILE, which `bin/airflow-user/safe-pip-install`
 *   always passes (`pip3 install --constraint "${MWAA_ESSENTIAL_CONSTRAINTS_FILE}" "$@"`);
 * - `BillOfMaterials/<v>/Python-Packages-BOM.txt`: written by `bootstrap/03-root-secondpass/999-generate-bill-of-materials.sh`
 *   with `pip-licenses --from=mixed --format=plain-vertical --with-url --with-license-file --with-notice-file`.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AIRFLOW_VERSIONS } from "../model/versions";
import { IMAGE_DATA_DIR, IMAGE_REPOSITORY, imagePaths, type ImageData } from "../plugins/image-data";

/** `git -C`: works on a clone and on a bare git dir (what `fetch` leaves) alike. */
function git(gitDir: string, args: string[]): string {
  return execFileSync("git", ["-C", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** `name==version` lines (the files hold nothing else but comments and blank lines) as a map, in file order. */
export function parsePins(content: string, path: string): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const raw of content.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$/.exec(line);
    if (match === null)
      throw new Error(`${path}: "${line}" is not a name==version pin; teach scripts/image-data.ts this form`);
    pins[match[1]] = match[2];
  }
  return pins;
}

const VERSION_LINE = /^\d+(\.\d+)*([a-z0-9.+!-]*)$/i;

/** PEP 503 normalization, for comparing a name with its dist-info folder. */
const norm = (name: string) => name.replace(/[-_.]+/g, "-").toLowerCase();

/**
 * pip-licenses plain-vertical: per package, after a blank line, name, version, license, URL,
 * license file (a path or UNKNOWN), its text, notice file, its text. Texts may hold blank lines,
 * so a package starts where a blank line is followed by a name, a version, and then either a
 * path or UNKNOWN four lines on, or (a license field of several lines, as fluent-logger's) the
 * package's own `<name>-<version>.dist-info` path a few lines later.
 */
export function parseBillOfMaterials(content: string): Record<string, string> {
  const lines = content.split("\n");
  const installed: Record<string, string> = {};
  for (let i = 1; i + 4 < lines.length; i++) {
    if (i > 1 && lines[i - 1].trim() !== "") continue;
    const [name, version, , , licenseFile] = lines.slice(i, i + 5);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !VERSION_LINE.test(version)) continue;
    const ownDistInfo = (line: string) => {
      const folder = /site-packages\/([^/]+)-([^-/]+)\.(?:dist|egg)-info/.exec(line);
      return folder !== null && norm(folder[1]) === norm(name) && folder[2] === version;
    };
    if (licenseFile.startsWith("/") || licenseFile === "UNKNOWN" || lines.slice(i + 2, i + 40).some(ownDistInfo))
      installed[name] = version;
  }
  return installed;
}

function main(argv: string[]): void {
  const source = argv[0];
  if (source === undefined)
    throw new Error("usage: npm run generate:image-data -- <git dir or clone of aws/amazon-mwaa-docker-images>");
  const gitDir = source;
  const commit = git(gitDir, ["rev-parse", "HEAD"]).trim();
  const folders = new Set(
    git(gitDir, ["ls-tree", "--name-only", "HEAD", "images/airflow/"])
      .split("\n")
      .map((p) => p.replace("images/airflow/", "")),
  );
  for (const version of Object.keys(AIRFLOW_VERSIONS)) {
    if (!folders.has(version)) {
      process.stderr.write(
        `image-data: ${version}: ${IMAGE_REPOSITORY} has no images/airflow/${version} at ${commit}; no data written\n`,
      );
      continue;
    }
    const paths = imagePaths(version);
    const read = (path: string) => git(gitDir, ["show", `${commit}:${path}`]);
    const data: ImageData = {
      airflowVersion: version,
      source: { repository: IMAGE_REPOSITORY, commit, ...paths },
      constraints: parsePins(read(paths.constraints), paths.constraints),
      essentialConstraints: parsePins(read(paths.essentialConstraints), paths.essentialConstraints),
      installed: parseBillOfMaterials(read(paths.billOfMaterials)),
    };
    writeFileSync(join(IMAGE_DATA_DIR, `${version}.json`), `${JSON.stringify(data, null, 1)}\n`);
    process.stderr.write(
      `image-data: ${version}: ${Object.keys(data.constraints).length} constraints, ${Object.keys(data.essentialConstraints).length} essential, ${Object.keys(data.installed).length} installed\n`,
    );
  }
}

if (require.main === module) main(process.argv.slice(2));
