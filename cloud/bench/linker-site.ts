/**
 * A generated site for the Linker's benchmarks: posts on a few hundred
 * topics, each titled after its topic, whose paragraphs mention other
 * topics (what a link could be made from) and link to a few posts already.
 * Deterministic: the same size gives the same site.
 */

const ADJECTIVES =
	'trail road carbon winter summer beginner advanced budget lightweight waterproof vegan organic indoor outdoor electric classic modern compact ergonomic wireless'.split(
		' '
	);
const NOUNS =
	'running shoes hiking boots yoga mats protein powder camping tents bike helmets rain jackets coffee grinders standing desks garden tools travel backpacks sleeping bags water bottles kitchen knives office chairs'.split(
		' '
	);
const FILLER =
	'many people ask which option suits them best and the answer depends on budget use and comfort we tested each one over several weeks in real conditions before writing this guide so you can choose with confidence while avoiding the usual mistakes buyers make every season'.split(
		' '
	);

/** A small deterministic generator (mulberry32). */
function random( seed: number ): () => number {
	let state = seed >>> 0;
	return () => {
		state = ( state + 0x6d2b79f5 ) >>> 0;
		let t = state;
		t = Math.imul( t ^ ( t >>> 15 ), t | 1 );
		t ^= t + Math.imul( t ^ ( t >>> 7 ), t | 61 );
		return ( ( t ^ ( t >>> 14 ) ) >>> 0 ) / 4294967296;
	};
}

export type BenchPost = {
	wp_post_id: number;
	title: string;
	url: string;
	content_html: string;
};

export function generateSite( size: number, siteUrl: string ): BenchPost[] {
	const next = random( size );
	const pick = < T >( items: readonly T[] ): T =>
		items[ Math.floor( next() * items.length ) ]!;
	const topics: string[] = [];
	for ( const adjective of ADJECTIVES ) {
		for ( let i = 0; i + 1 < NOUNS.length; i += 2 ) {
			topics.push( `${ adjective } ${ NOUNS[ i ] } ${ NOUNS[ i + 1 ] }` );
		}
	}
	const slug = ( text: string ) => text.replace( /\W+/g, '-' );
	const posts: BenchPost[] = [];
	for ( let id = 1; id <= size; id++ ) {
		const topic = topics[ id % topics.length ]!;
		const title = `${ topic } ${ id > topics.length ? `guide ${ id }` : 'guide' }`;
		posts.push( {
			wp_post_id: id,
			title: title.charAt( 0 ).toUpperCase() + title.slice( 1 ),
			url: `${ siteUrl }/${ slug( title ) }/`,
			content_html: '',
		} );
	}
	for ( const post of posts ) {
		const paragraphs: string[] = [];
		const count = 4 + Math.floor( next() * 5 );
		for ( let p = 0; p < count; p++ ) {
			const words: string[] = [];
			const length = 40 + Math.floor( next() * 50 );
			for ( let w = 0; w < length; w++ ) {
				words.push( pick( FILLER ) );
				if ( next() < 0.04 ) {
					words.push( pick( topics ) );
				}
			}
			let text = words.join( ' ' );
			if ( next() < 0.3 ) {
				const target = pick( posts );
				text += ` see <a href="${ target.url }">${ target.title.toLowerCase() }</a>`;
			}
			paragraphs.push( `<p>${ text }.</p>` );
			if ( p === 1 ) {
				paragraphs.push( `<h2>${ pick( topics ) }</h2>` );
			}
		}
		post.content_html = paragraphs.join( '\n' );
	}
	return posts;
}
