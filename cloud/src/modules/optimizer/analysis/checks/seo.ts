/**
 * The SEO checks, with Yoast's thresholds and scores (yoastseo's
 * `scoring/assessments/seo`); docs/optimizer-checks.md has the table.
 */
import type { OptimizerCheck } from '@igny8/shared-types';
import {
	NO_KEYPHRASE,
	SET_KEYPHRASE,
	plural,
	result,
	type Context,
} from '../context';
import {
	containsAny,
	occurrences,
	stemCounts,
	textWords,
	type Phrase,
} from '../keyphrase';
import { titleWidth } from '../title-width';

const seo = (
	id: Parameters< typeof result >[ 0 ],
	score: number,
	message: string,
	fix?: string
) => result( id, 'seo', score, message, fix );

/** Content words of a keyphrase: Yoast's recommended 1–4, acceptable up to 8. */
export function keyphraseLength( ctx: Context ): OptimizerCheck {
	if ( ! ctx.keyphrase ) {
		return seo( 'keyphrase_length', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	const words = ctx.keyphrase.stems.length;
	// Without a stop-word list every word counts, so the limits are Yoast's looser ones.
	const hasStops = ctx.language.stops.size > 0;
	const good = hasStops ? 4 : 6;
	const acceptable = hasStops ? 8 : 9;
	if ( words <= good ) {
		return seo(
			'keyphrase_length',
			9,
			`The keyphrase has ${ plural( words, 'content word', 'content words' ) }. Good length.`
		);
	}
	return seo(
		'keyphrase_length',
		words <= acceptable ? 6 : 3,
		`The keyphrase has ${ plural( words, 'content word', 'content words' ) }, more than the recommended ${ good }.`,
		'Shorten the keyphrase to the few words people actually search for.'
	);
}

/** Exact keyphrase at the start of the SEO title is best; its words anywhere in it are ok. */
export function keyphraseInTitle( ctx: Context ): OptimizerCheck {
	const fix = 'Put the exact keyphrase in the SEO title, at its beginning.';
	if ( ! ctx.keyphrase ) {
		return seo( 'keyphrase_in_title', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	const title = ctx.input.title.trim();
	if ( title === '' ) {
		return seo(
			'keyphrase_in_title',
			2,
			'There is no SEO title.',
			'Write an SEO title that starts with the keyphrase.'
		);
	}
	const normalize = ( text: string ) =>
		text.toLowerCase().replace( /[’‘]/g, "'" ).replace( /\s+/g, ' ' );
	const at = normalize( title ).indexOf( normalize( ctx.keyphrase.text ) );
	if ( at === 0 ) {
		return seo(
			'keyphrase_in_title',
			9,
			'The exact keyphrase appears at the beginning of the SEO title.'
		);
	}
	if ( at > 0 ) {
		return seo(
			'keyphrase_in_title',
			6,
			'The SEO title contains the exact keyphrase, but not at its beginning.',
			'Move the keyphrase to the beginning of the SEO title.'
		);
	}
	if ( containsAny( [ ctx.keyphrase ], textWords( title, ctx.language ) ) ) {
		return seo(
			'keyphrase_in_title',
			6,
			'The SEO title contains the words of the keyphrase, but not the exact keyphrase.',
			fix
		);
	}
	return seo(
		'keyphrase_in_title',
		2,
		'The SEO title does not contain the keyphrase.',
		fix
	);
}

/** Keyphrase (or a synonym) in one sentence of the first paragraph. */
export function keyphraseInIntroduction( ctx: Context ): OptimizerCheck {
	const fix =
		'Use the keyphrase or a synonym in the first paragraph, ideally in one sentence.';
	if ( ! ctx.keyphrase ) {
		return seo(
			'keyphrase_in_introduction',
			0,
			NO_KEYPHRASE,
			SET_KEYPHRASE
		);
	}
	const first = ctx.paragraphs[ 0 ];
	if ( ! first ) {
		return seo(
			'keyphrase_in_introduction',
			3,
			'There is no introduction: the text has no paragraph.',
			fix
		);
	}
	if (
		first.sentences.some( ( sentence ) =>
			containsAny( ctx.phrases, sentence.words )
		)
	) {
		return seo(
			'keyphrase_in_introduction',
			9,
			'The keyphrase or a synonym appears in the first paragraph.'
		);
	}
	if (
		containsAny(
			ctx.phrases,
			first.sentences.flatMap( ( sentence ) => sentence.words )
		)
	) {
		return seo(
			'keyphrase_in_introduction',
			6,
			'The words of the keyphrase are in the first paragraph, but not in one sentence.',
			fix
		);
	}
	return seo(
		'keyphrase_in_introduction',
		3,
		'The keyphrase does not appear in the first paragraph.',
		fix
	);
}

/** Sentences of the meta description with the keyphrase or a synonym: 1–2. */
export function keyphraseInMetaDescription( ctx: Context ): OptimizerCheck {
	const fix =
		'Use the keyphrase or a synonym once or twice in the meta description.';
	if ( ! ctx.keyphrase ) {
		return seo(
			'keyphrase_in_meta_description',
			0,
			NO_KEYPHRASE,
			SET_KEYPHRASE
		);
	}
	const meta = ctx.input.metaDescription.trim();
	if ( meta === '' ) {
		return seo(
			'keyphrase_in_meta_description',
			3,
			'There is no meta description, so it cannot contain the keyphrase.',
			'Write a meta description that uses the keyphrase.'
		);
	}
	const counts = stemCounts( textWords( meta, ctx.language ) );
	const found = Math.max(
		...ctx.phrases.map( ( phrase ) => occurrences( phrase, counts ) )
	);
	if ( found === 0 ) {
		return seo(
			'keyphrase_in_meta_description',
			3,
			'The meta description does not contain the keyphrase.',
			fix
		);
	}
	if ( found > 2 ) {
		return seo(
			'keyphrase_in_meta_description',
			3,
			`The meta description contains the keyphrase ${ plural( found, 'time', 'times' ) }, more than the recommended 2.`,
			fix
		);
	}
	return seo(
		'keyphrase_in_meta_description',
		9,
		`The meta description contains the keyphrase ${ plural( found, 'time', 'times' ) }.`
	);
}

/** Keyphrase content words in the slug: all good, more than half ok. */
export function keyphraseInSlug( ctx: Context ): OptimizerCheck {
	const fix = 'Use the keyphrase in the slug (the post’s URL).';
	if ( ! ctx.keyphrase ) {
		return seo( 'keyphrase_in_slug', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	let slug = ctx.input.slug;
	try {
		slug = decodeURIComponent( slug );
	} catch {
		// A slug with a stray "%" is still words.
	}
	slug = slug.replace( /[-_/]+/g, ' ' ).trim();
	if ( slug === '' ) {
		return seo( 'keyphrase_in_slug', 3, 'The post has no slug yet.', fix );
	}
	const counts = stemCounts( textWords( slug, ctx.language ) );
	const stems = ctx.keyphrase.stems;
	const present = stems.filter( ( stem ) => counts.has( stem ) ).length;
	if ( present === stems.length ) {
		return seo(
			'keyphrase_in_slug',
			9,
			'The slug contains the keyphrase.'
		);
	}
	if ( stems.length > 2 && present > stems.length / 2 ) {
		return seo(
			'keyphrase_in_slug',
			6,
			`The slug contains ${ present } of the keyphrase’s ${ stems.length } content words.`,
			fix
		);
	}
	return seo(
		'keyphrase_in_slug',
		3,
		'The slug does not contain the keyphrase.',
		fix
	);
}

/** Share of H2/H3 subheadings that reflect the keyphrase or a synonym: 30–75 %. */
export function keyphraseInSubheadings( ctx: Context ): OptimizerCheck {
	const fix =
		'Use the keyphrase or a synonym in 30–75 % of your H2 and H3 subheadings.';
	if ( ! ctx.keyphrase ) {
		return seo(
			'keyphrase_in_subheadings',
			0,
			NO_KEYPHRASE,
			SET_KEYPHRASE
		);
	}
	const subheadings = ctx.prose.filter(
		( block ) =>
			block.kind === 'heading' &&
			( block.level === 2 || block.level === 3 )
	);
	if ( subheadings.length === 0 ) {
		return ctx.wordCount < 300
			? seo(
					'keyphrase_in_subheadings',
					9,
					'There are no H2 or H3 subheadings, but the text is short enough not to need them.'
				)
			: seo(
					'keyphrase_in_subheadings',
					2,
					'The text has no H2 or H3 subheadings.',
					'Add H2 and H3 subheadings, some of them with the keyphrase or a synonym.'
				);
	}
	const matching = subheadings.filter( ( heading ) =>
		containsAny(
			ctx.phrases,
			heading.sentences.flatMap( ( sentence ) => sentence.words )
		)
	).length;
	const share = matching / subheadings.length;
	const found = `${ matching } of ${ plural( subheadings.length, 'H2/H3 subheading reflects', 'H2/H3 subheadings reflect' ) } the keyphrase`;
	if ( matching === 0 ) {
		return seo( 'keyphrase_in_subheadings', 3, `${ found }.`, fix );
	}
	if ( subheadings.length === 1 || ( share >= 0.3 && share <= 0.75 ) ) {
		return seo( 'keyphrase_in_subheadings', 9, `${ found }. Good.` );
	}
	return seo(
		'keyphrase_in_subheadings',
		3,
		share < 0.3 ? `${ found }: too few.` : `${ found }: too many.`,
		fix
	);
}

/**
 * Yoast's recommended count: density × words / (100 × length factor),
 * never below 2. The length factor (0.7 + words / 3) lets long
 * keyphrases occur less often.
 */
function recommendedCount(
	phraseLength: number,
	density: number,
	bound: 'min' | 'max',
	words: number
): number {
	const count = ( density * words ) / ( 100 * ( 0.7 + phraseLength / 3 ) );
	if ( count < 2 ) {
		return 2;
	}
	return bound === 'min' ? Math.ceil( count ) : Math.floor( count );
}

/** Keyphrase occurrences against the text length: Yoast's 0.5–3.5 % with word forms. */
export function keyphraseDensity( ctx: Context ): OptimizerCheck {
	if ( ! ctx.keyphrase ) {
		return seo( 'keyphrase_density', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	const words = ctx.wordCount;
	if ( words === 0 ) {
		return seo(
			'keyphrase_density',
			0,
			'There is no text to find the keyphrase in.',
			'Write the post, using the keyphrase a few times.'
		);
	}
	let count = 0;
	for ( const block of ctx.prose ) {
		for ( const sentence of block.sentences ) {
			count += occurrences( ctx.keyphrase, stemCounts( sentence.words ) );
		}
	}
	let min = recommendedCount( ctx.keyphrase.length, 0.5, 'min', words );
	let max = recommendedCount( ctx.keyphrase.length, 3.5, 'max', words );
	if ( words < 100 ) {
		min = 1;
		max = words > 50 ? 2 : 1;
	}
	const density = ( count / words ) * 100;
	const found = `The keyphrase appears ${ plural( count, 'time', 'times' ) } (${ density.toFixed( 1 ) } %)`;
	if ( count < min ) {
		const aim =
			min === max
				? plural( min, 'time', 'times' )
				: `${ min }–${ max } times`;
		return seo(
			'keyphrase_density',
			4,
			`${ found }; aim for ${ aim }.`,
			`Use the keyphrase ${ aim }, spread over the text.`
		);
	}
	if ( count > max ) {
		return seo(
			'keyphrase_density',
			// Yoast: over 4 % is far too much (−50), up to 4 % too much (−10); both show red.
			0,
			`${ found }, more than the recommended ${ max }.`,
			`Use the keyphrase at most ${ max } times: replace some with synonyms or pronouns.`
		);
	}
	return seo( 'keyphrase_density', 9, `${ found }. Good.` );
}

/**
 * Whether a sentence is about the topic, as Yoast's distribution research
 * decides it: all content words of the keyphrase or a synonym, or, for a
 * phrase of more than three content words, at least half of them.
 */
function aboutTopic(
	phrases: readonly Phrase[],
	words: Parameters< typeof stemCounts >[ 0 ]
): boolean {
	const counts = stemCounts( words );
	return phrases.some( ( phrase ) => {
		const found = phrase.stems.filter( ( stem ) =>
			counts.has( stem )
		).length;
		return phrase.stems.length > 3
			? found * 2 >= phrase.stems.length
			: found === phrase.stems.length;
	} );
}

/**
 * Yoast's distraction measure: the longest run of sentences without the
 * keyphrase or a synonym, as a share of all sentences (30 % good, 50 % ok).
 */
export function keyphraseDistribution( ctx: Context ): OptimizerCheck {
	const fix =
		'Spread the keyphrase and its synonyms evenly over the text instead of bunching them.';
	if ( ! ctx.keyphrase ) {
		return seo( 'keyphrase_distribution', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	const sentences = ctx.prose.flatMap( ( block ) => block.sentences );
	let longest = 0;
	let run = 0;
	let hits = 0;
	for ( const sentence of sentences ) {
		if ( aboutTopic( ctx.phrases, sentence.words ) ) {
			hits += 1;
			longest = Math.max( longest, run );
			run = 0;
		} else {
			run += 1;
		}
	}
	longest = Math.max( longest, run );
	if ( hits === 0 ) {
		return seo(
			'keyphrase_distribution',
			1,
			'The keyphrase and its synonyms do not appear in the text.',
			'Use the keyphrase or its synonyms throughout the text.'
		);
	}
	const distraction = Math.round( ( longest / sentences.length ) * 100 );
	const found = `The longest stretch without the keyphrase is ${ distraction } % of the text`;
	if ( distraction > 50 ) {
		return seo(
			'keyphrase_distribution',
			1,
			`${ found }; keep it at most 30 %.`,
			fix
		);
	}
	if ( distraction > 30 ) {
		return seo(
			'keyphrase_distribution',
			6,
			`${ found }; aim for at most 30 %.`,
			fix
		);
	}
	return seo( 'keyphrase_distribution', 9, `${ found }. Evenly spread.` );
}

/** Words in the body: 300 or more (Yoast's post thresholds). */
export function textLength( ctx: Context ): OptimizerCheck {
	const words = ctx.wordCount;
	const found = `The text has ${ plural( words, 'word', 'words' ) }`;
	const fix = 'Add content until the text has at least 300 words.';
	if ( words >= 300 ) {
		return seo( 'text_length', 9, `${ found }. Good.` );
	}
	const score = words >= 250 ? 6 : words >= 200 ? 3 : 0;
	return seo(
		'text_length',
		score,
		`${ found }, fewer than the recommended minimum of 300.`,
		fix
	);
}

/** The SEO title's width in Google's desktop results: 400–600 px. */
export function titleWidthCheck( ctx: Context ): OptimizerCheck {
	const title = ctx.input.title.trim();
	if ( title === '' ) {
		return seo(
			'title_width',
			1,
			'There is no SEO title.',
			'Write an SEO title of about 50–60 characters.'
		);
	}
	const width = titleWidth( title );
	if ( width > 600 ) {
		return seo(
			'title_width',
			3,
			`The SEO title is ${ width } px wide; search results cut it at 600 px.`,
			'Shorten the SEO title so it fits in 600 px (about 60 characters).'
		);
	}
	if ( width < 400 ) {
		return seo(
			'title_width',
			6,
			`The SEO title is ${ width } px wide; up to 600 px are available.`,
			'Use the space: lengthen the SEO title towards 600 px.'
		);
	}
	return seo(
		'title_width',
		9,
		`The SEO title is ${ width } px wide. Good.`
	);
}

/** Meta description characters: 120–156. */
export function metaDescriptionLength( ctx: Context ): OptimizerCheck {
	const length = [ ...ctx.input.metaDescription.trim() ].length;
	if ( length === 0 ) {
		return seo(
			'meta_description_length',
			1,
			'There is no meta description; search engines will show a snippet of the text instead.',
			'Write a meta description of 120–156 characters.'
		);
	}
	if ( length < 120 ) {
		return seo(
			'meta_description_length',
			6,
			`The meta description has ${ length } characters; up to 156 are available.`,
			'Lengthen the meta description to 120–156 characters.'
		);
	}
	if ( length > 156 ) {
		return seo(
			'meta_description_length',
			6,
			`The meta description has ${ length } characters; search results cut it after 156.`,
			'Shorten the meta description to at most 156 characters.'
		);
	}
	return seo(
		'meta_description_length',
		9,
		`The meta description has ${ length } characters. Good.`
	);
}

type LinkKind = 'internal' | 'outbound' | 'other';

/** Hosts compared without "www.": a site's own links often differ only in that. */
const bareHost = ( host: string ) => host.toLowerCase().replace( /^www\./, '' );

function linkKind( href: string, siteHost: string | null ): LinkKind {
	const trimmed = href.trim();
	if ( trimmed === '' || trimmed.startsWith( '#' ) ) {
		return 'other';
	}
	if ( /^(?:mailto|tel|javascript|data|sms):/i.test( trimmed ) ) {
		return 'other';
	}
	if ( ! /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test( trimmed ) ) {
		// Relative ("/about", "page/2") is this site.
		return /^[a-z][a-z0-9+.-]*:/i.test( trimmed ) ? 'other' : 'internal';
	}
	try {
		const url = new URL( trimmed, 'https://relative.invalid' );
		return siteHost !== null && bareHost( url.hostname ) === siteHost
			? 'internal'
			: 'outbound';
	} catch {
		return 'other';
	}
}

function siteHostOf( siteUrl: string | null ): string | null {
	if ( ! siteUrl ) {
		return null;
	}
	try {
		return bareHost( new URL( siteUrl ).hostname );
	} catch {
		return null;
	}
}

function linksOf( ctx: Context, kind: LinkKind ) {
	const host = siteHostOf( ctx.input.siteUrl );
	return ctx.structure.links.filter(
		( link ) => linkKind( link.href, host ) === kind
	);
}

/** Links to the site's own pages: at least one followed. */
export function internalLinks( ctx: Context ): OptimizerCheck {
	const links = linksOf( ctx, 'internal' );
	const nofollow = links.filter( ( link ) => link.nofollow ).length;
	const linker = ctx.input.linker ?? null;
	const fix =
		linker && linker.suggestions > 0
			? `The Linker has ${ plural( linker.suggestions, 'link suggestion', 'link suggestions' ) } for this post: add them from the Internal links panel or IGNY8 → Linker.`
			: 'Link to related posts on this site (the Linker suggests some).';
	// The other direction, from the Linker's graph: links are found both ways.
	const inbound =
		linker === null || linker.inbound === null
			? ''
			: linker.inbound === 0
				? ' No other post of the site links to this one yet (an orphan): the Linker lists the posts that could.'
				: ` ${ plural( linker.inbound, 'post of the site links', 'posts of the site link' ) } to this one.`;
	if ( links.length === 0 ) {
		return seo(
			'internal_links',
			3,
			`The text has no links to other pages of this site.${ inbound }`,
			fix
		);
	}
	const found = `The text has ${ plural( links.length, 'internal link', 'internal links' ) }`;
	if ( nofollow === links.length ) {
		return seo(
			'internal_links',
			7,
			`${ found }, all of them nofollow.${ inbound }`,
			'Remove rel="nofollow" from at least one internal link.'
		);
	}
	if ( nofollow > 0 ) {
		return seo(
			'internal_links',
			8,
			`${ found }; ${ nofollow } of them nofollow.${ inbound }`
		);
	}
	return seo( 'internal_links', 9, `${ found }. Good.${ inbound }` );
}

/** Links to other sites: at least one followed. */
export function outboundLinks( ctx: Context ): OptimizerCheck {
	const links = linksOf( ctx, 'outbound' );
	const nofollow = links.filter( ( link ) => link.nofollow ).length;
	if ( links.length === 0 ) {
		return seo(
			'outbound_links',
			3,
			'The text has no links to other sites.',
			'Link to an authoritative source on the topic.'
		);
	}
	const found = `The text has ${ plural( links.length, 'outbound link', 'outbound links' ) }`;
	if ( nofollow === links.length ) {
		return seo(
			'outbound_links',
			7,
			`${ found }, all of them nofollow.`,
			'Let at least one outbound link to a trusted source be followed.'
		);
	}
	if ( nofollow > 0 ) {
		return seo(
			'outbound_links',
			8,
			`${ found }; ${ nofollow } of them nofollow.`
		);
	}
	return seo( 'outbound_links', 9, `${ found }. Good.` );
}

/** Links whose anchor text is the keyphrase (or a synonym): they compete for it. */
export function competingLinks( ctx: Context ): OptimizerCheck {
	if ( ! ctx.keyphrase ) {
		return seo( 'competing_links', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	const own = ctx.input.slug
		.trim()
		.replace( /^\/+|\/+$/g, '' )
		.toLowerCase();
	const competing = ctx.structure.links.filter( ( link ) => {
		if ( link.text === '' ) {
			return false;
		}
		if (
			own !== '' &&
			link.href
				.toLowerCase()
				.replace( /\/+$/, '' )
				.endsWith( `/${ own }` )
		) {
			return false;
		}
		// The anchor is the phrase: all of its content words, and no other content word.
		const words = textWords( link.text, ctx.language ).filter(
			( word ) => ! word.stop
		);
		const stems = new Set( words.flatMap( ( word ) => word.stems ) );
		return ctx.phrases.some(
			( phrase ) =>
				phrase.stems.length === stems.size &&
				phrase.stems.every( ( stem ) => stems.has( stem ) )
		);
	} ).length;
	if ( competing > 0 ) {
		return seo(
			'competing_links',
			2,
			`${ plural( competing, 'link uses', 'links use' ) } the keyphrase as anchor text and ${ competing === 1 ? 'competes' : 'compete' } with this post for it.`,
			'Change the anchor text of links that use the keyphrase, or remove them.'
		);
	}
	return seo(
		'competing_links',
		8,
		'No link uses the keyphrase as its anchor text.'
	);
}

/** At least one image. */
export function images( ctx: Context ): OptimizerCheck {
	const count = ctx.structure.images.length;
	if ( count === 0 ) {
		return seo(
			'images',
			3,
			'The text has no images.',
			'Add at least one relevant image.'
		);
	}
	return seo(
		'images',
		9,
		`The text has ${ plural( count, 'image', 'images' ) }.`
	);
}

/**
 * Alt texts with the keyphrase or a synonym: at least one of fewer than 5
 * images; from 5 images, 30–75 % of them (Yoast's bounds).
 */
export function imageKeyphrase( ctx: Context ): OptimizerCheck {
	const all = ctx.structure.images;
	if ( ! ctx.keyphrase ) {
		return seo( 'image_keyphrase', 0, NO_KEYPHRASE, SET_KEYPHRASE );
	}
	if ( all.length === 0 ) {
		return seo(
			'image_keyphrase',
			3,
			'The text has no images, so no alt text can use the keyphrase.',
			'Add an image whose alt text describes it using the keyphrase.'
		);
	}
	const withAlt = all.filter( ( image ) => image.alt !== '' );
	if ( withAlt.length === 0 ) {
		return seo(
			'image_keyphrase',
			6,
			'The images have no alt text.',
			'Describe each image in its alt text; use the keyphrase where it fits.'
		);
	}
	const matching = withAlt.filter( ( image ) =>
		containsAny( ctx.phrases, textWords( image.alt, ctx.language ) )
	).length;
	const found = `${ matching } of ${ plural( all.length, 'image has', 'images have' ) } the keyphrase in the alt text`;
	if ( all.length < 5 ) {
		return matching > 0
			? seo( 'image_keyphrase', 9, `${ found }. Good.` )
			: seo(
					'image_keyphrase',
					6,
					`${ found }.`,
					'Use the keyphrase or a synonym in the alt text of an image.'
				);
	}
	const min = Math.ceil( all.length * 0.3 );
	const max = Math.floor( all.length * 0.75 );
	if ( matching < min ) {
		return seo(
			'image_keyphrase',
			6,
			`${ found }; aim for ${ min }–${ max }.`,
			`Use the keyphrase or a synonym in the alt text of ${ min }–${ max } images.`
		);
	}
	if ( matching > max ) {
		return seo(
			'image_keyphrase',
			6,
			`${ found }; more than ${ max } reads as keyword stuffing.`,
			'Describe some images without the keyphrase.'
		);
	}
	return seo( 'image_keyphrase', 9, `${ found }. Good.` );
}

/** The post title is the page's H1; another H1 in the body competes with it. */
export function singleTitle( ctx: Context ): OptimizerCheck {
	const h1 = ctx.structure.h1Count;
	if ( h1 > 1 ) {
		return seo(
			'single_title',
			1,
			`The text has ${ h1 } H1 headings; a page should have one title.`,
			'Turn the extra H1 headings into H2 subheadings.'
		);
	}
	return seo(
		'single_title',
		8,
		h1 === 1
			? 'The text has one H1 heading.'
			: 'The text has no H1 heading of its own; the post title is the page’s title.'
	);
}

/** The site's other posts with the same focus keyphrase compete with this one. */
export function previouslyUsedKeyphrase( ctx: Context ): OptimizerCheck {
	if ( ! ctx.keyphrase ) {
		return seo(
			'previously_used_keyphrase',
			0,
			NO_KEYPHRASE,
			SET_KEYPHRASE
		);
	}
	const uses = ctx.input.previousUses;
	if ( uses.length === 0 ) {
		return seo(
			'previously_used_keyphrase',
			9,
			'No other post on the site uses this focus keyphrase.'
		);
	}
	if ( uses.length === 1 ) {
		return seo(
			'previously_used_keyphrase',
			6,
			`The post “${ uses[ 0 ]!.title }” already uses this focus keyphrase.`,
			'Choose another keyphrase, or merge the two posts so one page ranks for it.'
		);
	}
	return seo(
		'previously_used_keyphrase',
		1,
		`${ uses.length } other posts already use this focus keyphrase: ${ uses
			.slice( 0, 3 )
			.map( ( use ) => `“${ use.title }”` )
			.join( ', ' ) }${ uses.length > 3 ? '…' : '' }.`,
		'Give each post its own keyphrase so they do not compete with each other.'
	);
}
