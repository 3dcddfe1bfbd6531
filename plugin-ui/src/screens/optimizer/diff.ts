/**
 * The compare view's paragraph diff: the current draft and an AI revision,
 * cut into paragraphs (and headings, list items, quotes) and lined up so a
 * person sees what the rewrite changed and that the rest was left alone.
 * Pure functions, so the rules are tested without a browser. Text is
 * compared and shown as text: the revision's HTML is never rendered here.
 */

export interface Paragraph {
	/** `p`, `h2`, `li`, …: shown so a heading reads as a heading. */
	tag: string;
	text: string;
}

export type DiffRow =
	| { kind: 'same'; before: Paragraph; after: Paragraph }
	| { kind: 'changed'; before: Paragraph; after: Paragraph }
	| { kind: 'removed'; before: Paragraph }
	| { kind: 'added'; after: Paragraph };

const BLOCK =
	/<(p|h[1-6]|li|blockquote|figcaption|td|th|pre|dt|dd)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi;

const ENTITIES: Record< string, string > = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	'#39': "'",
};

/**
 * Text of an HTML fragment: tags dropped, the common entities decoded,
 * spaces collapsed.
 * @param html The fragment.
 */
export function textOf( html: string ): string {
	return html
		.replace( /<br\s*\/?>/gi, ' ' )
		.replace( /<[^>]*>/g, '' )
		.replace( /&(#?\w+);/g, ( entity, name: string ) => {
			if ( ENTITIES[ name ] !== undefined ) {
				return ENTITIES[ name ]!;
			}
			let code = NaN;
			if ( /^#x[0-9a-f]+$/i.test( name ) ) {
				code = parseInt( name.slice( 2 ), 16 );
			} else if ( /^#\d+$/.test( name ) ) {
				code = parseInt( name.slice( 1 ), 10 );
			}
			return Number.isNaN( code ) ? entity : String.fromCodePoint( code );
		} )
		.replace( /\s+/g, ' ' )
		.trim();
}

/**
 * The paragraphs of a draft's HTML, in order; empty ones are skipped. HTML
 * without block tags (plain text) is cut at blank lines.
 * @param html The draft's HTML (block comments and all).
 */
export function paragraphsOf( html: string ): Paragraph[] {
	const clean = html.replace( /<!--[\s\S]*?-->/g, '' );
	const found: Paragraph[] = [];
	for ( const match of clean.matchAll( BLOCK ) ) {
		const text = textOf( match[ 2 ] ?? '' );
		if ( text ) {
			found.push( { tag: match[ 1 ]!.toLowerCase(), text } );
		}
	}
	if ( found.length > 0 ) {
		return found;
	}
	return clean
		.split( /\n\s*\n/ )
		.map( ( part ) => textOf( part ) )
		.filter( Boolean )
		.map( ( text ) => ( { tag: 'p', text } ) );
}

/**
 * Lines up two drafts paragraph by paragraph (longest common subsequence of
 * equal paragraphs); a removed paragraph followed by an added one is shown
 * as one changed paragraph, side by side.
 * @param beforeHtml The current draft.
 * @param afterHtml  The revision.
 */
export function diffParagraphs(
	beforeHtml: string,
	afterHtml: string
): DiffRow[] {
	const before = paragraphsOf( beforeHtml );
	const after = paragraphsOf( afterHtml );
	const same = ( a: Paragraph, b: Paragraph ) =>
		a.tag === b.tag && a.text === b.text;
	// lengths[i][j]: the LCS length of before[i…] and after[j…].
	const lengths: number[][] = Array.from( { length: before.length + 1 }, () =>
		new Array< number >( after.length + 1 ).fill( 0 )
	);
	for ( let i = before.length - 1; i >= 0; i-- ) {
		for ( let j = after.length - 1; j >= 0; j-- ) {
			lengths[ i ]![ j ] = same( before[ i ]!, after[ j ]! )
				? lengths[ i + 1 ]![ j + 1 ]! + 1
				: Math.max( lengths[ i + 1 ]![ j ]!, lengths[ i ]![ j + 1 ]! );
		}
	}
	const raw: DiffRow[] = [];
	let i = 0;
	let j = 0;
	while ( i < before.length || j < after.length ) {
		if (
			i < before.length &&
			j < after.length &&
			same( before[ i ]!, after[ j ]! )
		) {
			raw.push( {
				kind: 'same',
				before: before[ i ]!,
				after: after[ j ]!,
			} );
			i++;
			j++;
		} else if (
			j >= after.length ||
			( i < before.length &&
				lengths[ i + 1 ]![ j ]! >= lengths[ i ]![ j + 1 ]! )
		) {
			raw.push( { kind: 'removed', before: before[ i ]! } );
			i++;
		} else {
			raw.push( { kind: 'added', after: after[ j ]! } );
			j++;
		}
	}
	return pairChanges( raw );
}

/**
 * Runs of removed paragraphs followed by added ones become changed pairs
 * (the surplus stays removed or added).
 * @param rows The raw diff.
 */
function pairChanges( rows: DiffRow[] ): DiffRow[] {
	const out: DiffRow[] = [];
	let index = 0;
	while ( index < rows.length ) {
		const removed: Paragraph[] = [];
		while ( rows[ index ]?.kind === 'removed' ) {
			removed.push( ( rows[ index ] as { before: Paragraph } ).before );
			index++;
		}
		const added: Paragraph[] = [];
		while ( rows[ index ]?.kind === 'added' ) {
			added.push( ( rows[ index ] as { after: Paragraph } ).after );
			index++;
		}
		const pairs = Math.min( removed.length, added.length );
		for ( let k = 0; k < pairs; k++ ) {
			out.push( {
				kind: 'changed',
				before: removed[ k ]!,
				after: added[ k ]!,
			} );
		}
		removed
			.slice( pairs )
			.forEach( ( before ) => out.push( { kind: 'removed', before } ) );
		added
			.slice( pairs )
			.forEach( ( after ) => out.push( { kind: 'added', after } ) );
		if ( removed.length === 0 && added.length === 0 ) {
			out.push( rows[ index ]! );
			index++;
		}
	}
	return out;
}

/**
 * How many paragraphs a diff changes, adds and removes.
 * @param rows The diff.
 */
export function diffStats( rows: DiffRow[] ): {
	changed: number;
	added: number;
	removed: number;
	same: number;
} {
	const stats = { changed: 0, added: 0, removed: 0, same: 0 };
	rows.forEach( ( row ) => stats[ row.kind ]++ );
	return stats;
}
