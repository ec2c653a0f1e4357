/**
 * A plugins.zip build failure the user can act on. The message names the file, package or
 * line at fault and says what to do; callers print `message` alone, without a stack.
 */
export class PluginsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PluginsError";
  }
}
