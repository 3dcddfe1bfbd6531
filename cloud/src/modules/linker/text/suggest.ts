import { analyzerFor, gramsOf } from './analyzer';
import type { Corpus, CorpusDocument } from './corpus';
import type { DocumentPhrase, DocumentProfile } from './profile';
import { linkableRuns } from './zones';

/** One link the suggester proposes: where in the source HTML, to which target. */
export type Placement = {
	targetId: number;
	/** The source's own characters between start and end, as they are. */
	anchor: string;
	/** UTF-16 offsets in the source HTML. */
	start: number;
	end: number;
	/** 0-based block of the source. */
	paragraph: number;
	score: number;
};

export type LinkCaps = {
	perPost: number;
	perParagraph: number;
	/**
	 * Drop suggestions scoring below this share of the best one (default
	 * RELATIVE_FLOOR): a strong match makes a faint one noise.
	 */
	relativeFloor?: number;
};

/** A suggestion scoring under this share of the list's best is left out. */
const RELATIVE_FLOOR = 0.2;

function aboveFloor< T extends { score: number } >(
	ranked: T[],
	caps: LinkCaps
): T[] {
	const best = ranked[ 0 ]?.score ?? 0;
	const floor = best * ( caps.relativeFloor ?? RELATIVE_FLOOR );
	return ranked.filter( ( item ) => item.score >= floor );
}

type Occurrence = { start: number; end: number; paragraph: number };

/**
 * Where each 1–4-word phrase occurs in the places of the HTML a link may go,
 * first occurrence first.
 */
function occurrencesOf(
	html: string,
	locale: string | null | undefined
): Map< string, Occurrence[] > {
	const analyzer = analyzerFor( locale );
	const found = new Map< string, Occurrence[] >();
	for ( const run of linkableRuns( html ) ) {
		for ( const gram of gramsOf( run.text, analyzer.tokens( run.text ) ) ) {
			if ( insideCompound( run.text, gram.start, gram.end ) ) {
				continue;
			}
			const at = {
				start: run.start + gram.start,
				end: run.start + gram.end,
				paragraph: run.paragraph,
			};
			const list = found.get( gram.phrase );
			if ( list ) {
				list.push( at );
			} else {
				found.set( gram.phrase, [ at ] );
			}
		}
	}
	return found;
}

/** Joins words into one ("npm-install", "package.json", "foo_bar"). */
const COMPOUND_JOINER = /[-\u2010\u2011._/@:]/;
const WORD_CHARACTER = /[\p{L}\p{M}\p{N}]/u;

/**
 * Whether [start, end) is only part of a compound ("install" in "npm-install",
 * "json" in "package.json"): a link there would cut the compound in two.
 */
function insideCompound( text: string, start: number, end: number ): boolean {
	const before =
		start >= 2 &&
		COMPOUND_JOINER.test( text[ start - 1 ]! ) &&
		WORD_CHARACTER.test( text[ start - 2 ]! );
	const after =
		end + 1 < text.length &&
		COMPOUND_JOINER.test( text[ end ]! ) &&
		WORD_CHARACTER.test( text[ end + 1 ]! );
	return before || after;
}

/** The stemmed phrases a link could be anchored on: what `Corpus.byPhrases` is asked for. */
export function sourcePhrases(
	html: string,
	locale?: string | null
): string[] {
	return [ ...occurrencesOf( html, locale ).keys() ];
}

/** BM25's idf, never negative; 0 for a stem no document holds. */
function idfOf( corpus: Corpus, stem: string ): number {
	const n = corpus.documents();
	const df = Math.min( corpus.df( stem ), n );
	return Math.log( 1 + ( n - df + 0.5 ) / ( df + 0.5 ) );
}

type Vector = { weights: Map< string, number >; norm: number };

/** tf-idf over a profile's prominent terms (sublinear tf). */
function vectorOf(
	profile: DocumentProfile,
	idf: ( stem: string ) => number
): Vector {
	const weights = new Map< string, number >();
	let sum = 0;
	for ( const [ stem, tf ] of Object.entries( profile.terms ) ) {
		const weight = ( 1 + Math.log( tf ) ) * idf( stem );
		if ( weight > 0 ) {
			weights.set( stem, weight );
			sum += weight * weight;
		}
	}
	return { weights, norm: Math.sqrt( sum ) };
}

