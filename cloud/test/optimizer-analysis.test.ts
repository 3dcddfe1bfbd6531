import {
	OPTIMIZER_AI_FIXABLE,
	OPTIMIZER_CHECKS,
	type OptimizerCheck,
	type OptimizerCheckId,
} from '@igny8/shared-types';
import { ValidationError } from '../src/http/errors';
import { analyze, type AnalysisInput } from '../src/modules/optimizer/analysis';

/**
 * The Optimizer's analysis, check by check: a post written to pass every
 * recommendation, and for each check the change that makes it fail (and,
 * where Yoast has one, the "ok" middle), asserted on rating and message.
 */

const INTRO =
	'<p>Sourdough bread is easy to bake at home. You need flour, water, salt and a lively starter. However, the starter takes about a week to grow. First, mix equal parts of flour and water in a clean jar. Then leave it on the kitchen counter overnight.</p>';
const FEEDING = `<h2>Feeding a starter for sourdough bread</h2>
<p>Every morning, throw away half of the mix and add fresh flour and water. After a few days, bubbles appear on the surface. This means wild yeast has moved in. For example, a warm kitchen speeds things up. In contrast, a cold room slows the yeast down.</p>
<p>Keep the jar loosely covered. Bacteria give the starter its sour smell. As a result, your sourdough bread gets that famous tang. Most bakers feed their starter at the same time each day. Consistency helps the culture stay strong.</p>`;
const IMAGE =
	'<figure><img src="/wp-content/uploads/starter.jpg" alt="A jar of starter for sourdough bread"></figure>';
const MIXING = `<h2>Mixing the dough</h2>
<p>Once the starter doubles in a few hours, it is ready for sourdough bread. Weigh five hundred grams of strong flour. Add three hundred and fifty grams of water. Next, stir in one hundred grams of starter. Finally, add ten grams of salt and mix well.</p>
<p>Let the dough rest for half an hour. During this rest, the flour soaks up the water. Then stretch and fold the dough four times. Each fold builds strength in the gluten. Therefore, the sourdough bread will hold its shape later.</p>`;
const LINKS =
	'<p>Read more in our <a href="https://bakery.example/guides/flour-types/">guide to flour types</a>, or see the <a href="https://www.kingarthurbaking.com/">King Arthur baking site</a> for more recipes.</p>';
const BAKING = `<h2>Baking sourdough bread in a pot</h2>
<p>Shape the dough into a tight ball. Place it in a floured basket. Meanwhile, heat a heavy pot in the oven. Bake the loaf with the lid on for twenty minutes. Then remove the lid and bake until the crust turns deep brown.</p>
<p>Cool the bread on a rack for an hour. Cutting too early makes the crumb gummy. In the end, patience pays off. Your first loaf may look rustic. Still, homemade sourdough bread tastes better than most bakery loaves.</p>`;
const GOOD_HTML = [ INTRO, FEEDING, IMAGE, MIXING, LINKS, BAKING ].join( '\n' );

const good = (): AnalysisInput => ( {
	html: GOOD_HTML,
	title: 'Sourdough bread at home: a simple guide for beginners',
	keyphrase: 'sourdough bread',
	synonyms: [ 'sourdough loaf' ],
	metaDescription:
		'Learn how to bake sourdough bread at home: grow a starter, mix and fold the dough, and bake a crusty loaf in a heavy pot in your oven.',
	slug: 'sourdough-bread',
	locale: 'en_US',
	siteUrl: 'https://bakery.example',
	previousUses: [],
} );

function check(
	id: OptimizerCheckId,
	changes: Partial< AnalysisInput > = {}
): OptimizerCheck {
	const found = analyze( { ...good(), ...changes } ).checks.find(
		( item ) => item.id === id
	);
	if ( ! found ) {
		throw new Error( `no ${ id } check` );
	}
	return found;
}

/** `count` paragraphs of `sentence`, so a text reaches a length without anything else changing. */
const repeat = ( sentence: string, count: number ) =>
	`<p>${ Array.from( { length: count }, () => sentence ).join( ' ' ) }</p>`;

