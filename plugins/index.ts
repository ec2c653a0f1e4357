/** The plugins.zip pipeline: wheels for MWAA's platform, a deterministic zip, the requirements MWAA reads. */
export { buildPlugins, type PluginsBuild, type PluginsInput } from "./build";
export { PluginsError } from "./errors";
export { MWAA_PLATFORMS, mwaaTargetArgs } from "./pip";
export {
  MWAA_PLUGINS_DIR,
  renderRequirements,
  ZIP_CONSTRAINTS_NAME,
  ZIP_STARTUP_REQUIREMENTS_NAME,
  type RenderOptions,
} from "./requirements";
export { checkResolution, checkResolutions, type ResolutionCheck, type ResolutionResult } from "./resolve";
export { deterministicZip, ZIP_ENTRY_TIME, ZIP_FILE_MODE, ZIP_LEVEL, type ZipEntry } from "../util/zip";
