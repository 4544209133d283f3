// Core's public entry: what tools outside core (the CLI, benches, embedding applications) build Gridlink from.
// Gateways use core/ports/index.ts instead; everything else in core is reached through these.

export { createApp, type App, type AppOptions, type Roles, type Alert } from "./app.js";
export { loadConfig, configSchema, type Config } from "./infra/config.js";
export { createLogger, type Logger } from "./infra/log.js";
export { migrateIfPending, assertMigrated, pendingMigrations } from "./infra/migrations.js";
export type { GatewayFactory } from "./ports/index.js";
