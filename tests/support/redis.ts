// The one Redis URL tests use (the real Redis; each test works under its own key prefix).

/** Where tests find Redis. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
