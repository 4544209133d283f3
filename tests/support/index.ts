// Test support: one waitFor, one recording gateway host, one Redis URL (plus the app harness in tests/helpers).
export { waitFor, type WaitForOptions } from "./wait-for.js";
export { recordingHost, type RecordingHost, type GroupCall } from "./recording-host.js";
export { TEST_REDIS_URL } from "./redis.js";
