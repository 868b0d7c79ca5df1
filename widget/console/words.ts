import type { Attention } from "../../protocol/console";

/**
 * What the console calls the API's attention values: agents read "Needs reply" and "Replied",
 * while the API, webhooks and saved filters keep `attentive` and `answered`.
 */
export const ATTENTION_LABEL: Record<Attention, string> = { attentive: "Needs reply", answered: "Replied" };
