import { analyzerFor } from '../src/modules/linker/text/analyzer';
import { MemoryCorpus } from '../src/modules/linker/text/corpus';
import { blocksOf, profileDocument } from '../src/modules/linker/text/profile';
import { inboundFor, suggestLinks } from '../src/modules/linker/text/suggest';
import {
	loadLinkedCorpus,
	syntheticSite,
	type LinkedPage,
} from './linker-corpus';
import { report, runBench } from './support';

/**
 * The Linker's relevance engine on real text it did not write: the npm CLI's
 * documentation (linker-corpus.ts), links stripped, every page imported as a
 * post. Recall@10: share of the pages' original links that come back among
 * each page's top 10 suggestions. Precision@5: share of the top 5 suggestions
 * (as many as were made, up to 5 a page) that were original links. Both
 * against a simple baseline: every other page whose title occurs in the
 * page's text, longest title first. Then the time and peak memory of a full
 * profile + suggest for every post of a generated 10,000-post site.
 */
const CAPS = { perPost: 10, perParagraph: 3 };
const SYNTHETIC_POSTS = Number( process.env.BENCH_LINKER_POSTS ?? 10_000 );

type Scores = { recall10: number; precision5: number };

function evaluate(
	pages: LinkedPage[],
	ranked: Map< number, number[] >
): Scores {
	let links = 0;
	let found = 0;
	let shown = 0;
	let right = 0;
	for ( const page of pages ) {
		const list = ranked.get( page.id ) ?? [];
		links += page.links.size;
		found += list
			.slice( 0, 10 )
			.filter( ( id ) => page.links.has( id ) ).length;
		const top5 = list.slice( 0, 5 );
		shown += top5.length;
		right += top5.filter( ( id ) => page.links.has( id ) ).length;
	}
	return {
		recall10: links === 0 ? 0 : found / links,
		precision5: shown === 0 ? 0 : right / shown,
	};
}

/** Title words as a reader writes them: "npm-install" is said "npm install". */
function spokenTitle( title: string ): string {
	return title.toLowerCase().replace( /-/g, ' ' ).trim();
}

function escapeRegExp( text: string ): string {
	return text.replace( /[.*+?^${}()|[\]\\]/g, '\\$&' );
}

/** The baseline: pages whose title occurs (whole words, any case) in the page's text. */
function baselineSuggestions( pages: LinkedPage[] ): Map< number, number[] > {
	const titles = pages.map( ( page ) => ( {
		id: page.id,
		pattern: new RegExp(
			`(?<![\\p{L}\\p{N}])${ escapeRegExp( spokenTitle( page.title ) ) }(?![\\p{L}\\p{N}])`,
			'iu'
		),
		length: page.title.length,
	} ) );
	const out = new Map< number, number[] >();
	for ( const page of pages ) {
		const text = blocksOf( page.html )
			.body.join( '\n' )
			.replace( /\s+/g, ' ' );
		const hits = titles
			.filter( ( title ) => title.id !== page.id )
			.map( ( title ) => ( {
				...title,
				at: text.search( title.pattern ),
			} ) )
			.filter( ( title ) => title.at >= 0 )
			.sort( ( a, b ) => b.length - a.length || a.at - b.at );
		out.set(
			page.id,
			hits.map( ( hit ) => hit.id )
		);
	}
	return out;
}

async function engineSuggestions( pages: LinkedPage[] ): Promise< {
	outbound: Map< number, number[] >;
	inbound: Map< number, number[] >;
} > {
	const corpus = new MemoryCorpus();
	const profiles = new Map(
		pages.map( ( page ) => [
			page.id,
			profileDocument( {
				title: page.title,
				html: page.html,
				keywords: [],
			} ),
		] )
	);
	for ( const page of pages ) {
		corpus.add( {
			id: page.id,
			title: page.title,
			url: null,
			profile: profiles.get( page.id )!,
			inbound: 0,
			linkable: true,
		} );
	}
	const out = new Map< number, number[] >();
	for ( const page of pages ) {
		const placements = await suggestLinks(
			{
				id: page.id,
				html: page.html,
				profile: profiles.get( page.id )!,
				linkedTargets: new Set(),
			},
			corpus,
			CAPS
		);
		out.set(
			page.id,
			placements.map( ( placement ) => placement.targetId )
		);
	}
	const byId = new Map( pages.map( ( page ) => [ page.id, page ] ) );
	const inbound = new Map< number, number[] >();
	for ( const page of pages ) {
		const sources = await inboundFor(
			corpus.get( page.id )!,
			corpus,
			CAPS,
			async ( id ) => ( {
				html: byId.get( id )!.html,
				profile: profiles.get( id )!,
				linkedTargets: new Set(),
			} ),
			10
		);
		inbound.set(
			page.id,
			sources.map( ( source ) => source.sourceId )
		);
	}
	return { outbound: out, inbound };
}

/** The same pages with each one's truth turned round: the pages that linked to it. */
function linkedFrom( pages: LinkedPage[] ): LinkedPage[] {
	return pages.map( ( page ) => ( {
		...page,
		links: new Set(
			pages
				.filter( ( other ) => other.links.has( page.id ) )
				.map( ( other ) => other.id )
		),
	} ) );
}

