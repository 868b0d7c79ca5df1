// Cross-site scripting payloads for the XSS tests: each one that ran would call the page's
// `__xss(n)` canary with its own number (or open a dialog), so a test learns exactly which got
// through. Every payload fits the shortest field it is put into (80 characters: topics, labels),
// starts and ends without blanks (names are trimmed) and holds no double blanks (text is compared
// with whitespace collapsed).

export const XSS_PAYLOADS: readonly string[] = [
  // Script and event-handler elements
  '<script>__xss(1)</script>',
  '<img src=x onerror=__xss(2)>',
  '<svg onload=__xss(3)>',
  '<svg><script>__xss(4)</script></svg>',
  '<iframe src="javascript:__xss(5)"></iframe>',
  '<body onload=__xss(6)>',
  '<input autofocus onfocus=__xss(7)>',
  '<details open ontoggle=__xss(8)>',
  '<video><source onerror=__xss(9)></video>',
  '<audio src=x onerror=__xss(10)>',
  '<object data="javascript:__xss(11)"></object>',
  '<embed src="javascript:__xss(12)">',
  '<svg><animate onbegin=__xss(13) attributeName=x dur=1s>',
  '<marquee onstart=__xss(14)>x</marquee>',
  '<select autofocus onfocus=__xss(15)></select>',
  '<x contenteditable autofocus onfocus=__xss(16)>x</x>',
  '<img/src=x/onerror=__xss(17)>',
  '<IMG SRC=x OnErRoR=__xss(18)>',
  '<scr<script>ipt>__xss(19)</scr</script>ipt>',
  '<img src=x onerror=&#95;&#95;xss(20)>',
  '<template><img src=x onerror=__xss(21)></template>',
  '<slot onclick=__xss(22)>click</slot>',
  '<form><button formaction=javascript:__xss(23)>go</button></form>',
  '<base href="javascript:__xss(24)//">',
  '<meta http-equiv=refresh content="0;url=javascript:__xss(25)">',
  // Breaking out of attributes, text containers and comments
  '"><img src=x onerror=__xss(26)>',
  "'><img src=x onerror=__xss(27)>",
  '" onmouseover="__xss(28)" x="',
  "' autofocus onfocus='__xss(29)' x='",
  '</textarea><img src=x onerror=__xss(30)>',
  '</title><img src=x onerror=__xss(31)>',
  '</style><img src=x onerror=__xss(32)>',
  '<!--<img src="--><img src=x onerror=__xss(33)>-->',
  '<![CDATA[<img src=x onerror=__xss(34)>]]>',
  '<noscript><p title="</noscript><img src=x onerror=__xss(35)>">',
  '<math><mtext><table><mglyph><style><img src=x onerror=__xss(36)>',
  // Script URLs, as links or where a URL might be taken from text
  'javascript:__xss(37)',
  'JaVaScRiPt:__xss(38)',
  'data:text/html,<script>__xss(39)</script>',
  '<a href="jav&#x09;ascript:__xss(40)">link</a>',
  '<a href="javascript:__xss(41)">click me</a>',
  '[click me](javascript:__xss(42))',
  '![logo](x"onerror="__xss(43))',
  '<https://example.com" onclick="__xss(44)>',
  // Template injection, for any template engine or literal that evaluates text
  '${__xss(45)}',
  '{{constructor.constructor("__xss(46)")()}}',
  '<%= __xss(47) %>',
  '#{__xss(48)}',
  '{name}{{name}}${name}',
  // CSS injection
  '<style>*{--xss:50;background:red!important}</style>',
  '<div style="background:url(javascript:__xss(51))">x</div>',
  '<link rel=stylesheet href="data:text/css,*{color:red}">',
  '</style><style>body{display:none}</style>',
  // Encodings and Unicode tricks
  '＜script＞__xss(54)＜/script＞',
  '\\u003cscript\\u003e__xss(55)\\u003c/script\\u003e',
  '%3Cscript%3E__xss(56)%3C%2Fscript%3E',
  '&lt;script&gt;__xss(57)&lt;/script&gt;',
  '\u202e<img src=x onerror=__xss(58)>',
  '<img src=x onerror=__xss(59)\u200b>',
  '<script>\u2028__xss(60)</script>',
  // Dialogs, for a payload that calls the browser's own functions
  '<img src=x onerror=alert(61)>',
  '<svg onload=confirm(62)>',
  '<script>prompt(63)</script>',
];

/** Markers that appear on no page of Parley's own: any of them in a URL or inline style means a payload took hold. */
export const XSS_MARKERS = ['__xss', 'alert(', 'confirm(', 'prompt(', 'javascript:', '--xss'];

/** The payloads that fit a field of `max` characters. */
export const payloadsUpTo = (max: number) => XSS_PAYLOADS.filter((p) => p.length <= max);
