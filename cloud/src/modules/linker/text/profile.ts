import { Parser } from 'htmlparser2';
import { analyzerFor, gramsOf, type Analyzer, type Token } from './analyzer';
import { BLOCKS as LINK_BLOCKS } from './zones';

/**
 * What the Linker knows of one post: its prominent terms (for similarity),
 * every stem it holds (for the inverted index) and the phrases a link to it
 * may use as anchor text.
 */
export type PhraseSource = 'title' | 'keyword' | 'heading' | 'prominent';

export type DocumentPhrase = {
	/** Stems joined by one space. */
	phrase: string;
	/** 0–1: how surely text with this phrase is about this post. */
	weight: number;
	source: PhraseSource;
};

export type DocumentProfile = {
	/** The post's ~100 most prominent stems, term frequency with title, headings and keywords boosted. */
	terms: Record< string, number >;
	/** Non-stop words in the title and text. */
	length: number;
	/** Every distinct non-stop stem of the title, keywords and text. */
	stems: string[];
	/** Anchor phrases a link to this post may use, strongest first. */
	phrases: DocumentPhrase[];
};

const MAX_TERMS = 100;
const MAX_PHRASES = 40;
const MAX_PROMINENT = 20;
/** How much one word counts, by where it stands. */
const BOOST = { title: 3, keyword: 3, heading: 2, body: 1 } as const;
const PHRASE_WEIGHT = { title: 1, keyword: 1, heading: 0.6 } as const;

/** Text a reader does not see as prose, left out of a profile. */
const SKIPPED = new Set( [
	'script',
	'style',
	'pre',
	'template',
	'noscript',
	'svg',
	'math',
	'iframe',
	'object',
] );
const HEADINGS = new Set( [ 'h1', 'h2', 'h3', 'h4', 'h5', 'h6' ] );
/** A phrase never spans two blocks, nor a line break. */
const BLOCKS = new Set( [ ...LINK_BLOCKS, 'br' ] );

/** The post's text in blocks (a phrase never spans two), headings apart. */
export function blocksOf( html: string ): {
	headings: string[];
	body: string[];
} {
	const headings: string[] = [];
	const body: string[] = [];
	let current = '';
	let skipped = 0;
	let heading: string | undefined;
	const flush = () => {
		if ( current.trim() !== '' ) {
			body.push( current );
		}
		current = '';
	};
	const parser = new Parser(
		{
			onopentag( name ) {
				if ( SKIPPED.has( name ) ) {
					skipped += 1;
				} else if ( HEADINGS.has( name ) ) {
					flush();
					heading = '';
				} else if ( BLOCKS.has( name ) ) {
					flush();
				}
			},
			onclosetag( name, implied ) {
				if ( SKIPPED.has( name ) ) {
					skipped = Math.max( 0, skipped - 1 );
				} else if ( HEADINGS.has( name ) && heading !== undefined ) {
					if ( heading.trim() !== '' ) {
						headings.push( heading );
					}
					heading = undefined;
				} else if ( BLOCKS.has( name ) && ! implied ) {
					flush();
				}
			},
			ontext( text ) {
				if ( skipped > 0 ) {
					return;
				}
				if ( heading !== undefined ) {
					heading += text;
				} else {
					current += text;
				}
			},
		},
		{ decodeEntities: true, lowerCaseTags: true }
	);
	parser.end( html );
	flush();
	return { headings, body };
}

/**
 * The phrases of a short text (title, keyword, heading): the whole of it when
 * it has `minWords`–4 words, and its 2–4-word stretches ("running shoes" of
 * "Best Running Shoes for Beginners"), which weigh less, the longer the more.
 */
function namePhrases(
	analyzer: Analyzer,
	text: string,
	weight: number,
	minWords: number
): Array< { phrase: string; weight: number } > {
	const tokens = analyzer.tokens( text );
	const stems = tokens
		.filter( ( token ) => ! token.stop )
		.map( ( token ) => token.stem );
	const out: Array< { phrase: string; weight: number } > = [];
	if ( stems.length >= minWords && stems.length <= 4 ) {
		out.push( { phrase: stems.join( ' ' ), weight } );
	}
	if ( stems.length > 2 ) {
		for ( const gram of gramsOf( text, tokens, 2, 4 ) ) {
			out.push( {
				phrase: gram.phrase,
				weight: weight * ( 0.4 + ( 0.4 * gram.size ) / 4 ),
			} );
		}
	}
	return out;
}

