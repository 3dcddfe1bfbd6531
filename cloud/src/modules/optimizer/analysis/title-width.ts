/**
 * The pixel width of a title as Google's desktop results set it: Arial at
 * 20 px. Advance widths are Arial's (metrically identical to the Adobe
 * Helvetica AFM widths, in 1/1000 em), so no font or canvas is needed.
 */
const WIDTHS: Record< string, number > = {
	' ': 278,
	'!': 278,
	'"': 355,
	'#': 556,
	$: 556,
	'%': 889,
	'&': 667,
	"'": 191,
	'(': 333,
	')': 333,
	'*': 389,
	'+': 584,
	',': 278,
	'-': 333,
	'.': 278,
	'/': 278,
	'0': 556,
	'1': 556,
	'2': 556,
	'3': 556,
	'4': 556,
	'5': 556,
	'6': 556,
	'7': 556,
	'8': 556,
	'9': 556,
	':': 278,
	';': 278,
	'<': 584,
	'=': 584,
	'>': 584,
	'?': 556,
	'@': 1015,
	A: 667,
	B: 667,
	C: 722,
	D: 722,
	E: 667,
	F: 611,
	G: 778,
	H: 722,
	I: 278,
	J: 500,
	K: 667,
	L: 556,
	M: 833,
	N: 722,
	O: 778,
	P: 667,
	Q: 778,
	R: 722,
	S: 667,
	T: 611,
	U: 722,
	V: 667,
	W: 944,
	X: 667,
	Y: 667,
	Z: 611,
	'[': 278,
	'\\': 278,
	']': 278,
	'^': 469,
	_: 556,
	'`': 333,
	a: 556,
	b: 556,
	c: 500,
	d: 556,
	e: 556,
	f: 278,
	g: 556,
	h: 556,
	i: 222,
	j: 222,
	k: 500,
	l: 222,
	m: 833,
	n: 556,
	o: 556,
	p: 556,
	q: 556,
	r: 333,
	s: 500,
	t: 278,
	u: 556,
	v: 500,
	w: 722,
	x: 500,
	y: 500,
	z: 500,
	'{': 334,
	'|': 260,
	'}': 334,
	'~': 584,
	'–': 556,
	'—': 1000,
	'‘': 222,
	'’': 222,
	'“': 333,
	'”': 333,
	'…': 1000,
	'•': 350,
	'·': 278,
	'«': 556,
	'»': 556,
	'€': 556,
	'£': 556,
};
/** Most lower-case letters are 556; a glyph outside the table counts as that. */
const DEFAULT_WIDTH = 556;
/** Ideographs, kana and Hangul are one em wide. */
const WIDE =
	/[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff60]/;
const FONT_SIZE = 20;

/** Width of `text` in CSS pixels, rounded. */
export function titleWidth( text: string ): number {
	let units = 0;
	for ( const char of text ) {
		let width = WIDTHS[ char ];
		if ( width === undefined ) {
			// "é" is as wide as "e": drop the accent and look again.
			const base = char.normalize( 'NFD' )[ 0 ] ?? char;
			width =
				WIDTHS[ base ] ?? ( WIDE.test( char ) ? 1000 : DEFAULT_WIDTH );
		}
		units += width;
	}
	return Math.round( ( units * FONT_SIZE ) / 1000 );
}
