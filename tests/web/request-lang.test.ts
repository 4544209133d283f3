// The language an API client asks for with Accept-Language: what the web admin's zh-CN, a browser's usual
// lists and curl's nothing each get from the ticket and poll routes.

import { describe, expect, it } from "vitest";
import { requestLang } from "../../core/transports/http/context.js";

describe("requestLang", () => {
  it("answers in Chinese only when a zh tag outweighs every English one", () => {
    expect(requestLang("zh-CN")).toBe("zh");
    expect(requestLang("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh");
    expect(requestLang("en-US,en;q=0.9,zh-CN;q=0.8")).toBe("en");
    expect(requestLang("fr, zh-TW;q=0.5")).toBe("zh");
    expect(requestLang("zh;q=0, en;q=0.1")).toBe("en");
    expect(requestLang(["de", "zh-Hans;q=0.7"])).toBe("zh");
  });
  it("keeps English for no header, a wildcard or other languages", () => {
    expect(requestLang(undefined)).toBe("en");
    expect(requestLang("*")).toBe("en");
    expect(requestLang("fr-FR,de;q=0.5")).toBe("en");
  });
});
