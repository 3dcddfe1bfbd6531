import {
	countWords,
	deriveContent,
	plainTextOf,
	sanitizeContentHtml,
} from '../src/modules/writer/html';

/** Markers of anything that could run: none may survive sanitizing. */
const HOSTILE = [
	/<script/i,
	/<iframe/i,
	/<svg/i,
	/<math/i,
	/<object/i,
	/<embed/i,
	/<style/i,
	/\son\w+\s*=/i,
	/javascript:/i,
	/vbscript:/i,
	/data:/i,
	/style=/i,
	/<form/i,
	/<input/i,
];

describe( 'article HTML sanitizing', () => {
	it.each( [
		[
			'a script element, with its content',
			'<p>Hi<script>alert(1)</script></p>',
			'<p>Hi</p>',
		],
		[
			'a script in mixed case',
			'<p>a</p><ScRiPt>alert(1)</sCrIpT><p>b</p>',
			'<p>a</p><p>b</p>',
		],
		[
			'an img onerror handler',
			'<img src="https://cdn.test/a.png" onerror="alert(1)">',
			'<img src="https://cdn.test/a.png" />',
		],
		[
			'an img with an unquoted broken src',
			'<img src=x onerror=alert(1)>',
			'<img src="x" />',
		],
		[
			'a javascript: link',
			'<a href="javascript:alert(1)">click</a>',
			'<a>click</a>',
		],
		[
			'a javascript: link hidden by entities',
			'<a href="jav&#x61;script&colon;alert(1)">click</a>',
			'<a>click</a>',
		],
		[
			'a javascript: link hidden by case and spaces',
			'<a href="  JaVaScRiPt:alert(1)">click</a>',
			'<a>click</a>',
		],
		[
			'a javascript: link split by a tab',
			'<a href="java\tscript:alert(1)">click</a>',
			'<a>click</a>',
		],
		[
			'a vbscript: link',
			'<a href="vbscript:msgbox(1)">click</a>',
			'<a>click</a>',
		],
		[
			'a data: link',
			'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
			'<a>click</a>',
		],
		[
			'a protocol-relative link',
			'<a href="//evil.test/x">click</a>',
			'<a>click</a>',
		],
		[
			'an iframe, with its content',
			'<iframe src="https://evil.test"><p>fallback</p></iframe><p>after</p>',
			'<p>after</p>',
		],
		[
			'an svg onload',
			'<svg onload="alert(1)"><text>hi</text></svg><p>ok</p>',
			'<p>ok</p>',
		],
		[
			'an svg image carrying script',
			'<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
			'',
		],
		[
			'a style attribute',
			'<p style="background:url(javascript:alert(1))">text</p>',
			'<p>text</p>',
		],
		[
			'a style element',
			'<style>body{display:none}</style><p>text</p>',
			'<p>text</p>',
		],
		[
			'a tag nested inside its own name',
			'<scr<script>ipt>alert(1)</script>',
			'ipt&gt;alert(1)',
		],
		[
			'a doubled opening bracket',
			'<<script>script>alert(1)<</script>/script>',
			'&lt;/script&gt;',
		],
		[
			'markup hidden in a noscript attribute',
			'<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
			'',
		],
		[
			'a math element with an xlink',
			'<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
			'',
		],
		[
			'forms and inputs',
			'<form action="https://evil.test"><input name="q" value="v"><button formaction="javascript:alert(1)">Go</button></form>',
			'Go',
		],
		[
			'event handlers on allowed tags',
			'<table><tr><td colspan="2" onclick="x()">c</td></tr></table>',
			'<table><tr><td colspan="2">c</td></tr></table>',
		],
		[
			'a javascript: blockquote cite',
			'<blockquote cite="javascript:alert(1)">q</blockquote>',
			'<blockquote>q</blockquote>',
		],
		[
			'an object and an embed',
			'<object data="x.swf"></object><embed src="x.swf"><p>ok</p>',
			'<p>ok</p>',
		],
		[
			'class and id attributes',
			'<p class="x" id="wpApiSettings">t</p>',
			'<p>t</p>',
		],
		[
			'a meta refresh',
			'<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>t</p>',
			'<p>t</p>',
		],
	] )( 'removes %s', ( _label, input, expected ) => {
		const output = sanitizeContentHtml( input );
		expect( output ).toBe( expected );
		for ( const marker of HOSTILE ) {
			expect( output ).not.toMatch( marker );
		}
	} );

	it( 'keeps what an article needs, attributes included', () => {
		const article = [
			'<h1>Title</h1><h2>Sub</h2><h3>a</h3><h4>b</h4><h5>c</h5><h6>d</h6>',
			'<p><strong>bold</strong> <em>em</em> <b>b</b> <i>i</i> <u>u</u> <s>s</s> <code>x = 1</code></p>',
			'<p><a href="https://example.test/a" title="A">abs</a> <a href="/relative/page">rel</a> <a href="#part">anchor</a> <a href="mailto:a@example.test">mail</a></p>',
			'<ul><li>one</li></ul><ol start="3" reversed><li>three</li></ol>',
			'<blockquote cite="https://example.test/source">quote</blockquote><pre><code>code</code></pre>',
			'<figure><img src="https://cdn.test/a.png" alt="A cat" title="Cat" width="640" height="480" /><figcaption>Cap</figcaption></figure>',
			'<table><caption>T</caption><thead><tr><th scope="col">H</th></tr></thead><tbody><tr><td rowspan="2">c</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>',
			'<p>line<br />break</p><hr />',
		].join( '' );
		expect( sanitizeContentHtml( article ) ).toBe( article );
	} );

	it( 'makes new-tab links safe and drops other targets', () => {
		expect(
			sanitizeContentHtml(
				'<a href="https://x.test" target="_blank">x</a>'
			)
		).toBe(
			'<a href="https://x.test" rel="noopener noreferrer" target="_blank">x</a>'
		);
		expect(
			sanitizeContentHtml(
				'<a href="https://x.test" target="_blank" rel="nofollow">x</a>'
			)
		).toBe(
			'<a href="https://x.test" rel="nofollow noopener noreferrer" target="_blank">x</a>'
		);
		expect(
			sanitizeContentHtml(
				'<a href="https://x.test" target="evil-frame">x</a>'
			)
		).toBe( '<a href="https://x.test">x</a>' );
	} );

	it( 'keeps image sizes only as whole pixels, and images only from http(s)', () => {
		expect(
			sanitizeContentHtml(
				'<img src="https://cdn.test/a.png" width="100%" height="expression(alert(1))">'
			)
		).toBe( '<img src="https://cdn.test/a.png" />' );
		expect(
			sanitizeContentHtml(
				'<img src="ftp://cdn.test/a.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
			)
		).toBe( '' );
	} );

	it( 'unwraps unknown tags but keeps their text', () => {
		expect(
			sanitizeContentHtml(
				'<div class="wp-block"><span>Kept</span> <mark>text</mark></div>'
			)
		).toBe( 'Kept text' );
	} );

	it( 'is idempotent: sanitizing its own output changes nothing', () => {
		const inputs = [
			'<p>a &amp; b &lt;c&gt;</p><scr<script>ipt>x</script>',
			'<a href="https://x.test" target="_blank">x</a>',
			'<<img src=x onerror=alert(1)>>',
		];
		for ( const input of inputs ) {
			const once = sanitizeContentHtml( input );
			expect( sanitizeContentHtml( once ) ).toBe( once );
		}
	} );
} );

