import { defineConfig } from "vitest/config";

// The slow fault tests (real `gridlink start` processes, Redis servers the tests kill): `npm run test:faults`.
export default defineConfig({
  test: {
    include: ["tests/faults/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    pool: "forks",
    // One at a time: each runs real processes under load on a 2-core machine.
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
