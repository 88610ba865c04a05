/**
 * Hostile strings for the XSS browser test. Each one that ran would call `__xss(n)`, a trap the
 * test installs in every page; none may, and each must be shown as the literal text it is.
 * Kinds: script tags, event handlers, javascript: URLs, SVG and MathML, mutation XSS, template
 * injection (React, Angular, Vue, Handlebars), CSS, and right-to-left / zero-width tricks.
 */
const raw = [
  '<script>__xss(1)</script>',
  '<SCRIPT SRC=data:,__xss(2)></SCRIPT>',
  '<img src=x onerror=__xss(3)>',
  '<img src="x" onerror="__xss(4)"/>',
  '"><img src=x onerror=__xss(5)>',
  "'><svg/onload=__xss(6)>",
  '<svg><script>__xss(7)</script></svg>',
  '<svg><animate onbegin=__xss(8) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=__xss(9)>',
  '<body onload=__xss(10)>',
  '<iframe src="javascript:__xss(11)"></iframe>',
  '<iframe srcdoc="<script>parent.__xss(12)</script>"></iframe>',
  '<a href="javascript:__xss(13)">click</a>',
  'javascript:__xss(14)',
  'JaVaScRiPt:__xss(15)//https://example.com',
  '<a href="jav&#x09;ascript:__xss(16)">tab</a>',
  '<details open ontoggle=__xss(17)>',
  '<input autofocus onfocus=__xss(18)>',
  '<video><source onerror=__xss(19)></video>',
  '<audio src=x onerror=__xss(20)>',
  '<object data="javascript:__xss(21)">',
  '<embed src="javascript:__xss(22)">',
  '<form><button formaction=javascript:__xss(23)>go</button></form>',
  '<marquee onstart=__xss(24)>',
  '<div style="background:url(javascript:__xss(25))">',
  '<style>@import "javascript:__xss(26)";</style>',
  '<noscript><p title="</noscript><img src=x onerror=__xss(27)>">',
  '<svg></p><style><a id="</style><img src=1 onerror=__xss(28)>">',
  '<math><mi><table><mi><style><img src=x onerror=__xss(29)>',
  '<template><img src=x onerror=__xss(30)></template>',
  '<!--><img src=x onerror=__xss(31)>-->',
  '<![CDATA[<img src=x onerror=__xss(32)>]]>',
  '{{constructor.constructor("__xss(33)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal injection, on purpose
  '${__xss(34)}',
  '{{#with "s" as |string|}}{{string.sub.apply 0 "__xss(35)"}}{{/with}}',
  '<div v-html="\'<img src=x onerror=__xss(36)>\'"></div>',
  '[click](javascript:__xss(37))',
  '![x](x" onerror="__xss(38))',
  '<a href="https://example.com" onmouseover=__xss(39)>link</a>',
  '\u202e<img src=x onerror=__xss(40)>\u202c',
  '\u200b<scr\u200bipt>__xss(41)</scr\u200bipt>',
  '<img src=x onerror=__xss&#40;42&#41;>',
  '&lt;img src=x onerror=__xss(43)&gt;',
  '<base href="javascript:__xss(44)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:__xss(45)">',
  '<link rel=import href="data:text/html,<script>__xss(46)</script>">',
  '<isindex type=image src=1 onerror=__xss(47)>',
  '<x contenteditable onblur=__xss(48)>lose focus</x>',
];

/** The corpus: numbered, so a payload that ran names itself. */
export const XSS_CORPUS: readonly string[] = raw;

/** A short payload for fields with small limits (names, shortcuts). */
export const shortPayloads = (max: number): string[] => raw.filter((p) => p.length <= max);
