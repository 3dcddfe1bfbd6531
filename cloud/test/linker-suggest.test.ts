import { analyzerFor } from '../src/modules/linker/text/analyzer';
import {
	COMMON_PHRASE_OWNERS,
	MemoryCorpus,
	type CorpusDocument,
} from '../src/modules/linker/text/corpus';
import { profileDocument } from '../src/modules/linker/text/profile';
import {
	inboundFor,
	sourcePhrases,
	suggestLinks,
	type Placement,
} from '../src/modules/linker/text/suggest';

type Post = {
	id: number;
	title: string;
	html: string;
	keywords: string[];
	locale?: string;
	inbound?: number;
	linkable?: boolean;
	linkedTargets?: number[];
};

const p = ( ...sentences: string[] ) => `<p>${ sentences.join( ' ' ) }</p>`;

/** A small running blog: one post per topic, each saying what it is about. */
const POSTS: Post[] = [
	{
		id: 1,
		title: 'Best Running Shoes for Beginners',
		keywords: [ 'running shoes' ],
		html:
			p(
				'Good running shoes cushion every stride and protect your feet.'
			) +
			p(
				'We tested cushioning, drop and fit of twenty running shoes on the road.'
			),
	},
	{
		id: 2,
		title: 'Marathon Training Plan',
		keywords: [ 'marathon training plan' ],
		html:
			p(
				'A marathon training plan builds weekly mileage over sixteen weeks.'
			) +
			p(
				'The long run grows each week; the taper comes before race day.'
			),
	},
	{
		id: 3,
		title: 'How to Choose Trail Running Shoes',
		keywords: [ 'trail running shoes' ],
		html: p(
			'Trail running shoes need lugs and a rock plate for rough ground and mud.'
		),
	},
	{
		id: 4,
		title: 'Hydration Basics',
		keywords: [ 'hydration strategy' ],
		html: p(
			'A hydration strategy keeps electrolytes balanced on hot days.'
		),
	},
	{
		id: 5,
		title: 'Stretching Routine After a Run',
		keywords: [ 'stretching routine' ],
		html: p(
			'A short stretching routine eases tight hamstrings and calves.'
		),
	},
	{
		id: 6,
		title: 'Running Socks Guide',
		keywords: [ 'running socks' ],
		html: p( 'Merino running socks prevent blisters on long runs.' ),
	},
	{
		id: 7,
		title: 'Knee Pain from Running',
		keywords: [ 'knee pain' ],
		html: p( 'Knee pain often comes from adding mileage too quickly.' ),
	},
	{
		id: 8,
		title: 'Interval Training Basics',
		keywords: [ 'interval training' ],
		html: p(
			'Interval training alternates fast repeats with easy recovery jogs.'
		),
	},
	{
		id: 9,
		title: 'Carbo Loading Explained',
		keywords: [ 'carbo loading' ],
		linkable: false,
		html: p( 'Carbo loading fills glycogen stores before a marathon.' ),
	},
	{
		id: 10,
		title: 'Die besten Laufschuhe',
		keywords: [ 'Laufschuhe' ],
		locale: 'de_DE',
		html: p(
			'Gute Laufschuhe dämpfen jeden Schritt und schützen die Füße.'
		),
	},
	{
		id: 11,
		title: 'Foam Rolling',
		keywords: [ 'foam rolling' ],
		inbound: 5,
		html: p( 'Foam rolling loosens muscles after hard sessions.' ),
	},
	{
		id: 12,
		title: 'Foam Rolling',
		keywords: [ 'foam rolling' ],
		inbound: 0,
		html: p( 'Foam rolling loosens muscles after hard sessions.' ),
	},
];

