/** Tests are transpiled by swc without type-checking; `tsc -b` type-checks once in `npm test`. */

// The AWS SDK warns once per process on Node 20 that its releases after January 2027 need Node 22
// (aws/aws-sdk-js-v3#7983, which names this variable to turn it off). The tests pin their SDK
// versions and the project supports Node >= 20, so the warning says nothing about them. Set here,
// before jest starts its workers, so workers and the processes tests spawn inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * Two projects: `npm test` runs "unit" (aim: tsc and jest within 20 s on two cores), `npm run
 * test:slow` runs "slow", CI (.ci/run) runs both, and plain `npx jest` runs everything.
 * A suite belongs in SLOW when it spends seconds outside jest: real pip, npm pack, tsc, terraform, or
 * several spawned node processes. To add one, put its file name (without .test.ts) in SLOW; any other
 * *.test.ts in __tests__ is a unit suite. Share expensive setup within a file (beforeAll), and
 * keep what a later run can reuse in a content-addressed folder under .cache/, reused only when asked (MWAA_TEST_REUSE=1; see library.test.ts).
 * The package.json scripts end with --ci (jest's CI mode; no snapshots here) so that a path given
 * after `npm test --` reaches jest as a path: right after --selectProjects it would name a project.
 */
const SLOW = [
  "library",
  "run-ts",
  "plugins-build",
  "plugins-sample",
  "plugins-zip",
  "app",
  "review",
  "validate-terraform",
  "review-corpus",
  "plugins-image",
];
const slowPattern = `/__tests__/(${SLOW.join("|")})\\.test\\.ts$`;

const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
};

module.exports = {
  projects: [
    { ...common, displayName: "unit", testPathIgnorePatterns: ["/node_modules/", slowPattern] },
    { ...common, displayName: "slow", testRegex: [slowPattern], testMatch: undefined },
  ],
  testTimeout: 60000,
  // Jest leaves one core idle by default; two workers use both cores of the CI machine.
  maxWorkers: 2,
  // A worker that has finished gets 500 ms to exit before jest kills it and warns "failed to exit
  // gracefully". No suite leaves a handle open (--detectOpenHandles and getActiveResourcesInfo() after
  // each suite find none), but a worker with a large heap can take longer than that to exit on a
  // loaded machine (jestjs/jest#11354, #13139; the option since jest 30.4, jestjs/jest#15984). A real
  // leak (a ref'd timer, socket or child) still trips this bound.
  workerGracefulExitTimeout: 5000,
};
