/** Tests are transpiled by swc without type-checking; `tsc --noEmit` type-checks once in `npm test`. */

// The AWS SDK warns once per process on Node 20 that its releases after January 2027 need Node 22
// (aws/aws-sdk-js-v3#7983, which names this variable to turn it off). The tests pin their SDK
// versions and the project supports Node >= 20, so the warning says nothing about them. Set here,
// before jest starts its workers, so workers and the processes tests spawn inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  testTimeout: 60000,
  // Jest leaves one core idle by default; two workers use both cores of the CI machine.
  maxWorkers: 2,
};
