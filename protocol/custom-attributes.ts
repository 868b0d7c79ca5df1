import { z } from "zod";
import { LIMITS } from "./limits";

/**
 * Custom attributes: the host platform's facts about a contact or a conversation (plan, company,
 * account id, open request). Verified ones came signed (a `user-token`) or from the REST API;
 * unverified ones came from the widget's page, where anyone can write anything.
 */
export const attributeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "attribute keys are lower-case identifiers of at most 40 characters");
export const attributeValue = z.union([
  z.string().max(LIMITS.customAttributes.valueLength, `an attribute value is at most ${LIMITS.customAttributes.valueLength} characters`),
  z.number().finite(),
  z.boolean(),
]);

/** A set of attributes as a client sends it; `null` deletes one. */
export const attributeMap = z
  .record(attributeKey, attributeValue)
  .refine((a) => Object.keys(a).length <= LIMITS.customAttributes.perSubject, `at most ${LIMITS.customAttributes.perSubject} attributes`);
export const attributePatch = z
  .record(attributeKey, attributeValue.nullable())
  .refine((a) => Object.keys(a).length <= LIMITS.customAttributes.perSubject, `at most ${LIMITS.customAttributes.perSubject} attributes a request`);

export const customAttribute = z.object({
  key: attributeKey,
  value: attributeValue,
  verified: z.boolean(),
  updatedAt: z.number().int(),
});

export type AttributeValue = z.infer<typeof attributeValue>;
export type AttributeMap = z.infer<typeof attributeMap>;
export type CustomAttribute = z.infer<typeof customAttribute>;

/** What the REST API answers for a contact's or a conversation's attributes. */
export const attributeList = z.object({ attributes: z.array(customAttribute) });

/**
 * `GET /conversations?attribute.plan=pro&attribute.seats=12`: the `attribute.` query parameters,
 * as key and the text typed. Each names a key the conversation or its contact has with that value.
 * Checked as a list of pairs, not a record: a record drops a `__proto__` key unseen, and a filter
 * dropped unseen would answer with more than was asked for.
 */
export const ATTRIBUTE_QUERY_PREFIX = "attribute.";
export const attributeFilterQuery = z
  .array(z.tuple([attributeKey, z.string().max(LIMITS.customAttributes.valueLength, `an attribute value is at most ${LIMITS.customAttributes.valueLength} characters`)]))
  .max(LIMITS.customAttributes.filterKeys, `filter by at most ${LIMITS.customAttributes.filterKeys} attributes at once`)
  .transform((pairs) => new Map(pairs));

/** The query's `attribute.<key>` parameters, prefix removed, for `attributeFilterQuery` to check. */
export function attributeParams(query: Record<string, string>): [string, string][] {
  return Object.entries(query)
    .filter(([name]) => name.startsWith(ATTRIBUTE_QUERY_PREFIX))
    .map(([name, value]) => [name.slice(ATTRIBUTE_QUERY_PREFIX.length), value]);
}
