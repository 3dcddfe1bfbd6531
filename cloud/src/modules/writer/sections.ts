import { plainTextOf } from './html';

/**
 * An article's sections: each heading (h2–h6) with everything up to the next
 * heading of the same or a higher level. A section therefore holds its
 * sub-sections, which is what "rewrite this section" means to a writer.
 * Works on stored (sanitized, well-formed) HTML.
 */
export type Section = {
	/** The heading's text. */
	heading: string;
	level: number;
	/** Offsets in the HTML: [start, end) covers the heading and its body. */
	start: number;
	end: number;
};

const HEADING = /<h([2-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi;

export function sectionsOf( html: string ): Section[] {
	const headings = [ ...html.matchAll( HEADING ) ].map( ( match ) => ( {
		level: Number( match[ 1 ] ),
		heading: plainTextOf( match[ 2 ] ?? '' )
			.replace( /\s+/g, ' ' )
			.trim(),
		start: match.index,
	} ) );
	return headings.map( ( heading, index ) => {
		const next = headings
			.slice( index + 1 )
			.find( ( later ) => later.level <= heading.level );
		return { ...heading, end: next ? next.start : html.length };
	} );
}

/** `html` with one section's HTML swapped for `replacement`. */
export function replaceSection(
	html: string,
	section: Pick< Section, 'start' | 'end' >,
	replacement: string
): string {
	return (
		html.slice( 0, section.start ) + replacement + html.slice( section.end )
	);
}
