import { MWAA_PLUGINS_DIR, PluginsError, renderRequirements } from "../plugins";
import { parsePipFailure } from "../plugins/pip";
import { countRequirements, requirementsForDownload } from "../plugins/requirements";

const upload = { sourceName: "requirements.txt", findLinks: MWAA_PLUGINS_DIR };

describe("renderRequirements", () => {
  const userFile = [
    "# team pins",
    "--index-url https://build:s3cr3t@pypi.internal.example/simple",
    "apache-airflow-providers-snowflake==6.1.0",
    "--extra-index-url=https://mirror.example/simple",
    "-f https://download.example/wheels",
    "--no-index",
    "astronomer-cosmos==1.10.1 ; python_version >= '3.9'  # inline comment",
    "--prefer-binary",
    "",
  ].join("\r\n");

  it("starts with the generated header and points pip at the plugins folder only", () => {
    // GIVEN a user's file WHEN rendered for upload
    const lines = renderRequirements(userFile, upload).split("\n");
    // THEN a comment header comes first, then --find-links and --no-index
    expect(lines[0]).toMatch(/^# Generated from requirements\.txt by the plugins\.zip pipeline/);
    expect(lines[1]).toMatch(/^# /);
    expect(lines[2]).toBe("--find-links /usr/local/airflow/plugins");
    expect(lines[3]).toBe("--no-index");
  });

  it("keeps the user's lines as they are and turns index lines into comments without credentials", () => {
    // GIVEN index, extra-index and find-links lines WHEN rendered
    const rendered = renderRequirements(userFile, upload);
    const body = rendered.split("\n").slice(rendered.split("\n").indexOf("# team pins"));
    // THEN requirement and other option lines are unchanged, in order
    expect(body).toEqual([
      "# team pins",
      "# removed by the plugins.zip pipeline (no internet in MWAA): --index-url https://***@pypi.internal.example/simple",
      "apache-airflow-providers-snowflake==6.1.0",
      "# removed by the plugins.zip pipeline (no internet in MWAA): --extra-index-url=https://mirror.example/simple",
      "# removed by the plugins.zip pipeline (no internet in MWAA): -f https://download.example/wheels",
      "# removed by the plugins.zip pipeline (no internet in MWAA): --no-index",
      "astronomer-cosmos==1.10.1 ; python_version >= '3.9'  # inline comment",
      "--prefer-binary",
      "",
    ]);
    // AND the only --no-index and --find-links lines left are the header's
    expect(rendered).not.toContain("s3cr3t");
    expect(rendered.match(/^--no-index$/gm)).toHaveLength(1);
    expect(rendered.match(/^(--find-links|-f)\b/gm)).toHaveLength(1);
  });

  it("references the shipped constraints file when one is given", () => {
    // GIVEN a constraints path WHEN rendered THEN pip inside MWAA reads it from the plugins folder
    const rendered = renderRequirements("libx\n", {
      ...upload,
      constraintsPath: `${MWAA_PLUGINS_DIR}/constraints.txt`,
    });
    expect(rendered.split("\n")[4]).toBe("--constraint /usr/local/airflow/plugins/constraints.txt");
  });

  it("never looks like it names constraints when none is given, so MWAA still applies Airflow's", () => {
    // GIVEN no constraints WHEN rendered THEN MWAA's own check (a search for "-c " or "--constraint ") finds nothing
    const rendered = renderRequirements("libx==1.0\n", upload);
    expect(rendered).not.toMatch(/-c |--constraint /);
    expect(renderRequirements("libx\n", { ...upload, purpose: "startup" })).not.toMatch(/-c |--constraint /);
  });

  it("keeps continuation lines together", () => {
    // GIVEN a requirement split with a backslash and an index option split the same way
    const rendered = renderRequirements(
      "libx==1.0 \\\n    --hash=sha256:abc\n--index-url \\\n  https://x.example/simple\n",
      upload,
    );
    // THEN the requirement's lines are kept and the option is removed as one line
    expect(rendered).toContain("libx==1.0 \\\n    --hash=sha256:abc\n");
    expect(rendered).toContain(
      "# removed by the plugins.zip pipeline (no internet in MWAA): --index-url   https://x.example/simple\n",
    );
    expect(rendered).not.toMatch(/^\s*https:/m);
  });

  it.each([
    ["-r other.txt", "line 2", "inline the lines"],
    ["--requirement=other.txt", "line 2", "inline the lines"],
    [
      "-c https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt",
      "line 2",
      "constraints input",
    ],
    ["--constraint constraints.txt", "line 2", "constraints input"],
    ["-e ./my-project", "line 2", "build a wheel"],
    ["mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl", "line 2", "URL or path"],
    ["./dist/mypkg-1.0-py3-none-any.whl", "line 2", "URL or path"],
  ])("rejects %s, naming the file and line", (line, where, advice) => {
    // GIVEN a line that needs a local file or the internet at install time
    const content = `libx==1.0\n${line}\n`;
    // WHEN rendered THEN PluginsError names the file, the line and what to do
    expect(() => renderRequirements(content, upload)).toThrow(PluginsError);
    expect(() => renderRequirements(content, upload)).toThrow(`requirements.txt ${where}: `);
    expect(() => renderRequirements(content, upload)).toThrow(advice);
  });

  it("counts only requirement lines", () => {
    // GIVEN comments, options and blank lines around two requirements THEN the count is 2
    expect(countRequirements("# x\n\n--prefer-binary\nlibx==1\nliby  # why\n", "r.txt")).toBe(2);
    expect(countRequirements("# nothing\n", "r.txt")).toBe(0);
  });

  it("hands pip download the user's lines without index options", () => {
    // GIVEN an index line WHEN prepared for download THEN it is a comment and the requirements stay
    expect(requirementsForDownload("--index-url https://x/simple\nlibx==1\n")).toBe(
      "# removed by the plugins.zip pipeline (no internet in MWAA): --index-url https://x/simple\nlibx==1\n",
    );
  });
});

describe("parsePipFailure", () => {
  it("reads the missing top-level requirement", () => {
    // GIVEN pip's output for a requirement without a wheel THEN the requirement is named, with no parent
    const failure = parsePipFailure(
      "ERROR: Could not find a version that satisfies the requirement foo==1.2 (from versions: none)\nERROR: No matching distribution found for foo==1.2\n",
    );
    expect(failure.missing).toBe("foo==1.2");
    expect(failure.neededBy).toBeUndefined();
    expect(failure.tail).toContain("No matching distribution found for foo==1.2");
  });

  it("reads the package that needed a missing dependency", () => {
    // GIVEN pip's output for a missing dependency THEN both the dependency and its parent are named
    const failure = parsePipFailure(
      "ERROR: Could not find a version that satisfies the requirement libdep (from acme-app) (from versions: none)\nERROR: No matching distribution found for libdep\n",
    );
    expect(failure.missing).toBe("libdep");
    expect(failure.neededBy).toBe("acme-app");
  });

  it("reads why the index was unreachable, without the repeated retry warnings", () => {
    // GIVEN pip's output when the index host does not resolve
    const retry =
      "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/foo/";
    const failure = parsePipFailure(
      `${retry}\n${retry}\nERROR: Could not find a version that satisfies the requirement foo==1 (from versions: none)\nERROR: No matching distribution found for foo==1\n`,
    );
    // THEN the cause is extracted and the tail keeps only pip's conclusions
    expect(failure.unreachable).toBe("Failed to establish a new connection: [Errno -2] Name or service not known");
    expect(failure.tail).not.toContain("Retrying");
    expect(failure.missing).toBe("foo==1");
  });

  it("reads a conflict", () => {
    // GIVEN pip's ResolutionImpossible output THEN the conflict lines are kept
    const failure = parsePipFailure(
      "\nThe conflict is caused by:\n    The user requested libx==2.0\n    acme-app 1.0 depends on libx==1.0\n\nTo fix this you could try to:\nERROR: ResolutionImpossible\n",
    );
    expect(failure.missing).toBeUndefined();
    expect(failure.conflict).toEqual(["The user requested libx==2.0", "acme-app 1.0 depends on libx==1.0"]);
  });
});