/** The post suggestions are asked for: prose, and each forbidden place holding a target's phrase. */
const SOURCE: Post = {
	id: 100,
	title: 'My First Marathon',
	keywords: [ 'first marathon' ],
	html: [
		p(
			'I followed a Marathon Training Plan for my first marathon, and my running shoes held up to every long run.'
		),
		'<h2>Hydration Strategy on race day</h2>',
		p(
			'Twice a week I did interval training on the track, as my marathon training plan said.'
		),
		p( 'After the race my <a href="/knee">knee pain</a> was gone.' ),
		p( 'Every evening: <code>stretching routine</code> and rest.' ),
		'[caption id="x"]<img src="s.jpg"> My running socks[/caption]',
		p( 'Foam rolling after the long run helped; carbo loading did too.' ),
		p(
			'I still do foam rolling, and my first marathon remains the best day.'
		),
	].join( '\n' ),
};

function documentOf( post: Post ): CorpusDocument {
	return {
		id: post.id,
		title: post.title,
		url: `https://blog.example/${ post.id }/`,
		profile: profileDocument( post ),
		inbound: post.inbound ?? 1,
		linkable: post.linkable ?? true,
	};
}

function corpusOf( posts: Post[] ): MemoryCorpus {
	const corpus = new MemoryCorpus();
	for ( const post of posts ) {
		corpus.add( documentOf( post ) );
	}
	return corpus;
}

async function suggest(
	post: Post,
	corpus: MemoryCorpus,
	caps = { perPost: 10, perParagraph: 3 }
): Promise< Placement[] > {
	return suggestLinks(
		{
			id: post.id,
			html: post.html,
			locale: post.locale,
			profile: profileDocument( post ),
			linkedTargets: new Set( post.linkedTargets ?? [] ),
		},
		corpus,
		caps
	);
}

