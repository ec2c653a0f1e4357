import { readdirSync } from "node:fs";
import { AIRFLOW_VERSIONS } from "../model/versions";
import {
  IMAGE_DATA_DIR,
  IMAGE_REPOSITORY,
  imagePaths,
  loadImageData,
  missingImageData,
  VERSIONS_WITHOUT_IMAGE_DATA,
} from "../plugins/image-data";
import { parseBillOfMaterials, parsePins } from "../scripts/image-data";

describe("MWAA image data (plugins/image-data)", () => {
  const listed = Object.keys(AIRFLOW_VERSIONS).sort();
  const files = readdirSync(IMAGE_DATA_DIR)
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.replace(/\.json$/, ""))
    .sort();

  test("every listed Airflow version has data, or a stated reason why its image is not public", () => {
    const withoutData = listed.filter((version) => !files.includes(version));
    // THEN only the versions the repository has no image for lack data, and they say so
    expect(withoutData).toEqual(Object.keys(VERSIONS_WITHOUT_IMAGE_DATA).sort());
    for (const version of withoutData)
      expect(missingImageData(version)).toMatch(new RegExp(`${IMAGE_REPOSITORY} has no image for Airflow ${version}`));
  });

  test("no data for a version model/versions.ts does not list", () => {
    expect(files.filter((version) => !listed.includes(version))).toEqual([]);
  });

  test.each(files)("%s: its source commit and paths, its constraints and what the image installs", (version) => {
    const { data } = loadImageData(version)!;
    expect(data.airflowVersion).toBe(version);
    expect(data.source).toEqual({
      repository: IMAGE_REPOSITORY,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      ...imagePaths(version),
    });
    // Airflow itself is installed at the image's version and is a critical package
    expect(data.installed["apache-airflow"]).toBe(version);
    expect(data.essentialConstraints["apache-airflow"]).toBe(version);
    expect(Object.keys(data.constraints).length).toBeGreaterThan(500);
  });
});

describe("the generator's parsers", () => {
  test("pins: comments and blank lines skipped; anything else is refused", () => {
    expect(parsePins("# c\n\ncelery==5.6.3\nFlask==3.1.3 # web\n", "x")).toEqual({ celery: "5.6.3", Flask: "3.1.3" });
    expect(() => parsePins("celery>=5\n", "etc/x.txt")).toThrow(/etc\/x.txt: "celery>=5" is not a name==version pin/);
  });

  test("bill of materials: pip-licenses plain-vertical, including a license field of several lines", () => {
    const bom = [
      "This Docker image includes the following third-party software/licensing:",
      "Flask",
      "3.1.3",
      "BSD-3-Clause",
      "https://github.com/pallets/flask/",
      "/x/site-packages/flask-3.1.3.dist-info/LICENSE.txt",
      "Copyright 2010 Pallets",
      "",
      "Some Text",
      "1.0",
      "UNKNOWN",
      "",
      "fluent-logger",
      "0.11.1",
      "Copyright (C) 2011",
      "",
      "   Licensed under the Apache License",
      "https://github.com/fluent/fluent-logger-python",
      "/x/site-packages/fluent_logger-0.11.1.dist-info/licenses/COPYING",
      "text",
      "",
      "pyyaml",
      "6.0.2",
      "MIT",
      "UNKNOWN",
      "UNKNOWN",
      "UNKNOWN",
      "UNKNOWN",
      "UNKNOWN",
      "",
    ].join("\n");
    expect(parseBillOfMaterials(bom)).toEqual({ Flask: "3.1.3", "fluent-logger": "0.11.1", pyyaml: "6.0.2" });
  });
});
