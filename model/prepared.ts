/**
 * What the app prepares and the constructs consume: plain values, no behaviour. Both `plugins/`
 * (which builds them) and `constructs/` (which upload them) import this module; neither imports
 * the other.
 */

/** A Lambda bundle: a deterministic zip built by esbuild (lambda/bundle.ts) or shipped prebuilt. */
export interface LambdaCode {
  /** Absolute path of the deterministic zip. */
  readonly zipPath: string;
  /** Base64 sha256 of the zip, as source_code_hash wants it. */
  readonly sha256Base64: string;
}

/** A local file to upload, found and hashed by the artifact pipeline (constructs read no files). */
export interface ArtifactFile {
  /** Absolute path of the file. */
  readonly path: string;
  /** Content hash (hex sha256): only a changed file uploads a new object version. */
  readonly sha256: string;
}

/** Everything the environment reads from S3, prepared by `prepareArtifacts` (plugins/artifacts.ts). */
export interface MwaaArtifactFiles {
  /** DAG files by their path under dags/ (posix separators). */
  readonly dags: Readonly<Record<string, ArtifactFile>>;
  /** The rendered requirements.txt (text, so a plan shows its lines). @default - none */
  readonly requirements?: { readonly content: string; readonly sha256: string };
  /** @default - none */
  readonly startupScript?: ArtifactFile;
  /** @default - none */
  readonly plugins?: ArtifactFile;
}

/** The optional files and folders of the config's `artifacts` block. */
export type OptionalArtifactField =
  "requirements" | "startupScript" | "startupRequirements" | "pluginsDir" | "constraints" | "wheelhouse";

/** The config's `artifacts` block: paths relative to the project root (validated by the config schema). */
export type ArtifactPaths = { readonly dagsDir: string } & { readonly [K in OptionalArtifactField]?: string };
