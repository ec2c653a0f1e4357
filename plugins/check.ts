import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { cacheKey, sha256Hex, writeFileAtomic } from "../util/cache";
import { PluginsError } from "./errors";
import { imageConflict, imageConstraintFiles, mwaaImage, namesOwnConstraints } from "./image";
import { missingImageData } from "./image-data";
import { countRequirements, MWAA_PLUGINS_DIR, renderRequirements, ZIP_CONSTRAINTS_NAME } from "./requirements";
import { checkResolution } from "./resolve";
import { fingerprintWheels } from "./wheels";
import { mwaaTargetArgs } from "./pip";

export interface RequirementsCheckInput {
  /** Absolute path of requirements.txt. */
  readonly requirementsFile: string;
  /** Absolute path of the user's own constraints file (shipped in plugins.zip); optional. */
  readonly constraintsFile?: string;
  /** The environment's Airflow version, e.g. "3.3.1": whose MWAA image the requirements are checked against. */
  readonly airflowVersion: string;
  readonly pythonVersion: string;
  /** Absolute folder of the wheels that go into plugins.zip (the wheelhouse). */
  readonly wheelhouse: string;
  readonly cacheDir: string;
  readonly pythonExecutable?: string;
}

export interface RequirementsCheck {
  /** False when the version has no image data: only the plain resolution ran, and `warning` says why. */
  readonly againstImage: boolean;
  readonly warning?: string;
  /** Wheels from the wheelhouse pip would install, and packages the image already has. */
  readonly installs: readonly string[];
  readonly fromImage: readonly string[];
  readonly cacheHit: boolean;
}

/**
 * The offline check alone, without a download or a zip (`npm run plugins -- --check-only`): the
 * requirements resolve, as MWAA's pip resolves them on the image of `airflowVersion`, from the
 * wheelhouse's wheels. Throws PluginsError with the conflict or the missing wheel. A passing
 * check is remembered by content (files, wheels, image data), so an unchanged commit costs no pip run.
 */
export function checkRequirements(input: RequirementsCheckInput): RequirementsCheck {
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new PluginsError(
        `plugins: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  };
  const rel = relative(process.cwd(), input.requirementsFile);
  const label = rel.startsWith("..") || isAbsolute(rel) ? input.requirementsFile : rel;
  const content = read(input.requirementsFile);
  const constraints = input.constraintsFile === undefined ? undefined : read(input.constraintsFile);
  const image = mwaaImage(input.airflowVersion, input.cacheDir);
  const warning =
    image === undefined
      ? `${label} is NOT checked against the MWAA image: ${missingImageData(input.airflowVersion)}`
      : undefined;
  const upload = renderRequirements(content, {
    sourceName: label,
    findLinks: MWAA_PLUGINS_DIR,
    constraintsPath: input.constraintsFile === undefined ? undefined : `${MWAA_PLUGINS_DIR}/${ZIP_CONSTRAINTS_NAME}`,
  });
  const ownConstraints = namesOwnConstraints(upload);
  const key = cacheKey({
    kind: "requirements-check",
    requirements: sha256Hex(content),
    constraints: constraints === undefined ? null : sha256Hex(constraints),
    target: mwaaTargetArgs(input.pythonVersion),
    wheels: fingerprintWheels(input.wheelhouse),
    image: image?.key ?? null,
  });
  const marker = join(input.cacheDir, "checked", `${key}.json`);
  if (existsSync(marker)) {
    const passed = JSON.parse(read(marker)) as { installs: string[]; fromImage: string[] };
    return { againstImage: image !== undefined, warning, ...passed, cacheHit: true };
  }
  if (countRequirements(content, label) === 0)
    return { againstImage: image !== undefined, warning, installs: [], fromImage: [], cacheHit: false };
  const result = checkResolution(
    {
      label,
      wheelsDir: input.wheelhouse,
      pythonVersion: input.pythonVersion,
      requirements: renderRequirements(content, {
        sourceName: label,
        findLinks: input.wheelhouse,
        constraintsPath: input.constraintsFile,
      }),
      ...(image === undefined
        ? {}
        : {
            extraFindLinks: [image.stubsDir],
            constraintFiles: imageConstraintFiles(image, ownConstraints),
            explainFailure: (output: string) => imageConflict(label, output, image, ownConstraints),
          }),
    },
    input.pythonExecutable,
  );
  mkdirSync(join(input.cacheDir, "checked"), { recursive: true });
  writeFileAtomic(marker, JSON.stringify({ installs: result.installs, fromImage: result.fromImage }));
  return {
    againstImage: image !== undefined,
    warning,
    installs: result.installs,
    fromImage: result.fromImage,
    cacheHit: false,
  };
}
