// The optional language model against a local fake server: a good phrasing is used; an invented time, a
// dropped ticket number or an overlong text falls back to the template; timeouts, 500s and an open circuit
// never delay the answer beyond the bound; the model never sees an unmasked phone number.
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { checkPhrasing, createLlmPhraser } from "../../core/assistant/llm.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import { startFakeLlm, type FakeLlm } from "./fake-llm.js";
import { answerTo, say } from "./helpers.js";

let fake: FakeLlm | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await fake?.close();
  fake = undefined;
});

const template = "您的工单 #A0001【水电气暖】目前处理中。处理人：李网格。最新进展（今天9:20）：电工已到场";
const facts = ["ticket A0001", "status 处理中", "assignee 李网格", "latest update 今天9:20: 电工已到场"];
const input = { question: "进度呢", template, facts, ticketNumbers: ["A0001"], lang: "zh" as const };

describe("checkPhrasing", () => {
  it("accepts a phrasing whose numbers and times all come from the facts", () => {
    expect(checkPhrasing("王阿姨您好，工单A0001正在处理，李网格负责，今天9:20电工已到场。", input, 300)).toBeUndefined();
  });
  it("refuses invented times, dates and numbers, a dropped ticket number, links and overlong text", () => {
    expect(checkPhrasing("工单 #A0001 预计今天17:00恢复供电。", input, 300)).toMatch(/17:00/);
    expect(checkPhrasing("工单 #A0001 预计12月3日修好。", input, 300)).toMatch(/12/);
    expect(checkPhrasing("工单 #A0001 还需要2天。", input, 300)).toMatch(/2/);
    expect(checkPhrasing("工单 #A0002 处理中。", input, 300)).toMatch(/A0002/);
    expect(checkPhrasing("正在处理，请耐心等待。", input, 300)).toMatch(/ticket number left out/);
    expect(checkPhrasing("工单 #A0001 详情见 https://example.com", input, 300)).toMatch(/link/);
    expect(checkPhrasing("工单 #A0001 " + "处理中".repeat(200), input, 300)).toMatch(/longer/);
    expect(checkPhrasing("   ", input, 300)).toBe("empty");
  });
});

describe("createLlmPhraser against a fake server", () => {
  it("uses a good phrasing, sends the key and the model, masks phone numbers", async () => {
    fake = await startFakeLlm({ content: "王阿姨您好，工单 #A0001 正在处理，李网格负责，今天9:20电工已到场。" });
    const p = createLlmPhraser({ baseUrl: fake.baseUrl, apiKey: "k-test", model: "fake-model" });
    const out = await p.phrase({ ...input, question: "进度呢？我电话13812345678" });
    expect(out).toEqual({ text: "王阿姨您好，工单 #A0001 正在处理，李网格负责，今天9:20电工已到场。", by: "llm" });
    expect(fake.requests[0].model).toBe("fake-model");
    expect(fake.requests[0].authorization).toBe("Bearer k-test");
    const sent = JSON.stringify(fake.requests[0].messages);
    expect(sent).not.toContain("13812345678");
    expect(sent).toContain("138****5678");
  });

  it("sends the template when the model invents a time", async () => {
    fake = await startFakeLlm({ content: "工单 #A0001 预计今天17:00恢复供电，请放心。" });
    const out = await createLlmPhraser({ baseUrl: fake.baseUrl, model: "m" }).phrase(input);
    expect(out.by).toBe("template");
    expect(out.text).toBe(template);
    if (out.by === "template") expect(out.reason).toMatch(/17:00/);
  });

  it("bounds a slow model by the total timeout and retries a 500 before falling back", async () => {
    fake = await startFakeLlm({ delayMs: 5000, content: "工单 #A0001 处理中" });
    const slow = createLlmPhraser({ baseUrl: fake.baseUrl, model: "m", timeoutMs: 200, totalTimeoutMs: 500, retries: 1 });
    const out = await slow.phrase(input);
    // The template came back while the model was still thinking: the timeouts, not the model, ended the wait.
    expect(out).toMatchObject({ by: "template", text: template, reason: "timed out" });
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(fake.answered).toBe(0);

    // A server of its own: the slow phraser's abandoned retry may still reach the first one on a busy machine.
    await fake.close();
    fake = await startFakeLlm({ status: 500 });
    const failing = createLlmPhraser({ baseUrl: fake.baseUrl, model: "m", retries: 2, breakerFailures: 10 });
    expect(await failing.phrase(input)).toMatchObject({ by: "template", reason: "language model answered HTTP 500" });
    expect(fake.requests.length).toBe(3); // the first try and two retries
  });

  it("opens the circuit after consecutive failures: no more calls until the cooldown ends", async () => {
    fake = await startFakeLlm({ status: 500 });
    const p = createLlmPhraser({ baseUrl: fake.baseUrl, model: "m", retries: 0, breakerFailures: 2, breakerCooldownMs: 60_000 });
    await p.phrase(input);
    await p.phrase(input);
    const calls = fake.requests.length;
    fake.behaviour = { content: "工单 #A0001 处理中" };
    expect(await p.phrase(input)).toMatchObject({ by: "template", reason: "circuit open" });
    expect(fake.requests.length).toBe(calls);
  });

  it("half-opens after the cooldown and uses the model again once it answers", async () => {
    fake = await startFakeLlm({ status: 500 });
    const p = createLlmPhraser({ baseUrl: fake.baseUrl, model: "m", retries: 0, breakerFailures: 1, breakerCooldownMs: 200 });
    await p.phrase(input);
    fake.behaviour = { content: "工单 #A0001 正在处理中。" };
    const out = await waitFor(async () => {
      const r = await p.phrase(input);
      return r.by === "llm" ? r : undefined;
    }, 5000, 100);
    expect(out.text).toBe("工单 #A0001 正在处理中。");
  });
});

describe("the LLM path end to end", () => {
  it("a group answer is phrased by the model when it keeps to the facts, and is the template when it invents a time", async () => {
    fake = await startFakeLlm();
    t = await createTestApp({ gateways: [playgroundGateway], env: { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: "fake", LLM_TIMEOUT_MS: "1000", LLM_TOTAL_TIMEOUT_MS: "2000" } });
    const first = await say(t, "lianhua-01", "王阿姨", "3栋又停电了");
    await answerTo(t, "lianhua-01", first);

    fake.behaviour = { content: "王阿姨，您反映的停电已登记为工单 #A0001，目前已接单，还没有新进展。" };
    const q1 = await say(t, "lianhua-01", "王阿姨", "进度呢");
    expect((await answerTo(t, "lianhua-01", q1)).text).toBe("王阿姨，您反映的停电已登记为工单 #A0001，目前已接单，还没有新进展。");
    const facts = JSON.stringify(fake.requests.at(-1)!.messages);
    expect(facts).toContain("A0001");

    fake.behaviour = { content: "工单 #A0001 今晚20:00前一定修好！" };
    const q2 = await say(t, "lianhua-01", "王阿姨", "什么时候来电");
    const a2 = await answerTo(t, "lianhua-01", q2);
    expect(a2.text).toMatch(/^您的工单 #A0001【水电气暖】目前已接单。/);
    expect(a2.text).not.toContain("20:00");
    const rows = await t.app.prisma.assistantReply.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.phrasedBy)).toEqual(["llm", "template"]);
  });
});
