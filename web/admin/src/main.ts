// The web admin's entry: Vue 3 and the router. Element Plus comes on demand (vite.config.ts), in Chinese through
// <el-config-provider :locale="zhCn"> in App.vue.
import { createApp } from "vue";
import "./admin.css";
import App from "./App.vue";
import { router } from "./router";

createApp(App).use(router).mount("#app");
