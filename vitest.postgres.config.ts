import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The suites that run on either database, on PostgreSQL (npm run test:postgres): each test gets its own database
// on the local PostgreSQL (copied from a template the global setup migrates). tests/postgres/ (PostgreSQL next to
// SQLite, its migrations) runs in the ordinary `npm test`.
process.env.GRIDLINK_TEST_DB = "postgres"; // the global setup (this process) makes PostgreSQL templates too

export default defineConfig({
  test: {
    ...base.test,
    include: [
      "tests/foundation/cli-next-to-server.test.ts",
      "tests/foundation/chat-and-api.test.ts",
      "tests/tickets/cycle.test.ts",
      "tests/tickets/resident-cycle.test.ts",
      "tests/spine/playground.test.ts",
      "tests/assistant/playground.test.ts",
      "tests/broadcasts/engine.test.ts",
      "tests/lexicon/**/*.test.ts",
    ],
    env: { GRIDLINK_TEST_DB: "postgres" },
  },
});