/** Check, situation, expected rating, the change from the good post, expected message. */
type Case = [
	OptimizerCheckId,
	string,
	OptimizerCheck[ 'rating' ],
	Partial< AnalysisInput >,
	RegExp,
];

const CASES: Case[] = [
	[
		'keyphrase_length',
		'two content words',
		'good',
		{},
		/^The keyphrase has 2 content words\. Good length\.$/,
	],
	[
		'keyphrase_length',
		'seven content words',
		'ok',
		{
			keyphrase:
				'best cheap sourdough bread recipe for beginners at home',
		},
		/^The keyphrase has 7 content words, more than the recommended 4\.$/,
	],
	[
		'keyphrase_length',
		'no keyphrase',
		'bad',
		{ keyphrase: '' },
		/^No focus keyphrase is set\.$/,
	],
	[
		'keyphrase_in_title',
		'exact, at the start',
		'good',
		{},
		/^The exact keyphrase appears at the beginning of the SEO title\.$/,
	],
	[
		'keyphrase_in_title',
		'exact, later',
		'ok',
		{ title: 'How to bake sourdough bread at home, step by step' },
		/contains the exact keyphrase, but not at its beginning/,
	],
	[
		'keyphrase_in_title',
		'other word forms',
		'ok',
		{ title: 'Breads of sourdough: how to bake them at home' },
		/contains the words of the keyphrase, but not the exact keyphrase/,
	],
	[
		'keyphrase_in_title',
		'missing',
		'bad',
		{ title: 'A simple guide to baking for beginners at home' },
		/^The SEO title does not contain the keyphrase\.$/,
	],
	[
		'keyphrase_in_introduction',
		'in the first sentence',
		'good',
		{},
		/^The keyphrase or a synonym appears in the first paragraph\.$/,
	],
	[
		'keyphrase_in_introduction',
		'split over two sentences',
		'ok',
		{
			html: GOOD_HTML.replace(
				INTRO,
				'<p>This bread is easy to bake. It is a sourdough, made with a starter.</p>'
			),
		},
		/not in one sentence/,
	],
	[
		'keyphrase_in_introduction',
		'missing',
		'bad',
		{
			html: GOOD_HTML.replace(
				INTRO,
				'<p>Baking at home is a pleasure. All you need is flour and time.</p>'
			),
		},
		/^The keyphrase does not appear in the first paragraph\.$/,
	],
	[
		'keyphrase_in_meta_description',
		'once',
		'good',
		{},
		/^The meta description contains the keyphrase 1 time\.$/,
	],
	[
		'keyphrase_in_meta_description',
		'missing',
		'bad',
		{
			metaDescription:
				'Everything about starters, flour and ovens for home bakers who want a crusty loaf.',
		},
		/^The meta description does not contain the keyphrase\.$/,
	],
	[
		'keyphrase_in_meta_description',
		'three times',
		'bad',
		{
			metaDescription:
				'Sourdough bread. Sourdough bread again. More sourdough bread.',
		},
		/contains the keyphrase 3 times, more than the recommended 2/,
	],
	[
		'keyphrase_in_slug',
		'in the slug',
		'good',
		{},
		/^The slug contains the keyphrase\.$/,
	],
	[
		'keyphrase_in_slug',
		'missing',
		'bad',
		{ slug: 'starter-guide' },
		/^The slug does not contain the keyphrase\.$/,
	],
	[
		'keyphrase_in_subheadings',
		'2 of 3',
		'good',
		{},
		/^2 of 3 H2\/H3 subheadings reflect the keyphrase\. Good\.$/,
	],
	[
		'keyphrase_in_subheadings',
		'none of 3',
		'bad',
		{ html: GOOD_HTML.replace( /<h2>[^<]*<\/h2>/g, '<h2>Step</h2>' ) },
		/^0 of 3 H2\/H3 subheadings reflect the keyphrase\.$/,
	],
	[
		'keyphrase_in_subheadings',
		'no subheadings in a long text',
		'bad',
		{ html: GOOD_HTML.replace( /<h2>[^<]*<\/h2>/g, '' ) },
		/^The text has no H2 or H3 subheadings\.$/,
	],
	[
		'keyphrase_density',
		'seven times in 350 words',
		'good',
		{},
		/^The keyphrase appears 7 times \(2\.\d %\)\. Good\.$/,
	],
	[
		'keyphrase_density',
		'once',
		'bad',
		{ keyphrase: 'kitchen counter', synonyms: [] },
		/^The keyphrase appears 1 time \(0\.3 %\); aim for 2–\d+ times\.$/,
	],
	[
		'keyphrase_density',
		'stuffed',
		'bad',
		{
			html:
				GOOD_HTML + repeat( 'Sourdough bread is sourdough bread.', 30 ),
		},
		/^The keyphrase appears 6\d times .*more than the recommended \d+\.$/,
	],
	[
		'keyphrase_distribution',
		'spread out',
		'good',
		{},
		/^The longest stretch without the keyphrase is \d+ % of the text\. Evenly spread\.$/,
	],
	[
		'keyphrase_distribution',
		'only at the start',
		'bad',
		{ keyphrase: 'kitchen counter', synonyms: [] },
		/^The longest stretch without the keyphrase is \d+ % of the text; keep it at most 30 %\.$/,
	],
	[
		'keyphrase_distribution',
		'absent',
		'bad',
		{ keyphrase: 'rye crackers', synonyms: [] },
		/^The keyphrase and its synonyms do not appear in the text\.$/,
	],
	[
		'text_length',
		'350 words',
		'good',
		{},
		/^The text has 3\d\d words\. Good\.$/,
	],
	[
		'text_length',
		'252 words',
		'ok',
		{ html: repeat( 'Bake the loaf in a hot pot until brown.', 28 ) },
		/^The text has 252 words, fewer than the recommended minimum of 300\.$/,
	],
	[
		'text_length',
		'a paragraph',
		'bad',
		{ html: INTRO },
		/^The text has 4\d words, fewer than the recommended minimum of 300\.$/,
	],
	[
		'title_width',
		'495 px',
		'good',
		{},
		/^The SEO title is \d{3} px wide\. Good\.$/,
	],
	[
		'title_width',
		'short',
		'ok',
		{ title: 'Sourdough bread' },
		/^The SEO title is \d{3} px wide; up to 600 px are available\.$/,
	],
	[
		'title_width',
		'too wide',
		'bad',
		{
			title: 'Sourdough bread at home: the complete, illustrated, step-by-step guide for absolute beginners',
		},
		/^The SEO title is \d{3} px wide; search results cut it at 600 px\.$/,
	],
	[
		'meta_description_length',
		'134 characters',
		'good',
		{},
		/^The meta description has 134 characters\. Good\.$/,
	],
	[
		'meta_description_length',
		'short',
		'ok',
		{ metaDescription: 'Bake sourdough bread at home.' },
		/^The meta description has 29 characters; up to 156 are available\.$/,
	],
	[
		'meta_description_length',
		'long',
		'ok',
		{ metaDescription: 'x'.repeat( 170 ) },
		/^The meta description has 170 characters; search results cut it after 156\.$/,
	],
	[
		'meta_description_length',
		'missing',
		'bad',
		{ metaDescription: '' },
		/^There is no meta description/,
	],
	[
		'internal_links',
		'one followed',
		'good',
		{},
		/^The text has 1 internal link\. Good\.$/,
	],
	[
		'internal_links',
		'relative and nofollow',
		'ok',
		{
			html: GOOD_HTML.replace(
				'https://bakery.example/guides/flour-types/',
				'/guides/flour-types/" rel="nofollow'
			),
		},
		/^The text has 1 internal link, all of them nofollow\.$/,
	],
	[
		'internal_links',
		'none',
		'bad',
		{ siteUrl: 'https://another.example' },
		/^The text has no links to other pages of this site\.$/,
	],
	[
		'internal_links',
		'an orphan, per the Linker',
		'good',
		{ linker: { inbound: 0, suggestions: 0 } },
		/^The text has 1 internal link\. Good\. No other post of the site links to this one yet \(an orphan\)/,
	],
	[
		'internal_links',
		'linked to, per the Linker',
		'good',
		{ linker: { inbound: 3, suggestions: 0 } },
		/^The text has 1 internal link\. Good\. 3 posts of the site link to this one\.$/,
	],
	[
		'internal_links',
		'none, with the Linker’s suggestions as the fix',
		'bad',
		{
			siteUrl: 'https://another.example',
			linker: { inbound: null, suggestions: 4 },
		},
		/^The text has no links to other pages of this site\.$/,
	],
	[
		'outbound_links',
		'one followed',
		'good',
		{},
		/^The text has 1 outbound link\. Good\.$/,
	],
	[
		'outbound_links',
		'nofollow',
		'ok',
		{
			html: GOOD_HTML.replace(
				'https://www.kingarthurbaking.com/"',
				'https://www.kingarthurbaking.com/" rel="external nofollow"'
			),
		},
		/^The text has 1 outbound link, all of them nofollow\.$/,
	],
	[
		'outbound_links',
		'none',
		'bad',
		{ html: GOOD_HTML.replace( LINKS, '' ) },
		/^The text has no links to other sites\.$/,
	],
	[
		'competing_links',
		'none',
		'good',
		{},
		/^No link uses the keyphrase as its anchor text\.$/,
	],
	[
		'competing_links',
		'anchor is the keyphrase',
		'bad',
		{
			html:
				GOOD_HTML +
				'<p>See also <a href="/classic-loaf/">Sourdough Bread</a>.</p>',
		},
		/^1 link uses the keyphrase as anchor text and competes with this post for it\.$/,
	],
	[ 'images', 'one image', 'good', {}, /^The text has 1 image\.$/ ],
	[
		'images',
		'no image',
		'bad',
		{ html: GOOD_HTML.replace( IMAGE, '' ) },
		/^The text has no images\.$/,
	],
	[
		'image_keyphrase',
		'alt with keyphrase',
		'good',
		{},
		/^1 of 1 image has the keyphrase in the alt text\. Good\.$/,
	],
	[
		'image_keyphrase',
		'alt without it',
		'ok',
		{
			html: GOOD_HTML.replace(
				'A jar of starter for sourdough bread',
				'A jar on a shelf'
			),
		},
		/^0 of 1 image has the keyphrase in the alt text\.$/,
	],
	[
		'image_keyphrase',
		'too many of five',
		'ok',
		{ html: GOOD_HTML + IMAGE.repeat( 4 ) },
		/^5 of 5 images have the keyphrase in the alt text; more than 3 reads as keyword stuffing\.$/,
	],
	[
		'image_keyphrase',
		'no image',
		'bad',
		{ html: GOOD_HTML.replace( IMAGE, '' ) },
		/^The text has no images, so no alt text can use the keyphrase\.$/,
	],
	[
		'single_title',
		'no H1 in the body',
		'good',
		{},
		/the post title is the page’s title/,
	],
	[
		'single_title',
		'two H1s',
		'bad',
		{ html: '<h1>One</h1>' + GOOD_HTML + '<h1>Two</h1>' },
		/^The text has 2 H1 headings; a page should have one title\.$/,
	],
	[
		'previously_used_keyphrase',
		'never used',
		'good',
		{},
		/^No other post on the site uses this focus keyphrase\.$/,
	],
	[
		'previously_used_keyphrase',
		'used once',
		'ok',
		{
			previousUses: [
				{
					title: 'My first loaf',
					url: 'https://bakery.example/first/',
				},
			],
		},
		/^The post “My first loaf” already uses this focus keyphrase\.$/,
	],
	[
		'previously_used_keyphrase',
		'used twice',
		'bad',
		{
			previousUses: [
				{ title: 'My first loaf', url: null },
				{ title: 'Rye sourdough', url: null },
			],
		},
		/^2 other posts already use this focus keyphrase: “My first loaf”, “Rye sourdough”\.$/,
	],
	[
		'flesch_reading_ease',
		'plain words',
		'good',
		{},
		/^The text scores 9\d\.\d in the Flesch reading ease test \(Flesch \(1948\)\), which is very easy to read\.$/,
	],
	[
		'flesch_reading_ease',
		'jargon',
		'bad',
		{
			html: repeat(
				'Institutional considerations regarding fermentation methodology necessitate comprehensive organizational evaluation.',
				8
			),
		},
		/^The text scores 0 in the Flesch reading ease test .*very difficult to read\.$/,
	],
	[
		'flesch_reading_ease',
		'too short',
		'ok',
		{ html: INTRO },
		/too short for a Flesch reading ease score/,
	],
	[
		'sentence_length',
		'short sentences',
		'good',
		{},
		/^0 % of the sentences have more than 20 words\. Good\.$/,
	],
	[
		'sentence_length',
		'long sentences',
		'bad',
		{
			html: repeat(
				'The baker who has worked in this small village for many years measures the flour and the water before mixing them in a large bowl.',
				5
			),
		},
		/^100 % of the sentences have more than 20 words, more than the recommended maximum of 25 %\.$/,
	],
	[
		'paragraph_length',
		'short paragraphs',
		'good',
		{},
		/^No paragraph is longer than 150 words\.$/,
	],
	[
		'paragraph_length',
		'170 words',
		'ok',
		{
			html:
				repeat(
					'Knead the dough until it feels smooth and soft to touch.',
					15
				) + INTRO,
		},
		/^1 paragraph has more than 150 words \(the longest has 165\)\.$/,
	],
	[
		'paragraph_length',
		'250 words',
		'bad',
		{ html: repeat( 'Bake the loaf in a hot pot until brown.', 25 ) },
		/^1 paragraph has more than 150 words \(the longest has 225\)\.$/,
	],
	[
		'subheading_distribution',
		'short sections',
		'good',
		{},
		/^The longest section has \d+ words\. Good\.$/,
	],
	[
		'subheading_distribution',
		'a long text with no subheading',
		'bad',
		{ html: GOOD_HTML.replace( /<h2>[^<]*<\/h2>/g, '' ) },
		/^The text has 3\d\d words and no subheadings\.$/,
	],
	[
		'subheading_distribution',
		'one section of 320 words',
		'ok',
		{
			html:
				'<h2>Start</h2>' +
				repeat(
					'Knead the dough until it feels smooth and soft to touch.',
					29
				) +
				'<h2>End</h2><p>Done.</p>',
		},
		/^The longest section has 319 words, more than the recommended 300\.$/,
	],
	[
		'passive_voice',
		'active sentences',
		'good',
		{},
		/^0 % of the sentences are in the passive voice\. Good\.$/,
	],
	[
		'passive_voice',
		'passive sentences',
		'bad',
		{
			html: '<p>The dough is mixed by hand. The loaf was baked in a pot. The flour has been weighed. The crust gets brushed with water. Bakers love bread.</p>',
		},
		/^80 % of the sentences are in the passive voice, more than the recommended maximum of 10 %\.$/,
	],
	[
		'passive_voice',
		'another language',
		'ok',
		{ locale: 'sv_SE' },
		/^The passive voice check is not available for this language yet\.$/,
	],
	[
		'transition_words',
		'many transitions',
		'good',
		{},
		/^\d+\.?\d* % of the sentences contain a transition word\. Good\.$/,
	],
	[
		'transition_words',
		'none in a long text',
		'bad',
		{ html: repeat( 'Bakers shape the dough by hand each morning.', 30 ) },
		/^0 % of the sentences contain a transition word, fewer than the recommended 30 %\.$/,
	],
	[
		'consecutive_sentences',
		'varied beginnings',
		'good',
		{},
		/^No three sentences in a row start with the same word\.$/,
	],
	[
		'consecutive_sentences',
		'three alike',
		'bad',
		{
			html: '<p>The dough rises. The dough doubles. The dough sinks. Bake it now.</p>',
		},
		/^1 time three or more sentences in a row start alike \(3 start with “the dough”\)\.$/,
	],
	[
		'text_presence',
		'a real text',
		'good',
		{},
		/^There is enough text to analyze\.$/,
	],
	[
		'text_presence',
		'a few words',
		'bad',
		{ html: '<p>Too short.</p>' },
		/^There is far too little text to analyze\.$/,
	],
	[
		'sentence_length',
		'no text',
		'bad',
		{ html: '<p>Too short.</p>' },
		/^There is not enough text to check this\.$/,
	],
	[
		'passive_voice',
		'no text',
		'bad',
		{ html: '' },
		/^There is not enough text to check this\.$/,
	],
];