function cosine( a: Vector, b: Vector ): number {
	if ( a.norm === 0 || b.norm === 0 ) {
		return 0;
	}
	const [ small, large ] =
		a.weights.size <= b.weights.size ? [ a, b ] : [ b, a ];
	let dot = 0;
	for ( const [ stem, weight ] of small.weights ) {
		dot += weight * ( large.weights.get( stem ) ?? 0 );
	}
	return dot / ( a.norm * b.norm );
}

/** One scored way to link to a target: a phrase of it and where the source says it. */
type Option = {
	phrase: DocumentPhrase;
	occurrences: Occurrence[];
	score: number;
};
/** A target with the phrases of it the source holds; `factor` is what the posts' likeness adds. */
type Candidate = { target: CorpusDocument; factor: number; options: Option[] };

/** How much the engine trusts a phrase match and the posts' likeness, in one figure. */
function scoreTarget(
	target: CorpusDocument,
	html: string,
	found: Map< string, Occurrence[] >,
	idf: ( stem: string ) => number,
	maxIdf: number,
	owners: ( phrase: string, weight: number ) => number
): Candidate | undefined {
	const options: Option[] = [];
	const title = spoken( target.title );
	for ( const phrase of target.profile.phrases ) {
		const stemmed = found.get( phrase.phrase );
		if ( ! stemmed ) {
			continue;
		}
		// The title as written ("npm config", not "configured") is the surest anchor of all.
		const exact = stemmed.filter(
			( at ) => spoken( html.slice( at.start, at.end ) ) === title
		);
		const occurrences =
			exact.length > 0
				? [
						...exact,
						...stemmed.filter( ( at ) => ! exact.includes( at ) ),
					]
				: stemmed;
		// A phrase of rare words is a surer sign than one of common words; its two rarest say it.
		const [ first = 0, second = 0 ] = phrase.phrase
			.split( ' ' )
			.map( idf )
			.sort( ( a, b ) => b - a );
		const specificity = Math.min( 1, ( first + second ) / maxIdf );
		// A phrase many posts claim (boilerplate, a shared option's blurb) points at none of them.
		const shared = Math.max( 1, owners( phrase.phrase, phrase.weight ) );
		// One word, even a title, is a weaker sign than a phrase ("Removal" meets "removed").
		const size = phrase.phrase.split( ' ' ).length;
		const sizeFactor = size === 1 ? 0.6 : size === 2 ? 0.9 : 1;
		options.push( {
			phrase,
			occurrences,
			score:
				( ( exact.length > 0 ? EXACT_TITLE : 1 ) *
					phrase.weight *
					sizeFactor *
					( 0.3 + 0.7 * specificity ) ) /
				shared ** 0.7,
		} );
	}
	if ( options.length === 0 ) {
		return undefined;
	}
	options.sort( ( a, b ) => b.score - a.score );
	return { target, factor: 1, options };
}

/** How much more the title written out counts than its stems met in other forms. */
const EXACT_TITLE = 1.25;

/** Text as compared with a title: lower case, words apart by single spaces. */
function spoken( text: string ): string {
	return text
		.toLowerCase()
		.replace( /[^\p{L}\p{N}]+/gu, ' ' )
		.trim();
}

/** Adds to a candidate what the likeness of the two posts and the target's links say. */
function weigh(
	candidate: Candidate,
	source: Vector,
	vector: ( profile: DocumentProfile ) => Vector
): Candidate {
	const { target, options } = candidate;
	const similarity = cosine( source, vector( target.profile ) );
	// Orphans and under-linked posts first at equal relevance, never over a clearly better match.
	const orphanBoost = 1 + 0.02 / ( 1 + Math.max( 0, target.inbound ) );
	const mentions = Math.min(
		3,
		options.reduce( ( n, option ) => n + option.occurrences.length, 0 )
	);
	const factor =
		( 0.2 + Math.sqrt( similarity ) ) *
		( 1 + 0.05 * ( mentions - 1 ) ) *
		orphanBoost;
	return { target, factor, options };
}

/**
 * For each phrase the source holds, how many candidate targets claim it at
 * least as strongly as a given weight: a title is not weakened by the posts
 * that merely repeat it.
 */
