// Display names of the complaint categories. Core's locale file imports these, so they exist once.
import type { Category } from "./types.js";

export type { Category };

/** Chinese (zh-CN, the default UI language) and English display names for each category code. */
export const CATEGORY_LABELS: Record<Category, { zh: string; en: string }> = {
  utilities: { zh: "水电气暖", en: "Utilities" },
  safety: { zh: "安全隐患", en: "Safety" },
  employment: { zh: "就业", en: "Employment" },
  social_security: { zh: "社会保障", en: "Social security" },
  housing: { zh: "住房物业", en: "Housing" },
  environment: { zh: "环境卫生", en: "Environment" },
  noise: { zh: "噪音扰民", en: "Noise" },
  traffic: { zh: "交通道路", en: "Traffic" },
  public_order: { zh: "治安", en: "Public order" },
  health: { zh: "医疗卫生", en: "Health" },
  education: { zh: "教育", en: "Education" },
  market: { zh: "市场消费", en: "Market" },
  disputes: { zh: "矛盾纠纷", en: "Disputes" },
  vulnerable: { zh: "困难群体", en: "Vulnerable people" },
  other: { zh: "其他", en: "Other" },
};
