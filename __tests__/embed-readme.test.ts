/**
 * examples/embed/README.md quotes a ConfigError: it must be the message the construct really
 * throws for the props the README names.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configErrorLines, minimalEnvironment, testApp } from "./helpers";

const README = fs.readFileSync(path.join(__dirname, "..", "examples", "embed", "README.md"), "utf8");

test("the embed README's example error is the construct's real message for the props it names", () => {
  // GIVEN the props and the message the README shows after "Invalid props throw"
  const section = README.slice(README.indexOf("Invalid props throw"));
  const airflow = /`airflow: (\{[^`]+\})`/.exec(section)?.[1];
  const quoted = /```text\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(airflow).toBeDefined();
  expect(quoted).toBeDefined();
  // WHEN the construct gets those props (the README's object literal, read as JSON)
  const { TerraformStack } = require("cdktf") as typeof import("cdktf");
  const { PrivateMwaaEnvironment } = require("../constructs") as typeof import("../constructs");
  const props = minimalEnvironment({ airflow: JSON.parse(airflow!.replace(/(\w+):/g, '"$1":')) });
  const lines = configErrorLines(
    () => new PrivateMwaaEnvironment(new TerraformStack(testApp(), "embed"), "Airflow", props),
  );
  // THEN it throws exactly what the README shows
  expect(lines.join("\n")).toBe(quoted);
});

test("the embed example's synth turns off the cdktf checkpoint call, and its README runs that script", () => {
  // GIVEN the example's package.json and README
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "examples", "embed", "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  // THEN `npm run synth` sets CHECKPOINT_DISABLE=1 (no "[ERROR] ... checkpoint-api.hashicorp.com" without internet)
  expect(pkg.scripts.synth).toBe("CHECKPOINT_DISABLE=1 cdktf synth");
  expect(README).toMatch(/`npm run synth` \(`cdktf synth` with\n`CHECKPOINT_DISABLE=1`/);
  expect(README).not.toMatch(/npx cdktf synth/);
});
