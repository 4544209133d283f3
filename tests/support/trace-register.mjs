// `node --import ./tests/support/trace-register.mjs …`: append every module URL the process resolves to
// $GRIDLINK_TRACE_FILE, so a test can check what a command loaded (jieba, Wechaty) without timing it.
import { register } from "node:module";

register("./trace-hooks.mjs", import.meta.url, { data: { file: process.env.GRIDLINK_TRACE_FILE } });