describe( 'plain text of article HTML', () => {
	it.each( [
		[
			'one line per block',
			'<h2>Heading</h2><p>First para.</p><ul><li>one</li><li>two</li></ul>',
			'Heading\nFirst para.\none\ntwo',
		],
		[
			'collapsed whitespace inside a line',
			'<p>  lots \n\t of   space&nbsp;&nbsp;here </p>',
			'lots of space here',
		],
		[
			'decoded entities',
			'<p>Fish &amp; chips &lt;3 &quot;q&quot; caf&eacute; &#8211; &#x2014;</p>',
			'Fish & chips <3 "q" café – —',
		],
		[
			'inline markup joined without extra spaces',
			'<p>un<strong>break</strong>able</p>',
			'unbreakable',
		],
		[ 'line breaks as new lines', '<p>one<br>two</p>', 'one\ntwo' ],
		[
			'table cells on their own lines',
			'<table><tr><td>a</td><td>b</td></tr></table>',
			'a\nb',
		],
		[ 'no script text', '<p>a</p><script>var x = "secret";</script>', 'a' ],
		[ 'empty input', '', '' ],
	] )( 'has %s', ( _label, html, expected ) => {
		expect( plainTextOf( html ) ).toBe( expected );
	} );
} );

describe( 'word counting', () => {
	it.each( [
		[
			'English with punctuation and contractions',
			"Don't stop: it's 2024, isn't it?",
			6,
		],
		[
			'hyphenated compounds and numbers',
			'A well-known 3.5-inch drive costs $40 - or less.',
			8,
		],
		[ 'accented Latin text', 'Crème brûlée à la française', 5 ],
		[ 'German compounds', 'Die Donaudampfschifffahrt ist lang.', 4 ],
		[ 'Cyrillic', 'Привет, как дела?', 3 ],
		[ 'Greek', 'Καλημέρα κόσμε', 2 ],
		[ 'Arabic', 'مرحبا بالعالم', 2 ],
		[ 'Chinese (no spaces, split by dictionary)', '我喜欢写作', 3 ],
		[ 'Japanese (mixed scripts)', '日本語のテキストです', 4 ],
		[ 'Thai (no spaces)', 'สวัสดีครับ', 2 ],
		[ 'punctuation and symbols only', '— … !!! & ★', 0 ],
		[ 'empty text', '', 0 ],
	] )( 'counts %s', ( _label, text, expected ) => {
		expect( countWords( text ) ).toBe( expected );
	} );

	it( 'counts entities as the characters they stand for, and never markup', () => {
		expect(
			deriveContent(
				'<p>Fish&nbsp;&amp;&nbsp;chips</p><p title="not counted">caf&eacute; au lait</p><script>one two three</script>'
			)
		).toEqual( {
			content_html:
				'<p>Fish\u00a0&amp;\u00a0chips</p><p>café au lait</p>',
			content_plain: 'Fish & chips\ncafé au lait',
			word_count: 5,
		} );
	} );

	it( 'does not run words of adjacent blocks together', () => {
		expect(
			deriveContent(
				'<h2>Title</h2><p>Body</p><ul><li>a</li><li>b</li></ul>'
			).word_count
		).toBe( 4 );
	} );
} );