describe( 'optimizer analysis checks', () => {
	test.each( CASES )(
		'%s: %s → %s',
		( id, _name, rating, changes, message ) => {
			const found = check( id, changes );
			expect( { rating: found.rating, message: found.message } ).toEqual(
				{ rating, message: expect.stringMatching( message ) }
			);
			// A fix is offered exactly when there is something to do.
			if ( rating === 'good' ) {
				expect( found.fix ).toBeUndefined();
			} else {
				expect( found.fix ).toEqual( expect.any( String ) );
			}
		}
	);

	test( 'the internal links fix names the Linker’s open suggestions when it has some', () => {
		expect(
			check( 'internal_links', {
				siteUrl: 'https://another.example',
				linker: { inbound: null, suggestions: 4 },
			} ).fix
		).toBe(
			'The Linker has 4 link suggestions for this post: add them from the Internal links panel or IGNY8 → Linker.'
		);
		expect(
			check( 'internal_links', { siteUrl: 'https://another.example' } )
				.fix
		).toBe(
			'Link to related posts on this site (the Linker suggests some).'
		);
	} );

	test( 'every check has a passing and a failing case above', () => {
		for ( const id of OPTIMIZER_CHECKS ) {
			const ratings = CASES.filter( ( c ) => c[ 0 ] === id ).map(
				( c ) => c[ 2 ]
			);
			expect( { id, good: ratings.includes( 'good' ) } ).toEqual( {
				id,
				good: true,
			} );
			expect( {
				id,
				failing: ratings.some( ( rating ) => rating !== 'good' ),
			} ).toEqual( { id, failing: true } );
		}
	} );
} );

