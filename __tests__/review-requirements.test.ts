import { packageDiff, requirementsDiffLines } from "../review/requirements-diff";
import type { ResourceChange } from "../review/types";

const header =
  "# Generated from requirements.txt by the plugins.zip pipeline (plugins/): edit that file, not this one.\n--find-links /usr/local/airflow/plugins\n--no-index\n\n";

describe("the review's requirements package diff", () => {
  test("added, removed and version-changed packages, one line each; comments and options ignored", () => {
    const before = `${header}acme-common==1.0\nold-pkg==2.0  # gone\nsame==1\n`;
    const after = `${header}Acme_Common==1.1\nnew-pkg>=3\nsame==1\n# a comment\n`;
    expect(packageDiff(before, after)).toEqual([
      "changed `acme-common==1.0` → `Acme_Common==1.1`",
      "added `new-pkg>=3`",
      "removed `old-pkg==2.0`",
    ]);
  });

  test("a changed uploaded requirements object gets a section; other objects do not", () => {
    const change = (label: string, before: string, after: string): ResourceChange => ({
      address: `aws_s3_object.${label}`,
      type: "aws_s3_object",
      name: label,
      mode: "managed",
      action: "update",
      protected: false,
      preventDestroy: false,
      label,
      attributes: [{ path: "content", before, after }],
    });
    const lines = requirementsDiffLines([
      change("requirements.txt", `${header}a==1\n`, `${header}a==2\n`),
      change("dags/x.py", "a==1", "a==2"),
    ]);
    expect(lines).toEqual([
      "#### 📦 REQUIREMENTS",
      "",
      expect.stringContaining("`requirements.txt`"),
      "  - changed `a==1` → `a==2`",
      "",
    ]);
  });
});
