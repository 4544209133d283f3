// Vite build of the web admin: web/admin/src → web/admin/dist, served by Fastify at /admin/ (web/admin/build.js runs it).
// Element Plus on demand (its documented way): unplugin-vue-components resolves each <el-…> tag, and
// unplugin-auto-import each ElMessage/… call, to that one component and its CSS — nothing else of the library ships.
// Both write their type declarations (src/components.d.ts, src/auto-imports.d.ts; committed) for vue-tsc.
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const src = (file: string) => fileURLToPath(new URL(`src/${file}`, import.meta.url));

export default defineConfig({
  root,
  base: "/admin/",
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: src("auto-imports.d.ts") }),
    Components({ resolvers: [ElementPlusResolver()], dirs: [], dts: src("components.d.ts") }),
  ],
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The dashboard's chunk holds ECharts (echarts/core + bar, line, pie and the canvas renderer, ~0.5 MB) —
    // loaded only with that page, cached for good.
    chunkSizeWarningLimit: 700,
  },
});
