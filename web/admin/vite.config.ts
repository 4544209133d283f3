// Vite build of the web admin: web/admin/src → web/admin/dist, served by Fastify at /admin/ (web/admin/build.js runs it).
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/admin/",
  plugins: [vue()],
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One vendor bundle for Element Plus + ECharts is expected here (an admin page on a LAN, cached for good).
    chunkSizeWarningLimit: 2000,
  },
});