describe( 'optimizer analysis result', () => {
	test( 'a post that follows every recommendation scores 100 on readability and passes every check', () => {
		const result = analyze( good() );
		expect( result.checks.map( ( c ) => c.id ) ).toEqual( [
			...OPTIMIZER_CHECKS,
		] );
		expect( result.checks.filter( ( c ) => c.rating !== 'good' ) ).toEqual(
			[]
		);
		expect( result.readabilityScore ).toBe( 100 );
		// Competing links and single title score 8 when good, as Yoast scores them.
		expect( result.seoScore ).toBe(
			Math.round( ( ( 16 * 9 + 2 * 8 ) / 18 / 9 ) * 100 )
		);
		// Overall: the mean over all 26 checks, so SEO's 18 weigh more than readability's 8.
		expect( result.score ).toBe(
			Math.round( ( ( 24 * 9 + 2 * 8 ) / 26 / 9 ) * 100 )
		);
		expect( result.locale ).toBe( 'en_US' );
		expect( result.wordCount ).toBeGreaterThan( 300 );
		expect( result.fleschReadingEase ).toBeGreaterThan( 90 );
	} );

	test( 'ai_fixable follows the contract list', () => {
		const result = analyze( { ...good(), keyphrase: '' } );
		for ( const item of result.checks ) {
			expect( { id: item.id, ai: item.ai_fixable } ).toEqual( {
				id: item.id,
				ai: OPTIMIZER_AI_FIXABLE.includes( item.id ),
			} );
		}
	} );

	test( 'without a keyphrase every keyphrase check asks for one', () => {
		const result = analyze( { ...good(), keyphrase: '' } );
		const keyphraseChecks = result.checks.filter(
			( c ) => c.message === 'No focus keyphrase is set.'
		);
		expect( keyphraseChecks.map( ( c ) => c.id ) ).toEqual( [
			'keyphrase_length',
			'keyphrase_in_title',
			'keyphrase_in_introduction',
			'keyphrase_in_meta_description',
			'keyphrase_in_slug',
			'keyphrase_in_subheadings',
			'keyphrase_density',
			'keyphrase_distribution',
			'competing_links',
			'image_keyphrase',
			'previously_used_keyphrase',
		] );
		for ( const item of keyphraseChecks ) {
			expect( item ).toMatchObject( { rating: 'bad', score: 0 } );
			expect( item.fix ).toMatch( /^Set a focus keyphrase/ );
		}
	} );

	test( 'an empty post analyzes without error and scores low', () => {
		const result = analyze( {
			...good(),
			html: '',
			title: '',
			metaDescription: '',
			slug: '',
		} );
		expect( result.wordCount ).toBe( 0 );
		expect( result.fleschReadingEase ).toBeNull();
		expect( result.checks ).toHaveLength( OPTIMIZER_CHECKS.length );
		expect( result.score ).toBeLessThan( 50 );
		// Nothing to read is not "no long sentences": every readability check but Flesch rates bad.
		expect(
			result.checks
				.filter(
					( c ) => c.group === 'readability' && c.rating !== 'bad'
				)
				.map( ( c ) => c.id )
		).toEqual( [ 'flesch_reading_ease' ] );
	} );

	test( 'scripts, styles and code are not prose; code still counts as words', () => {
		const prose = analyze( good() );
		const withCode = analyze( {
			...good(),
			html:
				GOOD_HTML +
				'<script>var passive = "was baked was baked was baked";</script><style>p { color: red }</style>' +
				'<pre><code>the oven was heated by the baker and the dough was shaped</code></pre>',
		} );
		expect( withCode.wordCount ).toBe( prose.wordCount + 12 );
		expect( withCode.fleschReadingEase ).toBe( prose.fleschReadingEase );
		expect(
			withCode.checks.find( ( c ) => c.id === 'passive_voice' )?.message
		).toBe( '0 % of the sentences are in the passive voice. Good.' );
	} );

	test( 'German uses the Amstad formula and German stemming', () => {
		const html = repeat(
			'Das Brot ist einfach zu backen. Man braucht Mehl, Wasser und Salz. Der Teig ruht eine Stunde.',
			6
		);
		const result = analyze( {
			...good(),
			html,
			locale: 'de_DE',
			keyphrase: 'Brote backen',
			synonyms: [],
		} );
		expect(
			result.checks.find( ( c ) => c.id === 'flesch_reading_ease' )
				?.message
		).toMatch( /Amstad \(1978\)/ );
		expect( result.fleschReadingEase ).toBeGreaterThan( 60 );
		// "Brote" and "Brot" share a stem: the keyphrase is found.
		expect(
			result.checks.find( ( c ) => c.id === 'keyphrase_density' )?.message
		).toMatch( /^The keyphrase appears 6 times/ );
	} );

	test( 'a language without a formula has no Flesch score', () => {
		const result = analyze( { ...good(), locale: 'ja' } );
		expect( result.fleschReadingEase ).toBeNull();
		expect(
			result.checks.find( ( c ) => c.id === 'flesch_reading_ease' )
		).toMatchObject( {
			rating: 'ok',
			message:
				'Flesch reading ease is not available for this language yet.',
		} );
	} );

	test( 'hyphenated compounds are one word, numbers are words but not Flesch words', () => {
		const result = analyze( {
			...good(),
			html: '<p>An old-fashioned loaf takes 24 hours.</p>',
		} );
		expect( result.wordCount ).toBe( 6 );
	} );

	test( 'HTML nested deeper than browsers nest it is refused with a validation error', () => {
		const deep = '<div>'.repeat( 600 ) + '<p>Deep text.</p>';
		expect( () => analyze( { ...good(), html: deep } ) ).toThrow(
			ValidationError
		);
		expect( () => analyze( { ...good(), html: deep } ) ).toThrow(
			'The HTML nests elements more than 512 deep; close its tags.'
		);
		// As deep as a browser goes is still read, and void elements never count as open.
		const nested =
			'<div>'.repeat( 500 ) +
			'<p>Still read.<br><img src="a.png" alt="">'.repeat( 20 ) +
			'</div>'.repeat( 500 );
		expect( analyze( { ...good(), html: nested } ).wordCount ).toBe( 40 );
	} );
} );
