// The admin's pages under /admin/; every page but the login needs a session (401 anywhere → /login).
import { createRouter, createWebHistory } from "vue-router";
import { onUnauthorized } from "./api";
import { clearSession, loadSession, session } from "./session";

export const router = createRouter({
  history: createWebHistory("/admin/"),
  routes: [
    { path: "/login", name: "login", component: () => import("./pages/LoginPage.vue"), meta: { title: "登录" } },
    { path: "/", name: "dashboard", component: () => import("./pages/DashboardPage.vue"), meta: { title: "数据看板" } },
    { path: "/tickets", name: "tickets", component: () => import("./pages/TicketsPage.vue"), meta: { title: "工单" } },
    { path: "/broadcasts", name: "broadcasts", component: () => import("./pages/BroadcastsPage.vue"), meta: { title: "群发通知" } },
    { path: "/groups", name: "groups", component: () => import("./pages/GroupsPage.vue"), meta: { title: "群组" } },
    { path: "/lexicon", name: "lexicon", component: () => import("./pages/LexiconPage.vue"), meta: { title: "词库" } },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach(async (to) => {
  if (to.name === "login") return true;
  if (!session.loaded && !(await loadSession())) return { name: "login", query: { next: to.fullPath } };
  return true;
});
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? "")} · 网格通管理后台`;
});

onUnauthorized(() => {
  clearSession();
  const here = router.currentRoute.value;
  if (here.name !== "login") void router.push({ name: "login", query: { next: here.fullPath } });
});
