import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where MWAA publishes its images' build files (constraints, bill of materials, entrypoint code). */
export const IMAGE_REPOSITORY = "aws/amazon-mwaa-docker-images";

/** The generated files: plugins/image-data/<version>.json (scripts/image-data.ts writes them). */
export const IMAGE_DATA_DIR = join(__dirname, "image-data");

/** What one MWAA image installs and enforces, read from IMAGE_REPOSITORY at `source.commit`. */
export interface ImageData {
  readonly airflowVersion: string;
  readonly source: {
    readonly repository: string;
    readonly commit: string;
    /** Paths in the repository of the three files below. */
    readonly constraints: string;
    readonly essentialConstraints: string;
    readonly billOfMaterials: string;
  };
  /** AIRFLOW_CONSTRAINTS_FILE: applied by MWAA when requirements.txt names no constraint of its own. */
  readonly constraints: Readonly<Record<string, string>>;
  /** MWAA_ESSENTIAL_CONSTRAINTS_FILE: always applied by safe-pip-install; the critical packages. */
  readonly essentialConstraints: Readonly<Record<string, string>>;
  /** The Python packages installed in the image (its bill of materials): name -> version. */
  readonly installed: Readonly<Record<string, string>>;
}

/** The repository paths of a version's files (images/airflow/<v>/...). */
export function imagePaths(
  version: string,
): Pick<ImageData["source"], "constraints" | "essentialConstraints" | "billOfMaterials"> {
  const root = `images/airflow/${version}`;
  return {
    constraints: `${root}/etc/airflow_constraints.txt`,
    essentialConstraints: `${root}/etc/mwaa_essential_constraints.txt`,
    billOfMaterials: `${root}/BillOfMaterials/${version}/Python-Packages-BOM.txt`,
  };
}

/**
 * Versions MWAA runs whose image is not in IMAGE_REPOSITORY (checked at commit
 * 9d2bebb5c7858e27a1c6afb20b7827840217e3a0: `images/airflow/` starts at 2.9.2, and no commit in
 * its history touches images/airflow/2.7.2 or 2.8.1). Their requirements are checked without the image.
 */
export const VERSIONS_WITHOUT_IMAGE_DATA: Readonly<Record<string, string>> = {
  "2.7.2": `${IMAGE_REPOSITORY} has no image for Airflow 2.7.2 (its images start at 2.9.2)`,
  "2.8.1": `${IMAGE_REPOSITORY} has no image for Airflow 2.8.1 (its images start at 2.9.2)`,
};

/**
 * The Python of each Airflow version MWAA runs, which picks the wheels: plugins/ does not import
 * constructs/, so this repeats model/versions.ts AIRFLOW_VERSIONS (a test keeps the two equal).
 * IMAGE_REPOSITORY at 9d2bebb5c7858e27a1c6afb20b7827840217e3a0, `images/airflow/<v>/Dockerfile.base.j2`:
 * `ENV PYTHON_VERSION=3.11.9` for 2.9.2 to 2.10.3, 3.12.10 or 3.12.13 for 2.11.0 to 3.3.1; 2.7.2 and
 * 2.8.1 from the MWAA user guide's FAQ ("What Python version should I use?").
 */
export const AIRFLOW_PYTHON: Readonly<Record<string, string>> = {
  "2.7.2": "3.11",
  "2.8.1": "3.11",
  "2.9.2": "3.11",
  "2.10.1": "3.11",
  "2.10.3": "3.11",
  "2.11.0": "3.12",
  "2.11.2": "3.12",
  "3.0.6": "3.12",
  "3.2.1": "3.12",
  "3.3.1": "3.12",
};

export interface LoadedImageData {
  readonly data: ImageData;
  /** The file's bytes, for cache keys. */
  readonly raw: string;
}

/** The data file of a version, from the source tree or, in the published package, beside dist/. */
function dataFile(version: string): string | undefined {
  const candidates = [
    join(IMAGE_DATA_DIR, `${version}.json`),
    join(__dirname, "..", "..", "plugins", "image-data", `${version}.json`),
  ];
  return candidates.find((path) => existsSync(path));
}

const loaded = new Map<string, LoadedImageData | undefined>();

/** The image data of an Airflow version, or undefined when the repository has no image for it. */
export function loadImageData(version: string): LoadedImageData | undefined {
  if (loaded.has(version)) return loaded.get(version);
  const path = dataFile(version);
  const raw = path === undefined ? undefined : readFileSync(path, "utf8");
  const result = raw === undefined ? undefined : { data: JSON.parse(raw) as ImageData, raw };
  loaded.set(version, result);
  return result;
}

/** Why a version's requirements cannot be checked against its image. */
export function missingImageData(version: string): string {
  return (
    VERSIONS_WITHOUT_IMAGE_DATA[version] ??
    `no image data for Airflow ${version} in plugins/image-data (regenerate it: npm run generate:image-data)`
  );
}

/** PEP 503 normalized name: how pip compares project names. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** How messages name a file of the image, e.g. "mwaa image 3.3.1 etc/airflow_constraints.txt". */
export function imageFileLabel(data: ImageData, path: string): string {
  return `mwaa image ${data.airflowVersion} ${path.replace(`images/airflow/${data.airflowVersion}/`, "")}`;
}
