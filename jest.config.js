/** Tests are transpiled by swc without type-checking; `tsc --noEmit` type-checks once in `npm test`. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  testTimeout: 60000,
  // Jest leaves one core idle by default; two workers use both cores of the CI machine.
  maxWorkers: 2,
};
