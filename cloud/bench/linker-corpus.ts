import fs from 'node:fs';
import path from 'node:path';

/**
 * A real corpus with human-made internal links, for the Linker's quality
 * benchmark: the npm CLI's documentation as the `npm` package ships it
 * (docs/output/**.html, a cloud devDependency pinned to one version so the
 * figures do not move). Each page's article is kept, with every `<a>`
 * unwrapped to its text; the links between pages are kept apart as the truth
 * the suggestions are measured against.
 */
export type LinkedPage = {
	id: number;
	/** The page's name as its `<title>` gives it ("npm-install", "package.json"). */
	title: string;
	/** The article, links stripped. */
	html: string;
	/** Pages this one linked to (other pages of the corpus, each once). */
	links: Set< number >;
};

const CONTENT = /<div id="_content">([\s\S]*?)<\/div>\s*<footer/;
const ANCHOR = /<a\s([^>]*)>([\s\S]*?)<\/a>/g;
const HREF = /href="([^"]*)"/;
const TITLE = /<title>([^<]*)<\/title>/;

function docsRoot(): string {
	return path.join(
		path.dirname( require.resolve( 'npm/package.json' ) ),
		'docs',
		'output'
	);
}

/** A page's key: its path under docs/output without `.html` ("commands/npm-install"). */
function keyOf( file: string ): string {
	return file.replace( /\\/g, '/' ).replace( /\.html$/, '' );
}

