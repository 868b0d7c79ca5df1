import fc from "fast-check";

/**
 * What a hostile or broken client sends, for the property-based tests: values that break
 * parsers, databases, search syntax, templates and prototypes, and ways to mangle a valid body.
 */

/** Strings that have broken real systems: control and invisible characters, lone surrogates, injections, sizes at and over limits. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\t\n\r ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff",
    "x\udc00y",
    "\u202egnp.exe",
    "\u200b\u200c\u200d\ufeff",
    "e\u0301".repeat(500),
    "👩‍👩‍👧‍👦".repeat(50),
    "𝕏𝕐ℤ",
    "＜script＞alert(1)＜/script＞",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "${7*7}{{7*7}}<%= 7*7 %>",
    "' OR 1=1 --",
    "\"; DROP TABLE conversations; --",
    '"*" NEAR( AND OR NOT ^ -',
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "%E0%A4%A",
    "x\r\nSet-Cookie: parley_session=evil",
    "__proto__",
    "constructor",
    "1e309",
    "-0",
    "NaN",
    "9".repeat(400),
    "a".repeat(4001),
    "a".repeat(70_000),
  ),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
);

/** Numbers at the edges: zero, negatives, fractions, beyond safe integers, the largest doubles. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1e-7, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e308, -1e308, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any value JSON can carry, weighted toward the hostile ones; objects may carry prototype-pollution keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty"), fc.string({ maxLength: 8 })), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

type Json = unknown;
type Path = (string | number)[];

const isRecord = (v: Json): v is Record<string, Json> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every place in a JSON value, so a mutation can aim at any field, however deep. */
function places(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const here = { path, value };
  if (value === null || typeof value !== "object") return [here];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [here, ...entries.flatMap(([k, v]) => places(v, [...path, k]))];
}

/** A copy of `value` with what is at `path` replaced (or, for `undefined`, removed). */
function replaceAt(value: Json, path: Path, next: (old: Json) => Json): Json {
  if (path.length === 0) return next(value);
  const [head, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, Json>;
  const replaced = replaceAt(copy[head], rest, next);
  if (replaced === undefined) delete copy[head];
  else copy[head] = replaced;
  return copy;
}

/**
 * A valid body with one thing wrong: a field replaced by a hostile value, removed, or joined by an
 * unknown or prototype-polluting key (set as an own property, as JSON.parse makes it).
 */
export function mutated(valid: Json): fc.Arbitrary<Json> {
  const all = places(valid);
  const fields = all.filter((p) => p.path.length > 0).map((p) => p.path);
  const objects = all.filter((p) => isRecord(p.value)).map((p) => p.path);
  const options: fc.Arbitrary<Json>[] = [fc.tuple(fc.constantFrom(...all.map((p) => p.path)), hostileValue).map(([path, v]) => replaceAt(valid, path, () => v))];
  if (fields.length) options.push(fc.constantFrom(...fields).map((path) => replaceAt(valid, path, () => undefined)));
  if (objects.length) {
    const key = fc.constantFrom("__proto__", "constructor", "extra", "isAdmin", "workspaceId");
    options.push(
      fc.tuple(fc.constantFrom(...objects), key, hostileValue).map(([path, k, v]) =>
        replaceAt(valid, path, (old) => Object.defineProperty({ ...(old as object) }, k, { value: v, enumerable: true, writable: true, configurable: true })),
      ),
    );
  }
  return fc.oneof(...options);
}

/** A request body as bytes on the wire: JSON of a value, or text that is not quite JSON, with some content type. */
export type RawBody = { contentType: string; text: string };

const jsonType = fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON");
const otherType = fc.constantFrom("", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/html");

/** Broken JSON: cut short, padded, commented, with a BOM, NaN, single quotes, or nested past reason. */
export function brokenJson(valid: Json): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
    fc.constantFrom(
      `${text}garbage`,
      `${text},`,
      `\ufeff${text}`,
      `/* c */${text}`,
      text.replaceAll('"', "'"),
      "NaN",
      "undefined",
      "{",
      "[".repeat(100_000),
      `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      `{"pad":"${"x".repeat(70_000)}"}`,
    ),
  );
}

/** Bodies of every kind for a route whose valid body is `valid`. */
export function bodyFor(valid: Json): fc.Arbitrary<RawBody> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(jsonType, mutated(valid)).map(([contentType, v]) => ({ contentType, text: JSON.stringify(v) ?? "null" })) },
    { weight: 2, arbitrary: fc.tuple(jsonType, hostileValue).map(([contentType, v]) => ({ contentType, text: JSON.stringify(v) ?? "null" })) },
    { weight: 2, arbitrary: fc.tuple(jsonType, brokenJson(valid)).map(([contentType, text]) => ({ contentType, text })) },
    { weight: 1, arbitrary: fc.tuple(otherType, fc.constant(JSON.stringify(valid))).map(([contentType, text]) => ({ contentType, text })) },
  );
}

/** Query strings: known keys with hostile values, unknown keys, repeated keys, broken percent-encoding. */
export function queryFor(keys: string[]): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.constantFrom("__proto__", "constructor", "x")), fc.oneof(hostileString, hostileNumber.map(String)));
  return fc.oneof(
    fc.array(pair, { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString()),
    fc.constantFrom("%", "%zz", "a=%E0%A4%A", "limit=1&limit=2", "q=%00", `q=${"x".repeat(3000)}`),
  );
}

/** Percent-encodes any string, lone surrogates too (as U+FFFD, the most a URL can carry of them). */
export const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

/** Path segments an id could be replaced with. */
export const hostileId = fc.oneof(
  fc.constantFrom("x", "..", "%2e%2e", "%2F", "%00", "cv_" + "a".repeat(300), "null", "undefined", "0", "-1", "__proto__"),
  fc.string({ unit: "binary", maxLength: 40 }).map(encode),
);
