/** Dependency rules: bots → core → nlp; no platform SDK in core; nodejieba only in nlp; no cycles. */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "core-not-to-bots", comment: "core never imports a platform adapter", severity: "error", from: { path: "^core/" }, to: { path: "^bots/" } },
    { name: "nlp-is-pure", comment: "nlp has no database, queue, network or core dependency", severity: "error", from: { path: "^nlp/" }, to: { path: "^(core|bots|bin)/|node_modules/(@prisma|prisma|bullmq|ioredis|fastify|grammy|wechaty)" } },
    { name: "no-platform-sdk-in-core", severity: "error", from: { path: "^core/" }, to: { path: "node_modules/(grammy|wechaty|wechaty-puppet[^/]*|@grammyjs)/" } },
    { name: "nodejieba-only-in-nlp", severity: "error", from: { pathNot: "^(nlp|bench)/" }, to: { path: "node_modules/nodejieba/" } },
    { name: "bots-not-to-each-other", severity: "error", from: { path: "^bots/([^/]+)/" }, to: { path: "^bots/", pathNot: ["^bots/$1/", "^bots/index"] } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "prisma/generated" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".cjs", ".json"] },
  },
};