describe( 'the Linker relevance engine', () => {
	const corpus = corpusOf( [ ...POSTS, SOURCE ] );

	it( 'ranks the target the source is most about first, anchored on its own words', async () => {
		const placements = await suggest( SOURCE, corpus );
		expect( placements[ 0 ] ).toMatchObject( {
			targetId: 2,
			anchor: 'Marathon Training Plan',
		} );
		const byTarget = new Map(
			placements.map( ( pl ) => [ pl.targetId, pl ] )
		);
		expect( byTarget.get( 1 )?.anchor ).toBe( 'running shoes' );
		expect( byTarget.get( 8 )?.anchor ).toBe( 'interval training' );
		// Trail shoes are not mentioned: "running shoes" is the beginners' post's phrase.
		expect( byTarget.has( 3 ) ).toBe( false );
		for ( const placement of placements ) {
			expect( SOURCE.html.slice( placement.start, placement.end ) ).toBe(
				placement.anchor
			);
			// Whole words only: no letter right before or after the anchor.
			expect( SOURCE.html[ placement.start - 1 ] ?? ' ' ).toMatch(
				/[^\p{L}\p{N}]/u
			);
			expect( SOURCE.html[ placement.end ] ?? ' ' ).toMatch(
				/[^\p{L}\p{N}]/u
			);
		}
		const scores = placements.map( ( pl ) => pl.score );
		expect( scores ).toEqual( [ ...scores ].sort( ( a, b ) => b - a ) );
	} );

	it( 'never anchors in a heading, an existing link, code or a caption', async () => {
		const targets = ( await suggest( SOURCE, corpus ) ).map(
			( pl ) => pl.targetId
		);
		const zones = [
			/<h2>[\s\S]*?<\/h2>/,
			/<a [\s\S]*?<\/a>/,
			/<code>[\s\S]*?<\/code>/,
			/\[caption[\s\S]*?\[\/caption\]/,
		].map( ( zone ) => {
			const match = zone.exec( SOURCE.html )!;
			return [ match.index, match.index + match[ 0 ].length ];
		} );
		for ( const placement of await suggest( SOURCE, corpus ) ) {
			for ( const [ from, to ] of zones ) {
				expect( placement.end <= from! || placement.start >= to! ).toBe(
					true
				);
			}
		}
		expect( targets ).not.toContain( 4 ); // heading
		expect( targets ).not.toContain( 7 ); // inside <a>
		expect( targets ).not.toContain( 5 ); // <code>
		expect( targets ).not.toContain( 6 ); // [caption]
		// The same phrases in prose do get their link.
		const prose: Post = {
			id: 101,
			title: 'Recovery week',
			keywords: [],
			html: p(
				'My hydration strategy, a stretching routine, running socks and less knee pain.'
			),
		};
		const found = (
			await suggest( prose, corpus, { perPost: 10, perParagraph: 4 } )
		).map( ( pl ) => pl.targetId );
		expect( found ).toEqual( expect.arrayContaining( [ 4, 5, 6, 7 ] ) );
	} );

	it( 'links each target once, never itself, an unpublished post or a post already linked', async () => {
		const placements = await suggest( SOURCE, corpus );
		const targets = placements.map( ( pl ) => pl.targetId );
		expect( new Set( targets ).size ).toBe( targets.length );
		expect( targets ).not.toContain( 100 ); // "first marathon" is its own keyword
		expect( targets ).not.toContain( 9 ); // a draft
		const linked = await suggest(
			{ ...SOURCE, linkedTargets: [ 2 ] },
			corpus
		);
		expect( linked.map( ( pl ) => pl.targetId ) ).not.toContain( 2 );
		expect( linked.map( ( pl ) => pl.targetId ) ).toContain( 1 );
	} );

	it( 'keeps to the per-post and per-paragraph caps', async () => {
		const all = await suggest( SOURCE, corpus );
		expect( all.length ).toBeGreaterThanOrEqual( 4 );
		const two = await suggest( SOURCE, corpus, {
			perPost: 2,
			perParagraph: 3,
		} );
		expect( two.map( ( pl ) => pl.targetId ) ).toEqual(
			all.slice( 0, 2 ).map( ( pl ) => pl.targetId )
		);
		const one = await suggest( SOURCE, corpus, {
			perPost: 10,
			perParagraph: 1,
		} );
		const paragraphs = one.map( ( pl ) => pl.paragraph );
		expect( new Set( paragraphs ).size ).toBe( paragraphs.length );
		// The plan's second mention moves to a free paragraph rather than being dropped.
		expect( one.map( ( pl ) => pl.targetId ) ).toContain( 2 );
		expect(
			await suggest( SOURCE, corpus, { perPost: 0, perParagraph: 1 } )
		).toEqual( [] );
	} );

	it( 'leaves out matches far fainter than the best one', async () => {
		const local = corpusOf( [
			POSTS.find( ( post ) => post.id === 2 )!,
			{
				id: 401,
				title: 'Packing a Suitcase',
				keywords: [ 'packing list' ],
				html:
					p(
						'Roll clothes tightly; a race day bag is the one exception.'
					) +
					p( 'Fold shirts in thirds. Keep race day snacks apart.' ),
			},
		] );
		const html = p(
			'My marathon training plan had five runs a week, and the marathon training plan ended with race day.'
		);
		const source = { id: 402, title: 'Plan review', keywords: [], html };
		const everything = await suggest( source, local, {
			perPost: 10,
			perParagraph: 3,
			relativeFloor: 0,
		} );
		expect( everything.map( ( pl ) => pl.targetId ) ).toEqual( [ 2, 401 ] );
		expect( everything[ 1 ]!.score ).toBeLessThan(
			everything[ 0 ]!.score * 0.2
		);
		const kept = await suggest( source, local );
		expect( kept.map( ( pl ) => pl.targetId ) ).toEqual( [ 2 ] );
	} );

	it( 'puts the orphan first when two targets are equally relevant', async () => {
		const rank = ( placements: Placement[] ) =>
			placements
				.map( ( pl ) => pl.targetId )
				.filter( ( id ) => id === 11 || id === 12 );
		expect( rank( await suggest( SOURCE, corpus ) ) ).toEqual( [ 12, 11 ] );
		// Swap the link counts: the order follows the orphan, not the id.
		const swapped = corpusOf( [
			...POSTS.map( ( post ) =>
				post.id === 11
					? { ...post, inbound: 0 }
					: post.id === 12
						? { ...post, inbound: 5 }
						: post
			),
			SOURCE,
		] );
		expect( rank( await suggest( SOURCE, swapped ) ) ).toEqual( [
			11, 12,
		] );
	} );

	it( 'stems German for a German site', async () => {
		const german = analyzerFor( 'de_DE' );
		const stem = ( word: string ) => german.tokens( word )[ 0 ]!.stem;
		expect( stem( 'Laufschuhen' ) ).toBe( stem( 'Laufschuhe' ) );
		expect( german.tokens( 'und die' ).every( ( t ) => t.stop ) ).toBe(
			true
		);
		// English stemming would not meet the two forms.
		const english = analyzerFor( 'en_US' );
		expect( english.tokens( 'Laufschuhen' )[ 0 ]!.stem ).not.toBe(
			english.tokens( 'Laufschuhe' )[ 0 ]!.stem
		);
		const source: Post = {
			id: 102,
			title: 'Mein erster Lauf',
			keywords: [],
			locale: 'de_DE',
			html: p(
				'Mit den richtigen Laufschuhen macht der erste Lauf Spaß.'
			),
		};
		const placements = await suggest( source, corpus );
		expect( placements[ 0 ] ).toMatchObject( {
			targetId: 10,
			anchor: 'Laufschuhen',
		} );
	} );

	it( 'picks the stemmer and stop words by the site locale', () => {
		const stems = ( locale: string, text: string ) =>
			analyzerFor( locale )
				.tokens( text )
				.map( ( t ) => ( t.stop ? '-' : t.stem ) );
		const [ shoes, shoe ] = stems( 'fr_FR', 'chaussures chaussure' );
		expect( shoes ).toBe( shoe );
		expect( stems( 'fr_FR', 'les' ) ).toEqual( [ '-' ] );
		const [ trainers, trainer ] = stems( 'es_ES', 'zapatillas zapatilla' );
		expect( trainers ).toBe( trainer );
		expect( stems( 'es_ES', 'los' ) ).toEqual( [ '-' ] );
		expect( analyzerFor( 'pt_BR' ).language ).toBe( 'pt' );
	} );

	it( 'falls back to unstemmed words for a locale with no stemmer', () => {
		const none = analyzerFor( 'xx_YY' );
		expect( none.language ).toBe( 'none' );
		expect( none.tokens( 'Kites flying' ).map( ( t ) => t.stem ) ).toEqual(
			[ 'kites', 'flying' ]
		);
		expect( analyzerFor().language ).toBe( 'en' );
	} );

	it( 'offers as source phrases only words where a link may go', () => {
		const english = analyzerFor( 'en_US' );
		const phrase = ( text: string ) =>
			english
				.tokens( text )
				.filter( ( t ) => ! t.stop )
				.map( ( t ) => t.stem )
				.join( ' ' );
		const phrases = sourcePhrases( SOURCE.html, 'en_US' );
		expect( phrases ).toContain( phrase( 'marathon training plan' ) );
		expect( phrases ).toContain( phrase( 'running shoes' ) );
		expect( phrases ).not.toContain( phrase( 'hydration strategy' ) );
		expect( phrases ).not.toContain( phrase( 'knee pain' ) );
		expect( phrases ).not.toContain( phrase( 'stretching routine' ) );
		expect( phrases.every( ( ph ) => ph.split( ' ' ).length <= 4 ) ).toBe(
			true
		);
	} );

	it( 'finds the existing posts that should link to a target', async () => {
		const sources: Post[] = [
			{
				id: 201,
				title: 'Race report',
				keywords: [],
				html: p( 'My running shoes were new, and the race went well.' ),
			},
			{
				id: 202,
				title: 'Gear list',
				keywords: [],
				html: p( 'Pack running shoes, a cap and gels.' ),
				linkedTargets: [ 1 ],
			},
			{
				id: 203,
				title: 'Rest days',
				keywords: [],
				html: p( 'Rest matters as much as mileage.' ),
			},
		];
		const all = [ ...POSTS, ...sources ];
		const withSources = corpusOf( all );
		const byId = new Map( all.map( ( post ) => [ post.id, post ] ) );
		const loads: number[] = [];
		const inbound = await inboundFor(
			withSources.get( 1 )!,
			withSources,
			{ perPost: 10, perParagraph: 3 },
			async ( id ) => {
				loads.push( id );
				const post = byId.get( id );
				return post
					? {
							html: post.html,
							profile: profileDocument( post ),
							linkedTargets: new Set( post.linkedTargets ?? [] ),
							locale: post.locale,
						}
					: null;
			},
			10
		);
		const sourceIds = inbound.map( ( link ) => link.sourceId );
		expect( sourceIds ).toContain( 201 );
		expect( sourceIds ).not.toContain( 202 ); // already links to it
		expect( sourceIds ).not.toContain( 1 ); // itself
		expect( loads ).not.toContain( 203 ); // never a candidate: no word of the phrase
		const race = inbound.find( ( link ) => link.sourceId === 201 )!;
		expect( race ).toMatchObject( {
			targetId: 1,
			anchor: 'running shoes',
		} );
		expect( byId.get( 201 )!.html.slice( race.start, race.end ) ).toBe(
			'running shoes'
		);
	} );

	it( 'gives a span to the target that names it most fully', async () => {
		const html = p( 'For muddy races, pick trail running shoes.' );
		const placements = await suggest(
			{ id: 304, title: 'Mud season', keywords: [], html },
			corpus
		);
		expect( placements[ 0 ] ).toMatchObject( {
			targetId: 3,
			anchor: 'trail running shoes',
		} );
		// The beginners' shoes post has nowhere left to go: anchors never overlap.
		expect( placements.map( ( pl ) => pl.targetId ) ).not.toContain( 1 );
	} );

	it( 'never cuts a compound word in two', async () => {
		const local = corpusOf( [
			{
				id: 301,
				title: 'Install',
				keywords: [ 'install' ],
				html: p( 'How to install a package.' ),
			},
			{
				id: 302,
				title: 'JSON',
				keywords: [ 'json' ],
				html: p( 'JSON is a data format.' ),
			},
		] );
		const html = p(
			'Run npm-install and open package.json, then install the rest.'
		);
		const placements = await suggest(
			{ id: 303, title: 'Setup', keywords: [], html },
			local
		);
		expect( placements ).toEqual( [
			expect.objectContaining( {
				targetId: 301,
				anchor: 'install',
				start: html.indexOf( 'then install' ) + 'then '.length,
			} ),
		] );
	} );

	it( 'finds no candidates through a phrase too many posts claim (a site-wide footer)', async () => {
		const footer = 'Join the Trailhead Runners Club newsletter today.';
		const many: Post[] = Array.from(
			{ length: COMMON_PHRASE_OWNERS + 1 },
			( _, i ) => ( {
				id: 1000 + i,
				title: `Trailhead Runners Club ${ i }`,
				keywords: [ 'trailhead runners club' ],
				html:
					p( `Post number ${ i } about something else.` ) +
					p( footer ),
			} )
		);
		const source: Post = {
			id: 999,
			title: 'A race report',
			keywords: [],
			html: p( 'We met the trailhead runners club at the start line.' ),
		};
		expect(
			await suggest( source, corpusOf( [ ...many, source ] ) )
		).toEqual( [] );
		// Claimed by fewer posts, the same phrase finds them.
		const few = many.slice( 0, 3 );
		expect(
			( await suggest( source, corpusOf( [ ...few, source ] ) ) ).length
		).toBeGreaterThan( 0 );
	} );

	it( 'updates the index when a post is replaced or removed', async () => {
		const local = corpusOf( POSTS );
		expect( local.documents() ).toBe( POSTS.length );
		local.remove( 8 );
		expect(
			( await suggest( SOURCE, local ) ).map( ( pl ) => pl.targetId )
		).not.toContain( 8 );
		local.add( documentOf( POSTS.find( ( post ) => post.id === 8 )! ) );
		expect(
			( await suggest( SOURCE, local ) ).map( ( pl ) => pl.targetId )
		).toContain( 8 );
		expect( local.documents() ).toBe( POSTS.length );
	} );
} );