/** Where an href in `file` points, as a page key; undefined when it leaves the docs. */
function hrefKey( file: string, href: string ): string | undefined {
	if ( href === '' || href.startsWith( '#' ) || /^[a-z]+:/i.test( href ) ) {
		return undefined;
	}
	// "../using-npm/developers#section.html" happens: the fragment goes either way.
	return path.posix
		.normalize(
			path.posix.join( path.posix.dirname( keyOf( file ) ), href )
		)
		.replace( /#.*$/, '' )
		.replace( /\.html$/, '' );
}

export function loadLinkedCorpus(): LinkedPage[] {
	const root = docsRoot();
	const files = fs
		.readdirSync( root, { recursive: true, encoding: 'utf8' } )
		.filter( ( file ) => file.endsWith( '.html' ) )
		.sort();
	const raws = new Map(
		files.map( ( file ) => [
			file,
			fs.readFileSync( path.join( root, file ), 'utf8' ),
		] )
	);
	// The docs ship two pages twice under another name (npm-json = package-json,
	// npm-global = folders): one page each, the one the docs link to most, takes
	// the links to either, so a suggestion of the twin is not counted wrong.
	const linkedTo = new Map< string, number >();
	for ( const [ file, raw ] of raws ) {
		for ( const match of raw.matchAll( ANCHOR ) ) {
			const key = hrefKey( file, HREF.exec( match[ 1 ]! )?.[ 1 ] ?? '' );
			if ( key !== undefined ) {
				linkedTo.set( key, ( linkedTo.get( key ) ?? 0 ) + 1 );
			}
		}
	}
	const byContent = new Map< string, string[] >();
	for ( const [ file, raw ] of raws ) {
		byContent.set( raw, [ ...( byContent.get( raw ) ?? [] ), file ] );
	}
	const canonical = new Map< string, string >();
	for ( const twins of byContent.values() ) {
		const kept = [ ...twins ].sort(
			( a, b ) =>
				( linkedTo.get( keyOf( b ) ) ?? 0 ) -
				( linkedTo.get( keyOf( a ) ) ?? 0 )
		)[ 0 ]!;
		for ( const twin of twins ) {
			canonical.set( keyOf( twin ), keyOf( kept ) );
		}
	}
	const kept = files.filter(
		( file ) => canonical.get( keyOf( file ) ) === keyOf( file )
	);
	const ids = new Map( kept.map( ( file, i ) => [ keyOf( file ), i + 1 ] ) );
	const idOf = ( key: string | undefined ) =>
		key === undefined ? undefined : ids.get( canonical.get( key ) ?? key );
	return kept.map( ( file, i ) => {
		const raw = raws.get( file )!;
		const content = CONTENT.exec( raw )?.[ 1 ] ?? '';
		const links = new Set< number >();
		const html = content.replace(
			ANCHOR,
			( _all, attributes: string, inner: string ) => {
				const target = idOf(
					hrefKey( file, HREF.exec( attributes )?.[ 1 ] ?? '' )
				);
				if ( target !== undefined && target !== i + 1 ) {
					links.add( target );
				}
				// A link set in code type (`<a><code>npm install</code></a>`) was code-styled as a
				// name to click: without the link it reads as the name.
				return inner.replace( /^<code>([\s\S]*)<\/code>$/, '$1' );
			}
		);
		return {
			id: i + 1,
			title: TITLE.exec( raw )?.[ 1 ]?.trim() ?? keyOf( file ),
			html,
			links,
		};
	} );
}

/** A tiny deterministic generator: every run builds the same site. */
function random( seed: number ): () => number {
	let s = seed >>> 0;
	return () => {
		s = ( Math.imul( s, 1664525 ) + 1013904223 ) >>> 0;
		return s / 2 ** 32;
	};
}

const SYLLABLES =
	'ka lo mi ren tas vo du pel shi gar nim bor fet lu quo zan wex'.split(
		' '
	);

function made( n: number ): string {
	let text = '';
	let x = n + 31;
	do {
		text += SYLLABLES[ x % SYLLABLES.length ];
		x = Math.floor( x / SYLLABLES.length );
	} while ( x > 0 );
	return text;
}

/**
 * A generated site: posts on topics (two head words each) with a 3,000-word
 * vocabulary, English stop words, headings, a code block and an existing
 * link; each post mentions the titles of a few others, as real posts do.
 */
export function syntheticSite( count: number ): Array< {
	id: number;
	title: string;
	html: string;
	keywords: string[];
} > {
	const next = random( 7 );
	const pick = < T >( list: T[] ): T =>
		list[ Math.floor( next() * list.length ) ]!;
	const vocabulary = Array.from( { length: 3000 }, ( _, i ) => made( i ) );
	const stops =
		'the a of and to in for with on is that this it as by from'.split(
			' '
		);
	const heads = Array.from( { length: 400 }, ( _, i ) => made( 5000 + i ) );
	const titles = Array.from(
		{ length: count },
		( _, i ) =>
			`${ pick( heads ) } ${ pick( heads ) } ${ made( 20_000 + i ) }`
	);
	const sentence = ( mention?: string ) => {
		const words: string[] = [];
		const length = 12 + Math.floor( next() * 10 );
		for ( let i = 0; i < length; i++ ) {
			words.push( next() < 0.4 ? pick( stops ) : pick( vocabulary ) );
		}
		if ( mention ) {
			words.splice( Math.floor( next() * words.length ), 0, mention );
		}
		const text = words.join( ' ' );
		return `${ text[ 0 ]!.toUpperCase() }${ text.slice( 1 ) }.`;
	};
	return titles.map( ( title, i ) => {
		const paragraphs: string[] = [];
		for ( let p = 0; p < 8; p++ ) {
			const sentences: string[] = [];
			for ( let s = 0; s < 5; s++ ) {
				sentences.push(
					sentence(
						next() < 0.15
							? pick( titles )
							: s === 0
								? title
								: undefined
					)
				);
			}
			paragraphs.push( `<p>${ sentences.join( ' ' ) }</p>` );
			if ( p === 3 ) {
				paragraphs.push(
					`<h2>${ title } ${ pick( vocabulary ) }</h2><pre><code>${ pick( titles ) }</code></pre>`
				);
			}
		}
		paragraphs.push(
			`<p>See <a href="/p/${ ( i + 1 ) % count }">${ pick( titles ) }</a> too.</p>`
		);
		return {
			id: i + 1,
			title,
			html: paragraphs.join( '\n' ),
			keywords: [ title.split( ' ' ).slice( 0, 2 ).join( ' ' ) ],
		};
	} );
}
