import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { deterministicZip, PluginsError, ZIP_ENTRY_TIME, ZIP_FILE_MODE } from "../plugins";
import { buildWheel, wheelFileName } from "../plugins/wheel";
import { readZipDirectory } from "./zip-reader";
import { isolatedPipEnv, resolvePython } from "../plugins/pip";

const text = (s: string) => new TextEncoder().encode(s);

describe("deterministicZip", () => {
  const entries = [
    { name: "b/z.py", data: text("z = 1\n") },
    { name: "a.whl", data: text("wheel bytes") },
    { name: "B.txt", data: text("capital B sorts first in code-unit order\n") },
    { name: "b/a.py", data: text("a = 1\n") },
  ];

  it("sorts entries by name and gives each the fixed timestamp, mode 0644 on a Unix host, and no folder entries", () => {
    // GIVEN entries in no particular order
    // WHEN they are zipped
    const directory = readZipDirectory(deterministicZip(entries));
    // THEN the archive lists them in code-unit order, all with the same fixed metadata
    expect(directory.map((entry) => entry.name)).toEqual(["B.txt", "a.whl", "b/a.py", "b/z.py"]);
    for (const entry of directory) {
      expect(entry.time).toEqual(ZIP_ENTRY_TIME);
      expect(entry.unixMode).toBe(ZIP_FILE_MODE);
      expect(entry.madeBy).toBe(3);
      expect(entry.method).toBe(8);
    }
  });

  it("gives the same bytes whatever the input order and the machine's time zone", () => {
    // GIVEN the same entries in two orders, zipped under three time zones
    const savedTz = process.env.TZ;
    const zips: Uint8Array[] = [];
    try {
      for (const tz of ["UTC", "Asia/Kolkata", "Pacific/Kiritimati"]) {
        process.env.TZ = tz;
        zips.push(deterministicZip(entries), deterministicZip([...entries].reverse()));
      }
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    // THEN every archive is byte-identical and still says 1980-01-01 00:00:00
    for (const zip of zips) expect(Buffer.from(zip).equals(Buffer.from(zips[0]))).toBe(true);
    expect(readZipDirectory(zips[0])[0].time).toEqual(ZIP_ENTRY_TIME);
  });

  it("keeps the contents readable by a standard unzip", () => {
    // GIVEN a zip WHEN fflate reads it back THEN every entry has its original bytes
    const files = unzipSync(deterministicZip(entries));
    for (const entry of entries)
      expect(Buffer.from(files[entry.name]).toString()).toBe(Buffer.from(entry.data).toString());
  });

  it.each([["../escape.py"], ["/abs.py"], ["a//b.py"], ["123"]])("rejects the entry name %s", (name) => {
    // GIVEN a name that is unsafe or would break the ordering WHEN zipped THEN a PluginsError names it
    expect(() => deterministicZip([{ name, data: text("x") }])).toThrow(PluginsError);
    expect(() => deterministicZip([{ name, data: text("x") }])).toThrow(name);
  });

  it("rejects a name given twice", () => {
    // GIVEN two entries with one name WHEN zipped THEN the duplicate is named
    expect(() => deterministicZip([entries[0], entries[0]])).toThrow('zip entry "b/z.py" appears twice');
  });
});

describe("buildWheel", () => {
  const spec = {
    name: "Acme.Tool_kit",
    version: "1.2.0",
    files: { "acme_toolkit/__init__.py": "def main():\n    print('acme ok')\n" },
    requires: ["libx>=1"],
    consoleScripts: { "acme-tool": "acme_toolkit:main" },
  };

  it("names the file and dist-info with the escaped project name", () => {
    // GIVEN a name with dots, dashes and capitals WHEN named THEN it is escaped as wheels require
    expect(wheelFileName(spec.name, spec.version)).toBe("acme_tool_kit-1.2.0-py3-none-any.whl");
    const names = Object.keys(unzipSync(buildWheel(spec)));
    expect(names).toEqual(
      expect.arrayContaining([
        "acme_tool_kit-1.2.0.dist-info/METADATA",
        "acme_tool_kit-1.2.0.dist-info/WHEEL",
        "acme_tool_kit-1.2.0.dist-info/RECORD",
      ]),
    );
  });

  it("writes METADATA with Requires-Dist and a RECORD with a sha256 of every other file", () => {
    // GIVEN a wheel WHEN its metadata files are read
    const files = unzipSync(buildWheel(spec));
    const read = (name: string) => Buffer.from(files[name]).toString();
    // THEN the dependency is declared and every file is recorded with its hash and size
    expect(read("acme_tool_kit-1.2.0.dist-info/METADATA")).toContain("Requires-Dist: libx>=1\n");
    const record = read("acme_tool_kit-1.2.0.dist-info/RECORD").trim().split("\n");
    const recorded = record.map((line) => line.split(",")[0]);
    expect(recorded.sort()).toEqual(Object.keys(files).sort());
    const init = record.find((line) => line.startsWith("acme_toolkit/__init__.py,"));
    const expected = require("node:crypto")
      .createHash("sha256")
      .update(files["acme_toolkit/__init__.py"])
      .digest("base64url");
    expect(init).toBe(`acme_toolkit/__init__.py,sha256=${expected},${files["acme_toolkit/__init__.py"].length}`);
    expect(record).toContain("acme_tool_kit-1.2.0.dist-info/RECORD,,");
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    // GIVEN one spec built twice THEN the bytes are equal; a changed file changes them
    expect(buildWheel(spec).equals(buildWheel(spec))).toBe(true);
    const changed = { ...spec, files: { "acme_toolkit/__init__.py": "def main():\n    print('changed')\n" } };
    expect(buildWheel(changed).equals(buildWheel(spec))).toBe(false);
  });

  it("is accepted by pip: it installs offline with its dependency and console script", () => {
    // GIVEN the wheel and its dependency in a folder
    const dir = mkdtempSync(join(tmpdir(), "plugins-wheel-"));
    try {
      writeFileSync(join(dir, wheelFileName(spec.name, spec.version)), buildWheel(spec));
      writeFileSync(
        join(dir, wheelFileName("libx", "1.0")),
        buildWheel({ name: "libx", version: "1.0", files: { "libx/__init__.py": "" } }),
      );
      // WHEN pip installs it with --no-index --find-links
      const python = resolvePython("python3");
      const target = join(dir, "target");
      const install = spawnSync(
        python,
        [
          "-m",
          "pip",
          "install",
          "--quiet",
          "--root-user-action=ignore",
          "--disable-pip-version-check",
          "--no-index",
          "--find-links",
          dir,
          "--target",
          target,
          "acme-tool-kit==1.2.0",
        ],
        {
          env: isolatedPipEnv(),
          encoding: "utf8",
        },
      );
      expect(install.stderr).toBe("");
      expect(install.status).toBe(0);
      // THEN the package, its dependency and the generated script are there and import
      const run = spawnSync(join(target, "bin", "acme-tool"), [], {
        env: { ...process.env, PYTHONPATH: target },
        encoding: "utf8",
      });
      expect(run.stdout).toBe("acme ok\n");
      const imported = spawnSync(python, ["-c", "import libx, acme_toolkit"], {
        env: { ...process.env, PYTHONPATH: target },
        encoding: "utf8",
      });
      expect(imported.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects an invalid project name", () => {
    // GIVEN a name pip could not parse WHEN built THEN PluginsError names it
    expect(() => buildWheel({ ...spec, name: "bad name" })).toThrow('invalid project name "bad name"');
  });
});