function ownersOf(
	targets: CorpusDocument[],
	found: { has( phrase: string ): boolean }
): ( phrase: string, weight: number ) => number {
	const weights = new Map< string, number[] >();
	for ( const target of targets ) {
		for ( const { phrase, weight } of target.profile.phrases ) {
			if ( found.has( phrase ) ) {
				const list = weights.get( phrase );
				if ( list ) {
					list.push( weight );
				} else {
					weights.set( phrase, [ weight ] );
				}
			}
		}
	}
	return ( phrase, weight ) =>
		( weights.get( phrase ) ?? [] ).filter( ( w ) => w >= weight - 1e-9 )
			.length;
}

/**
 * Gives each target its best free spot, best (target, phrase) pairs first, so
 * a span goes to the target it names best and a target to its surest phrase,
 * within the caps; one link per target, no two anchors overlapping.
 */
function place(
	candidates: Candidate[],
	html: string,
	caps: LinkCaps
): Placement[] {
	const entries = candidates.flatMap( ( candidate ) =>
		candidate.options.map( ( option ) => ( {
			target: candidate.target,
			option,
			score: option.score * candidate.factor,
		} ) )
	);
	entries.sort(
		( a, b ) =>
			b.score - a.score ||
			a.target.inbound - b.target.inbound ||
			a.target.id - b.target.id
	);
	const perParagraph = new Map< number, number >();
	const taken: Array< [ number, number ] > = [];
	const placed = new Set< number >();
	const placements: Placement[] = [];
	for ( const entry of entries ) {
		if ( placements.length >= caps.perPost ) {
			break;
		}
		if ( placed.has( entry.target.id ) ) {
			continue;
		}
		const spot = entry.option.occurrences.find(
			( at ) =>
				( perParagraph.get( at.paragraph ) ?? 0 ) < caps.perParagraph &&
				! taken.some( ( [ s, e ] ) => at.start < e && s < at.end )
		);
		if ( ! spot ) {
			continue;
		}
		placed.add( entry.target.id );
		taken.push( [ spot.start, spot.end ] );
		perParagraph.set(
			spot.paragraph,
			( perParagraph.get( spot.paragraph ) ?? 0 ) + 1
		);
		placements.push( {
			targetId: entry.target.id,
			anchor: html.slice( spot.start, spot.end ),
			start: spot.start,
			end: spot.end,
			paragraph: spot.paragraph,
			score: Number( entry.score.toFixed( 6 ) ),
		} );
	}
	return placements;
}

/**
 * idf per corpus, kept while its revision holds (a bulk run asks the same
 * stems again); a corpus without revisions gets a fresh one per call.
 */
const idfCaches = new WeakMap<
	Corpus,
	{ revision: number | undefined; values: Map< string, number > }
>();

function scorer( corpus: Corpus ) {
	const n = corpus.documents();
	const revision = corpus.revision?.();
	let cache = idfCaches.get( corpus );
	if ( ! cache || revision === undefined || cache.revision !== revision ) {
		cache = { revision, values: new Map() };
		idfCaches.set( corpus, cache );
	}
	const values = cache.values;
	const idf = ( stem: string ) => {
		let value = values.get( stem );
		if ( value === undefined ) {
			value = idfOf( corpus, stem );
			values.set( stem, value );
		}
		return value;
	};
	// Two rare words make a phrase as sure as it gets.
	const maxIdf = 2 * Math.log( 1 + ( n + 0.5 ) / 1.5 ) || 1;
	const owner = cache;
	const vector = ( profile: DocumentProfile ): Vector => {
		const known = vectors.get( profile );
		if ( known && known.idf === owner ) {
			return known.vector;
		}
		const fresh = vectorOf( profile, idf );
		vectors.set( profile, { idf: owner, vector: fresh } );
		return fresh;
	};
	return { idf, maxIdf, vector };
}

/** A profile's vector, for as long as the idf it was made with holds. */
const vectors = new WeakMap<
	DocumentProfile,
	{ idf: object; vector: Vector }
>();

/**
 * The links a post should get: ranked, at most one per target, never to
 * itself or to a post it already links to, within the caps, each anchored on
 * the post's own words where a link may go.
 */