export function profileDocument( document: {
	title: string;
	html: string;
	keywords: string[];
	locale?: string | null;
} ): DocumentProfile {
	const analyzer = analyzerFor( document.locale ?? undefined );
	const { headings, body } = blocksOf( document.html );
	const terms = new Map< string, number >();
	const stems = new Set< string >();
	let length = 0;
	const count = ( tokens: Token[], boost: number, counted: boolean ) => {
		for ( const token of tokens ) {
			if ( token.stop ) {
				continue;
			}
			terms.set( token.stem, ( terms.get( token.stem ) ?? 0 ) + boost );
			stems.add( token.stem );
			if ( counted ) {
				length += 1;
			}
		}
	};
	count( analyzer.tokens( document.title ), BOOST.title, true );
	document.keywords.forEach( ( keyword ) =>
		count( analyzer.tokens( keyword ), BOOST.keyword, false )
	);
	headings.forEach( ( heading ) =>
		count( analyzer.tokens( heading ), BOOST.heading, true )
	);
	const bodyTokens = body.map( ( block ) => analyzer.tokens( block ) );
	bodyTokens.forEach( ( tokens ) => count( tokens, BOOST.body, true ) );

	const phrases = new Map< string, DocumentPhrase >();
	const offer = ( phrase: string, weight: number, source: PhraseSource ) => {
		const known = phrases.get( phrase );
		if ( ! known || known.weight < weight ) {
			phrases.set( phrase, { phrase, weight, source } );
		}
	};
	for ( const { phrase, weight } of namePhrases(
		analyzer,
		document.title,
		PHRASE_WEIGHT.title,
		1
	) ) {
		offer( phrase, weight, 'title' );
	}
	for ( const keyword of document.keywords ) {
		for ( const { phrase, weight } of namePhrases(
			analyzer,
			keyword,
			PHRASE_WEIGHT.keyword,
			1
		) ) {
			offer( phrase, weight, 'keyword' );
		}
	}
	for ( const heading of headings ) {
		// A one-word heading ("Introduction", "Usage") names a section, not the post.
		for ( const { phrase, weight } of namePhrases(
			analyzer,
			heading,
			PHRASE_WEIGHT.heading,
			2
		) ) {
			offer( phrase, weight, 'heading' );
		}
	}
	for ( const { phrase, weight } of prominentPhrases( body, bodyTokens ) ) {
		offer( phrase, weight, 'prominent' );
	}

	const top = [ ...terms ]
		.sort( ( a, b ) => b[ 1 ] - a[ 1 ] || ( a[ 0 ] < b[ 0 ] ? -1 : 1 ) )
		.slice( 0, MAX_TERMS );
	return {
		terms: Object.fromEntries( top ),
		length,
		stems: [ ...stems ],
		phrases: [ ...phrases.values() ]
			.sort(
				( a, b ) =>
					b.weight - a.weight || a.phrase.length - b.phrase.length
			)
			.slice( 0, MAX_PHRASES ),
	};
}

/**
 * The text's most repeated 2–4-word phrases: a post says what it is about
 * more than once. Weights stay below a title's or keyword's.
 */
function prominentPhrases(
	blocks: string[],
	tokens: Token[][]
): Array< { phrase: string; weight: number } > {
	const counts = new Map< string, { count: number; size: number } >();
	for ( const [ i, block ] of blocks.entries() ) {
		for ( const gram of gramsOf( block, tokens[ i ]!, 2, 4 ) ) {
			const known = counts.get( gram.phrase );
			if ( known ) {
				known.count += 1;
			} else {
				counts.set( gram.phrase, { count: 1, size: gram.size } );
			}
		}
	}
	const ranked = [ ...counts ]
		.filter( ( [ , { count } ] ) => count >= 2 )
		.map( ( [ phrase, { count, size } ] ) => ( {
			phrase,
			rank: count * Math.sqrt( size ),
		} ) )
		.sort( ( a, b ) => b.rank - a.rank || ( a.phrase < b.phrase ? -1 : 1 ) )
		.slice( 0, MAX_PROMINENT );
	const best = ranked[ 0 ]?.rank ?? 1;
	return ranked.map( ( { phrase, rank } ) => ( {
		phrase,
		weight: 0.3 + ( 0.2 * rank ) / best,
	} ) );
}
