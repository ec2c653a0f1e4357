import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../model/parse";

// The configs the README and the checks use: each must stay valid as the schema changes.
const CONFIGS = [
  "config/example.json",
  ...fs.readdirSync("config/examples").map((f) => path.join("config/examples", f)),
].filter((f) => f.endsWith(".json"));

describe("shipped configs", () => {
  test("there is the example and at least one per feature folder entry", () => {
    expect(CONFIGS).toContain("config/example.json");
    expect(CONFIGS).toContain("config/examples/sso.json");
  });

  test.each(CONFIGS)("%s validates", (file) => {
    // GIVEN a shipped config WHEN parsed THEN no ConfigError
    expect(() => parseConfig(fs.readFileSync(file, "utf8"), file)).not.toThrow();
  });

  test.each(CONFIGS)("%s points editors at the generated schema", (file) => {
    const schema = JSON.parse(fs.readFileSync(file, "utf8")).$schema as string;
    expect(fs.existsSync(path.join(path.dirname(file), schema))).toBe(true);
  });
});