export async function suggestLinks(
	source: {
		id: number;
		html: string;
		locale?: string | null;
		profile: DocumentProfile;
		linkedTargets: Set< number >;
	},
	corpus: Corpus,
	caps: LinkCaps
): Promise< Placement[] > {
	if ( caps.perPost <= 0 || caps.perParagraph <= 0 ) {
		return [];
	}
	const found = occurrencesOf( source.html, source.locale );
	if ( found.size === 0 ) {
		return [];
	}
	const targets = await corpus.byPhrases( [ ...found.keys() ] );
	const { idf, maxIdf, vector } = scorer( corpus );
	const own = vector( source.profile );
	const owners = ownersOf( targets, found );
	const candidates: Candidate[] = [];
	for ( const target of targets ) {
		if (
			target.id === source.id ||
			! target.linkable ||
			source.linkedTargets.has( target.id )
		) {
			continue;
		}
		const candidate = scoreTarget(
			target,
			source.html,
			found,
			idf,
			maxIdf,
			owners
		);
		if ( candidate ) {
			candidates.push( candidate );
		}
	}
	// Likeness costs a vector per target: only the ones whose phrases could still make the list.
	const shortlist = candidates
		.sort( ( a, b ) => b.options[ 0 ]!.score - a.options[ 0 ]!.score )
		.slice( 0, Math.max( SHORTLIST, caps.perPost * 8 ) )
		.map( ( candidate ) => weigh( candidate, own, vector ) );
	return aboveFloor( place( shortlist, source.html, caps ), caps );
}

/** Targets whose likeness to the source is measured, at least. */
const SHORTLIST = 60;

/** How many of the target's strongest phrases look for sources. */
const INBOUND_PHRASES = 6;
/** Candidate sources read per inbound suggestion asked for. */
const INBOUND_LOADS = 4;

/**
 * Existing posts that should link to `target`, each with its best spot: the
 * posts holding the words of the target's strongest phrases, placed by the
 * same rules as outbound suggestions.
 */
export async function inboundFor(
	target: CorpusDocument,
	corpus: Corpus,
	caps: LinkCaps,
	load: ( id: number ) => Promise< {
		html: string;
		profile: DocumentProfile;
		linkedTargets: Set< number >;
		locale?: string | null;
	} | null >,
	limit: number
): Promise< Array< Placement & { sourceId: number } > > {
	if ( ! target.linkable || limit <= 0 || caps.perParagraph <= 0 ) {
		return [];
	}
	// The posts holding each strong phrase's words, most about them first; taken in
	// turns across phrases so one common phrase cannot crowd out the rest.
	const lists: CorpusDocument[][] = [];
	for ( const phrase of target.profile.phrases.slice( 0, INBOUND_PHRASES ) ) {
		lists.push(
			await corpus.byStems( phrase.phrase.split( ' ' ), limit * 2 )
		);
	}
	const sourceIds = new Set< number >();
	const most = Math.max( ...lists.map( ( list ) => list.length ), 0 );
	for ( let rank = 0; rank < most; rank++ ) {
		for ( const list of lists ) {
			const holder = list[ rank ];
			if (
				holder &&
				holder.id !== target.id &&
				sourceIds.size < limit * INBOUND_LOADS
			) {
				sourceIds.add( holder.id );
			}
		}
	}
	const { idf, maxIdf, vector } = scorer( corpus );
	const phrases = new Set( target.profile.phrases.map( ( p ) => p.phrase ) );
	const owners = ownersOf(
		await corpus.byPhrases( [ ...phrases ] ),
		phrases
	);
	const out: Array< Placement & { sourceId: number } > = [];
	for ( const sourceId of sourceIds ) {
		const source = await load( sourceId );
		if ( ! source || source.linkedTargets.has( target.id ) ) {
			continue;
		}
		const found = occurrencesOf( source.html, source.locale );
		const candidate = scoreTarget(
			target,
			source.html,
			found,
			idf,
			maxIdf,
			owners
		);
		if ( ! candidate ) {
			continue;
		}
		const weighed = weigh( candidate, vector( source.profile ), vector );
		const [ placement ] = place( [ weighed ], source.html, {
			perPost: 1,
			perParagraph: caps.perParagraph,
		} );
		if ( placement ) {
			out.push( { ...placement, sourceId } );
		}
	}
	return aboveFloor(
		out.sort( ( a, b ) => b.score - a.score || a.sourceId - b.sourceId ),
		caps
	).slice( 0, limit );
}
