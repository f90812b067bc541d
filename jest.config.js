/**
 * Jest runs the TypeScript tests with ts-jest. Engine tests need dist/ and the Pulumi engine: scripts/test.sh
 * prepares both. Long reliability scenarios (*.long.test.ts) run only with PULUMI_CAMUNDA_LONG_TESTS=1
 * (`npm run test:reliability`).
 */
const long = process.env.PULUMI_CAMUNDA_LONG_TESTS === "1";
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: long ? ["**/*.long.test.ts"] : ["**/*.test.ts"],
  testPathIgnorePatterns: long ? ["/node_modules/"] : ["/node_modules/", "\\.long\\.test\\.ts$"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.json", diagnostics: { ignoreCodes: [151002] } }],
  },
  moduleNameMapper: {
    "^pulumi-camunda$": "<rootDir>/sdk/index.ts",
    "^pulumi-camunda/provider$": "<rootDir>/provider/index.ts",
    "^pulumi-camunda/emulator$": "<rootDir>/emulator/index.ts",
  },
  testTimeout: 180000,
  maxWorkers: 2,
};
