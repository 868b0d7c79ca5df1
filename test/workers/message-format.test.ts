// Light formatting of messages (protocol/message-format.ts) and its email HTML
// (worker/email/message-html.ts): what each rule makes, what stays text, and a property test that
// no input, however hostile, produces a tag or attribute the formatter did not write itself.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linksOf, parseMessage } from "../../protocol/message-format";
import { messageHtml } from "../../worker/email/message-html";
import { XSS_PAYLOADS } from "../browser/xss-corpus";

describe("message formatting", () => {
  it.each([
    ["**bold** text", "<p><strong>bold</strong> text</p>"],
    ["*italics* and _these_", "<p><em>italics</em> and <em>these</em></p>"],
    ["run `npm test` now", "<p>run <code>npm test</code> now</p>"],
    ["**bold with *italics* in it**", "<p><strong>bold with <em>italics</em> in it</strong></p>"],
    ["one\ntwo\r\nthree", "<p>one<br>two<br>three</p>"],
    ["para one\n\n\npara two", "<p>para one</p><p>para two</p>"],
    ["Steps:\n- first\n- second\nafter", "<p>Steps:</p><ul><li>first</li><li>second</li></ul><p>after</p>"],
    ["1. one\n2. two", "<ol><li>one</li><li>two</li></ol>"],
    ["3) three\n4) four", '<ol start="3"><li>three</li><li>four</li></ol>'],
    ["- a\n1. b", "<ul><li>a</li></ul><ol><li>b</li></ol>"],
    ["see https://example.com/a?b=1&c=2.", '<p>see <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">https://example.com/a?b=1&amp;c=2</a>.</p>'],
    ["(https://example.com/x_(y))", '<p>(<a href="https://example.com/x_(y)" rel="noopener noreferrer">https://example.com/x_(y)</a>)</p>'],
    ["mail mailto:help@example.com!", '<p>mail <a href="mailto:help@example.com" rel="noopener noreferrer">mailto:help@example.com</a>!</p>'],
    ["**https://example.com**", '<p><strong><a href="https://example.com" rel="noopener noreferrer">https://example.com</a></strong></p>'],
  ])("formats %j", (body, expected) => {
    expect(messageHtml(body)).toBe(expected);
  });

  it.each([
    ["2 * 3 * 4", "<p>2 * 3 * 4</p>"],
    ["snake_case_name and __init__", "<p>snake_case_name and __init__</p>"],
    ["**not closed", "<p>**not closed</p>"],
    ["a ** b ** c", "<p>a ** b ** c</p>"],
    ["`code with **stars** and https://x.example`", "<p><code>code with **stars** and https://x.example</code></p>"],
    ["javascript:alert(1)", "<p>javascript:alert(1)</p>"],
    ["JaVaScRiPt:alert(1) data:text/html,x vbscript:x", "<p>JaVaScRiPt:alert(1) data:text/html,x vbscript:x</p>"],
    ["xhttps://example.com", "<p>xhttps://example.com</p>"],
    ["https:// and mailto:", "<p>https:// and mailto:</p>"],
    ["-not a list\n1.not either", "<p>-not a list<br>1.not either</p>"],
    ['<a href="javascript:x">x</a>', "<p>&lt;a href=&quot;javascript:x&quot;&gt;x&lt;/a&gt;</p>"],
  ])("leaves %j as text", (body, expected) => {
    expect(messageHtml(body)).toBe(expected);
  });

  it("shows every link's real address: its text is its href", () => {
    const blocks = parseMessage("go to https://a.example/x and mailto:b@example.com, not javascript:alert(1)");
    expect(linksOf(blocks)).toEqual(["https://a.example/x", "mailto:b@example.com"]);
  });

  it("an empty or blank body makes nothing", () => {
    expect(messageHtml("")).toBe("");
    expect(messageHtml(" \n\n ")).toBe("");
  });
});

/** Every tag the formatter writes; anything else in its output came from the sender. */
const OWN_TAG = /^<(?:\/?(?:p|ul|li|strong|em|code)|br|ol|ol start="\d+"|\/ol|\/a|a href="(?:https?:\/\/|mailto:)[^"<>]*" rel="noopener noreferrer")>$/i;

/** Characters that make formatting and markup, so that random strings hit every rule. */
const pieces = fc.constantFrom(
  "<", ">", '"', "'", "&", "*", "**", "_", "`", "-", "- ", "1. ", "\n", "\r\n", " ", "(", ")", "[", "]", "=", ":",
  "https://", "http://", "mailto:", "javascript:", "JAVASCRIPT:", "data:", "<script>", "</script>", "<a href=", "onerror=",
  "&#x6a;avascript:", "a", "b", "x.example", "/", "?", "#", ".", "\u0000", "\u202e", "é",
);
const hostile = fc.oneof(
  fc.array(pieces, { maxLength: 60 }).map((p) => p.join("")),
  fc.constantFrom(...XSS_PAYLOADS),
  fc.string({ maxLength: 200 }),
);

describe("message formatting never lets markup through (property)", () => {
  it("every tag in the output is one the formatter writes, and every href is http(s) or mailto", () => {
    fc.assert(
      fc.property(hostile, (body) => {
        const out = messageHtml(body);
        for (const tag of out.match(/<[^>]*>?/g) ?? []) expect(tag, JSON.stringify(body)).toMatch(OWN_TAG);
        // Outside the tags there is no markup character: the sender's text is all escaped.
        expect(out.replace(/<[^>]*>/g, ""), JSON.stringify(body)).not.toMatch(/[<>"']/);
      }),
      { numRuns: 3000 },
    );
  });

  it("no text is lost: the output says everything the sender wrote, but the formatting marks", () => {
    fc.assert(
      fc.property(hostile, (body) => {
        const words = (s: string) => s.replace(/[*_`\s-]|\d+[.)]/g, "");
        const text = messageHtml(body)
          .replace(/<[^>]*>/g, "")
          .replaceAll("&lt;", "<")
          .replaceAll("&gt;", ">")
          .replaceAll("&quot;", '"')
          .replaceAll("&#39;", "'")
          .replaceAll("&amp;", "&");
        expect(words(text)).toBe(words(body));
      }),
      { numRuns: 2000 },
    );
  });
});
