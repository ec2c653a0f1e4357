/**
 * Figures that go stale live in one page, docs/performance.md, whose table `npm run bench -- --write
 * docs/performance.md` rewrites; the README links it instead of quoting numbers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BEGIN, END, replaceMeasured } from "../scripts/bench/page";

const ROOT = path.resolve(__dirname, "..");
const page = fs.readFileSync(path.join(ROOT, "docs", "performance.md"), "utf8");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const bench = fs.readFileSync(path.join(ROOT, "scripts", "bench.ts"), "utf8");

describe("docs/performance.md", () => {
  test("has the block bench writes, holding a table with the rows bench measures", () => {
    // GIVEN the page WHEN its generated block is read THEN each row label is one bench.ts writes
    const block = page.slice(page.indexOf(BEGIN) + BEGIN.length, page.indexOf(END));
    const labels = block
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| measurement"))
      .map((l) => l.split(" | ")[0]?.slice(2));
    expect(labels).toHaveLength(4);
    for (const label of labels) expect(bench).toContain(`"${label}`);
  });

  test("replaceMeasured swaps only the block between the markers, and refuses a page without them", () => {
    const before = `# T\n\nprose\n\n${BEGIN}\nold table\n${END}\n\nmore prose\n`;
    expect(replaceMeasured(before, "| new |\n")).toBe(`# T\n\nprose\n\n${BEGIN}\n| new |\n${END}\n\nmore prose\n`);
    expect(() => replaceMeasured("# no markers\n", "x")).toThrow(/no ".*" \.\.\. ".*" block/);
  });
});

describe("the README", () => {
  test("links the performance page and quotes none of the figures that go stale", () => {
    expect(readme).toContain("[docs/performance.md](docs/performance.md)");
    expect(readme).not.toMatch(/\d+\.\d+ MiB/); // measured figures; the budget (75 MiB) is a target
    expect(readme).not.toMatch(/seven warning lines|about 36 s|Measured with warm caches|Measured on the 2-core/);
  });
});
