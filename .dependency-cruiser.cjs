/** Dependency rules: bots → core (ports only) → nlp; no platform SDK in core; nodejieba only in nlp; no cycles;
 * commands, routes and the CLI reach the database through core's services, never Prisma directly. */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "core-not-to-bots", comment: "core never imports a platform adapter", severity: "error", from: { path: "^core/" }, to: { path: "^bots/" } },
    { name: "nlp-is-pure", comment: "nlp has no database, queue, network or core dependency", severity: "error", from: { path: "^nlp/" }, to: { path: "^(core|bots|bin)/|node_modules/(@prisma|prisma|bullmq|ioredis|fastify|grammy|wechaty)" } },
    { name: "no-platform-sdk-in-core", severity: "error", from: { path: "^core/" }, to: { path: "node_modules/(grammy|wechaty|wechaty-puppet[^/]*|@grammyjs)/" } },
    { name: "nodejieba-only-in-nlp", severity: "error", from: { pathNot: "^(nlp|bench)/" }, to: { path: "node_modules/nodejieba/" } },
    {
      name: "bots-only-through-ports",
      comment: "a gateway knows core only through its port module (core/ports/index.ts) and core's public entry",
      severity: "error",
      from: { path: "^bots/" },
      to: { path: "^core/", pathNot: "^core/(ports/index|index)\\.ts$" },
    },
    {
      name: "doors-not-to-prisma",
      comment: "chat commands, HTTP routes and the CLI parse, call a service and format; Prisma stays behind the services",
      severity: "error",
      from: { path: "^(core/transports|bin)/" },
      to: { path: "node_modules/(@prisma|prisma)/|^prisma/(postgres/)?generated/" },
    },
    {
      name: "web-talks-http-only",
      comment: "the browser code (the playground page, the web admin) knows the server only through /api",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^(core|bots|nlp|bin|prisma)/" },
    },
    { name: "bots-not-to-each-other", severity: "error", from: { path: "^bots/([^/]+)/" }, to: { path: "^bots/", pathNot: ["^bots/$1/", "^bots/index"] } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "prisma/(postgres/)?generated|web/admin/dist" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".cjs", ".json"] },
  },
};
