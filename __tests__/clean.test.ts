import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { clean, cleanTargets } from "../scripts/clean";

const ROOT = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-clean-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("npm run clean", () => {
  test("removes every cache and the synth output, and keeps the Terraform state and the sources", () => {
    // GIVEN a project with every cache, cdktf.out, a local state file and a source
    const root = path.join(tmp, "project");
    const fakeTmp = path.join(tmp, "os-tmp");
    const targets = cleanTargets(fakeTmp);
    for (const t of targets) fs.mkdirSync(path.resolve(root, t.path, "entry"), { recursive: true });
    fs.writeFileSync(path.join(root, "terraform.analytics-dev.tfstate"), "{}");
    fs.writeFileSync(path.join(root, "main.ts"), "");
    const lines: string[] = [];
    // WHEN cleaned
    clean(root, (l) => lines.push(l), fakeTmp);
    // THEN none is left, each removal is said, and the state and the source stay
    expect(targets.filter((t) => fs.existsSync(path.resolve(root, t.path)))).toEqual([]);
    expect(lines.some((l) => l.startsWith("clean: removed cdktf.out:"))).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(["main.ts", "terraform.analytics-dev.tfstate"]);
  });

  test("lists every .cache folder the sources name", () => {
    // GIVEN every tracked source file that builds a path under .cache/ (the CDK Terrain check's are
    // in its temporary copy of the project)
    const sources = execFileSync("git", ["ls-files", "*.ts", "*.js"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "" && !f.startsWith("__tests__/") && f !== "scripts/cdktn/check.ts");
    const named = new Set<string>();
    for (const file of sources) {
      for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/"\.cache",\s*"([a-z0-9-]+)"/g))
        named.add(`.cache/${m[1]}`);
    }
    // THEN each has its own line in the list (the scan cannot pass vacuously: the runner's is among them)
    expect(named).toContain(".cache/run-ts");
    const listed = cleanTargets().map((t) => t.path);
    expect([...named].filter((n) => !listed.includes(n))).toEqual([]);
  });
});