/** The baseline's inbound lists: the pages whose list names the target, nearer the top first. */
function transpose( ranked: Map< number, number[] > ): Map< number, number[] > {
	const entries: Array< { source: number; target: number; rank: number } > =
		[];
	for ( const [ source, targets ] of ranked ) {
		targets.forEach( ( target, rank ) =>
			entries.push( { source, target, rank } )
		);
	}
	entries.sort( ( a, b ) => a.rank - b.rank || a.source - b.source );
	const out = new Map< number, number[] >();
	for ( const { source, target } of entries ) {
		out.set( target, [ ...( out.get( target ) ?? [] ), source ] );
	}
	return out;
}

/** Wall time and peak RSS growth, as clustering.bench.ts measures them. */
async function measure< T >(
	work: () => Promise< T >
): Promise< { seconds: number; peakMb: number; result: T } > {
	const before = process.memoryUsage().rss;
	const start = process.hrtime.bigint();
	const result = await work();
	const seconds = Number( process.hrtime.bigint() - start ) / 1e9;
	const peak = process.resourceUsage().maxRSS * 1024;
	return { seconds, peakMb: ( peak - before ) / 2 ** 20, result };
}

runBench( async () => {
	const pages = loadLinkedCorpus();
	const truth = pages.reduce( ( n, page ) => n + page.links.size, 0 );
	if ( pages.length < 50 || truth < 200 ) {
		throw new Error(
			`the npm docs corpus is too small (${ pages.length } pages, ${ truth } links)`
		);
	}
	const suggested = await engineSuggestions( pages );
	const baselineLists = baselineSuggestions( pages );
	const engine = evaluate( pages, suggested.outbound );
	const baseline = evaluate( pages, baselineLists );
	const inbound = evaluate( linkedFrom( pages ), suggested.inbound );
	const inboundBaseline = evaluate(
		linkedFrom( pages ),
		transpose( baselineLists )
	);
	const corpusName = `npm CLI docs, ${ pages.length } pages, ${ truth } links`;
	report( {
		name: `linker recall@10 (${ corpusName })`,
		value: Number( engine.recall10.toFixed( 3 ) ),
		unit: 'share',
		baseline: 'target-title substring match',
		baseline_value: Number( baseline.recall10.toFixed( 3 ) ),
	} );
	report( {
		name: `linker precision@5 (${ corpusName })`,
		value: Number( engine.precision5.toFixed( 3 ) ),
		unit: 'share',
		baseline: 'target-title substring match',
		baseline_value: Number( baseline.precision5.toFixed( 3 ) ),
	} );
	report( {
		name: `linker inbound recall@10 (${ corpusName })`,
		value: Number( inbound.recall10.toFixed( 3 ) ),
		unit: 'share',
		baseline: 'pages whose text holds the target title',
		baseline_value: Number( inboundBaseline.recall10.toFixed( 3 ) ),
	} );
	report( {
		name: `linker inbound precision@5 (${ corpusName })`,
		value: Number( inbound.precision5.toFixed( 3 ) ),
		unit: 'share',
		baseline: 'pages whose text holds the target title',
		baseline_value: Number( inboundBaseline.precision5.toFixed( 3 ) ),
	} );

	const site = syntheticSite( SYNTHETIC_POSTS );
	const tokenizeOnly = await measure( async () => {
		const analyzer = analyzerFor( 'en_US' );
		let words = 0;
		for ( const post of site ) {
			words += analyzer.tokens( post.html ).length;
		}
		return words;
	} );
	let placements = 0;
	const latencies: number[] = [];
	const run = await measure( async () => {
		const corpus = new MemoryCorpus();
		const profiles = site.map( ( post ) =>
			profileDocument( { ...post, locale: 'en_US' } )
		);
		site.forEach( ( post, i ) =>
			corpus.add( {
				id: post.id,
				title: post.title,
				url: null,
				profile: profiles[ i ]!,
				inbound: 0,
				linkable: true,
			} )
		);
		for ( const [ i, post ] of site.entries() ) {
			const started = process.hrtime.bigint();
			const suggested = await suggestLinks(
				{
					id: post.id,
					html: post.html,
					locale: 'en_US',
					profile: profiles[ i ]!,
					linkedTargets: new Set(),
				},
				corpus,
				{ perPost: 10, perParagraph: 2 }
			);
			latencies.push( Number( process.hrtime.bigint() - started ) / 1e6 );
			placements += suggested.length;
		}
	} );
	if ( placements === 0 ) {
		throw new Error( 'the synthetic site got no suggestion at all' );
	}
	const label = `${ SYNTHETIC_POSTS / 1000 }k`;
	latencies.sort( ( a, b ) => a - b );
	const p95 =
		latencies[
			Math.min(
				latencies.length - 1,
				Math.floor( latencies.length * 0.95 )
			)
		]!;
	report( {
		name: `linker profile + suggest for every post of a ${ label }-post site, in memory (time)`,
		value: Number( run.seconds.toFixed( 3 ) ),
		unit: 's',
		baseline: 'tokenize (stem + stop words) the same posts',
		baseline_value: Number( tokenizeOnly.seconds.toFixed( 3 ) ),
	} );
	report( {
		name: `linker single-post suggestions at ${ label } posts, in memory, profile given (p95)`,
		value: Number( p95.toFixed( 2 ) ),
		unit: 'ms',
		baseline: 'the issue’s budget (with the database)',
		baseline_value: 100,
	} );
	report( {
		name: `linker profile + suggest for every post of a ${ label }-post site, in memory (peak memory)`,
		value: Number( Math.max( 0, run.peakMb ).toFixed( 1 ) ),
		unit: 'MB',
		baseline: 'the issue’s budget',
		baseline_value: 1024,
	} );
} );
