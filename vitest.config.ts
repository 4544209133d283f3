import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/faults/**", "node_modules/**"], // the slow fault tests: npm run test:faults
    globalSetup: ["tests/helpers/global-setup.ts"],
    // Real Redis, real SQLite files, nodejieba (~300 MB per process): keep parallelism modest on 2 cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
