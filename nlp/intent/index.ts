// The assistant's pure half: intent recognition, retrieval and the rules both use. Core codes against this.
export { createIntentRecogniser, intentTokens, readIntentTsv, shippedExamples, INTENT_LABELS } from "./classify.js";
export type { Feedback, Intent, IntentKind, IntentLabel, IntentOptions, IntentRecogniser } from "./classify.js";
export { createRetriever } from "./retrieve.js";
export type { RetrievalDoc, RetrievalHit, Retriever } from "./retrieve.js";
export { CONCEPT_CATEGORY, CONCEPT_PROBLEM, asksOwnReport, asksTime, conceptsOf, dayOffsets, hasGrievance, hasQuestionCue, isRegisterReply, numbersIn, placesIn, ticketNumbersIn } from "./rules.js";
export type { Concept } from "./rules.js";
