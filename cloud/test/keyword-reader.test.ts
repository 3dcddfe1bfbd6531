import { Readable } from 'node:stream';
import {
	readRows,
	type Encoding,
	type SourceRow,
} from '../src/modules/planner/import/reader';

/** Every row of `bytes`, fed to the reader `size` bytes at a time. */
async function rowsOf(
	bytes: Buffer,
	encoding: Encoding,
	bomBytes = 0,
	size = 1
): Promise< SourceRow[] > {
	const chunks: Buffer[] = [];
	for ( let i = 0; i < bytes.length; i += size ) {
		chunks.push( bytes.subarray( i, i + size ) );
	}
	const rows: SourceRow[] = [];
	for await ( const batch of readRows( Readable.from( chunks ), {
		delimiter: ',',
		fromLine: 2,
		width: 2,
		encoding,
		bomBytes,
	} ) ) {
		rows.push( ...batch );
	}
	return rows;
}

const TEXT =
	'Keyword,Volume\ncafé crème,10\n"über, straße",20\n日本語 キーワード,30\n';
const EXPECTED = [
	{ line: 2, fields: [ 'café crème', '10' ] },
	{ line: 3, fields: [ 'über, straße', '20' ] },
	{ line: 4, fields: [ '日本語 キーワード', '30' ] },
];

describe( 'the keyword file reader', () => {
	it.each( [ 1, 2, 3, 7, 64 ] )(
		'keeps characters split across %i-byte chunks whole (UTF-8 with a byte-order mark)',
		async ( size ) => {
			const bytes = Buffer.concat( [
				Buffer.from( [ 0xef, 0xbb, 0xbf ] ),
				Buffer.from( TEXT, 'utf8' ),
			] );
			expect( await rowsOf( bytes, 'utf-8', 3, size ) ).toEqual(
				EXPECTED
			);
		}
	);

	it( 'reads UTF-16 (both byte orders) and Windows-1252 into the same rows', async () => {
		const le = Buffer.from( '\ufeff' + TEXT, 'utf16le' );
		expect( await rowsOf( le, 'utf-16le', 2, 3 ) ).toEqual( EXPECTED );
		const be = Buffer.from( le );
		be.swap16();
		expect( await rowsOf( be, 'utf-16be', 2, 5 ) ).toEqual( EXPECTED );
		const latin = Buffer.from(
			'Keyword,Volume\ncaf\xe9 cr\xe8me,10\n\x93quoted\x94 \x80,5\n',
			'latin1'
		);
		expect( await rowsOf( latin, 'windows-1252', 0, 4 ) ).toEqual( [
			{ line: 2, fields: [ 'café crème', '10' ] },
			{ line: 3, fields: [ '“quoted” €', '5' ] },
		] );
	} );

	it( 'reports bytes that are not UTF-8 as a damaged row and keeps the others', async () => {
		const bytes = Buffer.concat( [
			Buffer.from( 'Keyword,Volume\ngood one,1\nbad ', 'utf8' ),
			Buffer.from( [ 0xc3, 0x28 ] ),
			Buffer.from( ',2\nlast one,3\n', 'utf8' ),
		] );
		const rows = await rowsOf( bytes, 'utf-8', 0, 2 );
		expect( rows ).toEqual( [
			{ line: 2, fields: [ 'good one', '1' ] },
			expect.objectContaining( { line: 3, fault: 'encoding' } ),
			{ line: 4, fields: [ 'last one', '3' ] },
		] );
	} );
} );
