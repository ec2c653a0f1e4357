import { withProgress } from "../scripts/cdktn/check";

describe("check:cdktn install progress", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("says before the install that it is long, then prints the fetches so far at each interval while it runs", async () => {
    // GIVEN an install that writes npm's http lines (one split across chunks) and ends after 25 s
    const printed: string[] = [];
    let finish: (code: number) => void = () => undefined;
    const done = withProgress(
      (onOutput) =>
        new Promise((resolve) => {
          onOutput("npm http fetch GET 200 https://registry.npmjs.org/cdktn 12ms (cache miss)\nnpm http ca");
          onOutput(
            "che cdktn@https://registry.npmjs.org/cdktn/-/cdktn-0.24.0.tgz 0ms (cache hit)\nnpm warn something\n",
          );
          finish = (code) => resolve({ code, output: "" });
        }),
      (line) => printed.push(line),
      10_000,
    );
    // WHEN 25 s pass before it ends
    jest.advanceTimersByTime(25_000);
    finish(0);
    await done;
    jest.advanceTimersByTime(30_000);
    // THEN the first line warns, then two progress lines counting both fetches, and none after the end
    expect(printed[0]).toMatch(/^- npm install of the swapped package\.json: .*takes minutes/);
    expect(printed.slice(1)).toEqual([
      "  npm install: 2 package fetches so far, from the registry or npm's cache (10.0 s)",
      "  npm install: 2 package fetches so far, from the registry or npm's cache (20.0 s)",
    ]);
  });
});
