/** Log levels of the handlers' structured lines, and the console sink they default to. */
export type LogLevel = "INFO" | "WARN" | "ERROR";

/** Lambda's JSON log format keeps the level of console.error/warn/log. */
export function consoleLog(line: string, level: LogLevel): void {
  if (level === "ERROR") console.error(line);
  else if (level === "WARN") console.warn(line);
  else console.log(line);
}
