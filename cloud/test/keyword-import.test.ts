import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import {
	KEYWORD_IMPORT_JOB,
	keywordImportService,
} from '../src/modules/planner/import';
import type { JobEvent } from '../src/queue';
import * as copyModule from '../src/modules/planner/import/copy';
import { parseIntent, parseRow } from '../src/modules/planner/import/values';
import { normalizeKeyword } from '../src/modules/planner/normalize';
import { quotaExceeded } from '../src/modules/planner/quota';
import { createFileStorage } from '../src/storage/file-storage';
import { addTenant, addUser, bearer, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

const FIXTURES = path.join( __dirname, 'fixtures', 'imports' );
const fixture = ( name: string ) =>
	fs.readFileSync( path.join( FIXTURES, name ) );
const PREVIEW = '/api/v1/planner/keywords/import/preview/';
const LONG_ROW =
	'the row is longer than 32 KB, so the file was not read past it (is a quote left open, or is this not a keyword list?)';

type Problem = { line: number; reason: string };
type Preview = {
	mapping: Record< string, number >;
	rows: string[][];
	row_lines: number[];
	problems: Problem[];
	warnings: string[];
};

type StoredKeyword = {
	keyword: string;
	search_volume: number;
	difficulty: number | null;
	intent: string | null;
	cpc: string | null;
	source: string;
};

function helpers( get: () => { cloud: TestCloud; tenant: Tenant } ) {
	const api = () => request( get().cloud.app );
	const sql = < T extends object >(
		query: string,
		replacements: Record< string, unknown > = {}
	) =>
		get().cloud.context.db.sequelize.query< T >( query, {
			replacements,
			type: QueryTypes.SELECT,
		} );
	return {
		api,
		sql,
		/** A fresh sector of the tenant's site (straight in the database: plan limits are not under test). */
		async newSector( name: string ): Promise< number > {
			const { cloud, tenant } = get();
			const sector = await cloud.context.models.Sector.create( {
				account_id: tenant.accountId,
				site_id: tenant.siteId,
				name,
				industry_sector_id: null,
			} );
			return sector.id;
		},
		upload(
			file: Buffer | string,
			filename: string,
			fields: Record< string, string >,
			url = '/api/v1/planner/keywords/import/'
		) {
			let req = api().post( url ).set( bearer( get().tenant.owner ) );
			for ( const [ name, value ] of Object.entries( fields ) ) {
				req = req.field( name, value );
			}
			return typeof file === 'string'
				? req.attach( 'file', file, { filename } )
				: req.attach( 'file', file, {
						filename,
						contentType: 'text/csv',
					} );
		},
		async problems( id: number ): Promise< Problem[] > {
			const res = await api()
				.get(
					`/api/v1/planner/keywords/imports/${ id }/problems/?page_size=100`
				)
				.set( bearer( get().tenant.owner ) )
				.expect( 200 );
			return res.body.results;
		},
		/** What refused uploads must leave behind: nothing in the account's upload folder but recorded imports' files. */
		async strayUploads(): Promise< string[] > {
			const { cloud, tenant } = get();
			const stored = await uploadsOf( cloud, tenant );
			const recorded = (
				await cloud.context.models.KeywordImport.findAll( {
					where: { account_id: tenant.accountId },
				} )
			).map( ( r ) => path.basename( r.storage_path ) );
			return stored.filter( ( f ) => ! recorded.includes( f ) );
		},
		async finished( id: number, timeoutMs = 20_000 ) {
			return waitFor( async () => {
				const res = await api()
					.get( `/api/v1/planner/keywords/imports/${ id }/` )
					.set( bearer( get().tenant.owner ) )
					.expect( 200 );
				return [ 'succeeded', 'failed' ].includes(
					res.body.data.status
				)
					? res.body.data
					: undefined;
			}, timeoutMs );
		},
		async keywords(
			sectorId: number
		): Promise< Map< string, StoredKeyword > > {
			const rows = await sql< StoredKeyword & { normalized: string } >(
				'SELECT keyword, normalized, search_volume, difficulty, intent, cpc, source FROM keywords WHERE sector_id = :sectorId ORDER BY id',
				{ sectorId }
			);
			return new Map(
				rows.map( ( { normalized, ...row } ) => [ normalized, row ] )
			);
		},
	};
}

/** The file names stored for an account's keyword imports, in the configured file storage. */
async function uploadsOf(
	cloud: TestCloud,
	tenant: Tenant
): Promise< string[] > {
	const storage = createFileStorage(
		cloud.context.config,
		cloud.context.db.sequelize,
		'uploads'
	);
	const names: string[] = [];
	for await ( const file of storage.list(
		`keyword-imports/${ tenant.accountId }`
	) ) {
		names.push( path.basename( file.key ) );
	}
	return names;
}

describe( 'keyword import and export (PostgreSQL, bee-queue)', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;
	const h = helpers( () => ( { cloud, tenant } ) );

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'bee' } );
		tenant = await addTenant( cloud, 'Import Co' );
		other = await addTenant( cloud, 'Other Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'previews a Google Keyword Planner export: UTF-16 LE, tabs, preamble, ranges', async () => {
		const res = await h
			.upload(
				fixture( 'google-keyword-planner.csv' ),
				'Keyword Stats.csv',
				{ sector_id: String( tenant.sectorId ) },
				'/api/v1/planner/keywords/import/preview/'
			)
			.expect( 200 );
		const preview = res.body.data;
		expect( preview ).toMatchObject( {
			format: 'google_keyword_planner',
			encoding: 'utf-16le',
			delimiter: '\t',
			header_line: 3,
			mapping: { keyword: 0, search_volume: 2, difficulty: 6, cpc: 8 },
			warnings: [],
		} );
		expect( preview.columns.slice( 0, 3 ) ).toEqual( [
			'Keyword',
			'Currency',
			'Avg. monthly searches',
		] );
		expect( preview.rows ).toHaveLength( 6 );
		expect( preview.rows[ 0 ].slice( 0, 3 ) ).toEqual( [
			'running shoes',
			'USD',
			'100K – 1M',
		] );
		// A preview stores nothing.
		expect( await cloud.context.models.KeywordImport.count() ).toBe( 0 );
	} );

	it( 'previews a plain list as one column without a header, and warns when no keyword column is recognised', async () => {
		const plain = await h
			.upload(
				fixture( 'plain-list.txt' ),
				'list.txt',
				{ sector_id: String( tenant.sectorId ) },
				'/api/v1/planner/keywords/import/preview/'
			)
			.expect( 200 );
		expect( plain.body.data ).toMatchObject( {
			format: 'plain',
			delimiter: '',
			header_line: 0,
			columns: [ 'Column 1' ],
			mapping: { keyword: 0 },
		} );
		expect( plain.body.data.rows[ 1 ] ).toEqual( [
			'Trail Running Shoes',
		] );
		const generic = await h
			.upload(
				fixture( 'generic-semicolon.csv' ),
				'de.csv',
				{ sector_id: String( tenant.sectorId ) },
				'/api/v1/planner/keywords/import/preview/'
			)
			.expect( 200 );
		expect( generic.body.data ).toMatchObject( {
			format: 'csv',
			delimiter: ';',
			header_line: 1,
			columns: [
				'Begriff',
				'Region',
				'Suchvolumen',
				'Schwierigkeit',
				'Absicht',
			],
		} );
		expect( generic.body.data.warnings[ 0 ] ).toMatch(
			/No keyword column was recognised/
		);
	} );

	it.each( [
		[
			'google-keyword-planner.csv',
			'google_keyword_planner',
			{},
			{
				'running shoes': {
					search_volume: 550000,
					difficulty: 100,
					intent: null,
					cpc: '2.43',
				},
				'best running shoes for flat feet': {
					search_volume: 5500,
					difficulty: 52,
					cpc: '1.37',
				},
				'zapatillas de running': {
					search_volume: 550,
					difficulty: 12,
					cpc: '0.95',
				},
				'how to clean running shoes': {
					search_volume: 55,
					difficulty: 3,
					cpc: null,
				},
			},
			6,
		],
		[
			'semrush.csv',
			'semrush',
			{},
			{
				'running shoes': {
					search_volume: 201000,
					difficulty: 100,
					intent: 'commercial',
					cpc: '1.12',
				},
				'how to lace running shoes': {
					search_volume: 2400,
					difficulty: 31,
					intent: 'informational',
					cpc: '0.00',
				},
				'nike running shoes': {
					search_volume: 49500,
					difficulty: 94,
					intent: 'navigational',
					cpc: '1.38',
				},
				'buy running shoes online': {
					search_volume: 1900,
					difficulty: 67,
					intent: 'transactional',
					cpc: '2.05',
				},
			},
			5,
		],
		[
			'ahrefs.csv',
			'ahrefs',
			{},
			{
				'trail running shoes': {
					keyword: 'trail running shoes',
					search_volume: 43000,
					difficulty: 44,
					cpc: '1.60',
				},
				'trail running shoes women': {
					search_volume: 2100,
					difficulty: 29,
					cpc: '1.40',
				},
				'are trail running shoes good for hiking': {
					search_volume: 700,
					difficulty: 3,
					cpc: null,
				},
			},
			4,
		],
		[
			'plain-list.txt',
			'plain',
			{},
			{
				'running shoes': {
					keyword: 'running shoes',
					search_volume: 0,
					difficulty: null,
					intent: null,
				},
				'trail running shoes': { keyword: 'Trail Running Shoes' },
				'half marathon pace chart': {
					keyword: 'half marathon pace chart',
				},
			},
			4,
		],
		[
			'generic-semicolon.csv',
			'csv',
			{
				mapping: JSON.stringify( {
					keyword: 0,
					search_volume: 2,
					difficulty: 3,
					intent: 4,
				} ),
			},
			{
				laufschuhe: {
					search_volume: 74000,
					difficulty: 88,
					intent: 'commercial',
					cpc: null,
				},
				'laufschuhe damen': {
					search_volume: 27100,
					difficulty: 71,
					intent: 'transactional',
				},
				'laufschuhe test': {
					search_volume: 6600,
					difficulty: 45,
					intent: 'informational',
				},
			},
			3,
		],
	] )(
		'imports %s (%s) with the right values',
		async ( file, format, fields, expected, count ) => {
			const sectorId = await h.newSector( `Format ${ file }` );
			const res = await h
				.upload( fixture( file ), file, {
					sector_id: String( sectorId ),
					...fields,
				} )
				.expect( 202 );
			expect( res.body.data ).toMatchObject( {
				status: 'queued',
				format,
				filename: file,
				sector_id: sectorId,
			} );
			const done = await h.finished( res.body.data.id );
			expect( done ).toMatchObject( {
				status: 'succeeded',
				progress: 100,
				imported: count,
				invalid: 0,
				error: null,
			} );
			const stored = await h.keywords( sectorId );
			expect( stored.size ).toBe( count );
			for ( const [ normalized, values ] of Object.entries( expected ) ) {
				expect( stored.get( normalized ) ).toMatchObject( {
					source: 'csv_import',
					...values,
				} );
			}
		}
	);

	it( 'reports the plain list duplicate ("running  shoes" is "running shoes") as a duplicate, not an import', async () => {
		const sectorId = await h.newSector( 'Plain duplicates' );
		const res = await h
			.upload( fixture( 'plain-list.txt' ), 'list.txt', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		expect( await h.finished( res.body.data.id ) ).toMatchObject( {
			total_rows: 5,
			imported: 4,
			duplicates: 1,
			invalid: 0,
		} );
	} );

	it( 'refuses a file without a recognised keyword column unless a mapping names one', async () => {
		const sectorId = await h.newSector( 'No mapping' );
		const res = await h
			.upload( fixture( 'generic-semicolon.csv' ), 'de.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 400 );
		expect( res.body.error ).toBe(
			'No keyword column was recognised in the file.'
		);
		expect( res.body.errors.mapping[ 0 ] ).toMatch(
			/no keyword column among: "Begriff", "Region"/
		);
		const bad = await h
			.upload( fixture( 'generic-semicolon.csv' ), 'de.csv', {
				sector_id: String( sectorId ),
				mapping: '{"keyword": 9}',
			} )
			.expect( 400 );
		expect( bad.body.errors.mapping ).toEqual( [
			'keyword: column 9 does not exist; the file has 5 column(s), numbered from 0',
		] );
		const notJson = await h
			.upload( fixture( 'generic-semicolon.csv' ), 'de.csv', {
				sector_id: String( sectorId ),
				mapping: 'keyword=0',
			} )
			.expect( 400 );
		expect( notJson.body.errors.mapping[ 0 ] ).toMatch( /must be JSON/ );
		expect(
			await cloud.context.models.KeywordImport.count( {
				where: { sector_id: sectorId },
			} )
		).toBe( 0 );
	} );

	it( 'keeps the good rows of a file with bad ones and reports each bad line with its reason', async () => {
		const sectorId = await h.newSector( 'Bad rows' );
		const res = await h
			.upload( fixture( 'with-bad-rows.csv' ), 'bad.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		const done = await h.finished( res.body.data.id );
		expect( done ).toMatchObject( {
			status: 'succeeded',
			total_rows: 9,
			imported: 4,
			duplicates: 1,
			invalid: 4,
		} );
		const stored = await h.keywords( sectorId );
		expect( [ ...stored.keys() ] ).toEqual( [
			'good one',
			'second good',
			'third good',
			'fourth good',
		] );
		expect( stored.get( 'second good' ) ).toMatchObject( {
			search_volume: 1200,
			intent: 'commercial',
			cpc: '1.10',
		} );
		expect( stored.get( 'third good' ) ).toMatchObject( {
			search_volume: 1200,
			intent: 'transactional',
			cpc: null,
		} );
		expect( stored.get( 'fourth good' ) ).toMatchObject( {
			search_volume: 5,
			difficulty: 0,
			intent: 'navigational',
		} );
		const problems = await h
			.api()
			.get( `/api/v1/planner/keywords/imports/${ done.id }/problems/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( problems.body.count ).toBe( 4 );
		expect( problems.body.results ).toEqual( [
			{ line: 3, reason: 'keyword: is blank' },
			{
				line: 6,
				reason: 'search_volume: "lots" is not a number from 0 to 1000000000',
			},
			{
				line: 7,
				reason: 'difficulty: "150" is not a number from 0 to 100',
			},
			{
				line: 8,
				reason: 'intent: "curious" is not one of informational, commercial, transactional, navigational (or I, C, T, N)',
			},
		] );
		const paged = await h
			.api()
			.get(
				`/api/v1/planner/keywords/imports/${ done.id }/problems/?page_size=2&page=2`
			)
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			paged.body.results.map( ( p: { line: number } ) => p.line )
		).toEqual( [ 7, 8 ] );
		expect( paged.body.next ).toBeNull();
		expect( paged.body.previous ).toContain( 'page=1' );
	} );

	describe( 'malformed files: each broken row is reported with its line and reason, every good row is kept', () => {
		it.each( [
			[
				'unterminated-quote.csv',
				'a quote still open at the last line',
				[ 'espresso machine', 'milk frother' ],
				[
					{
						line: 4,
						reason: 'a quote opened in this row is never closed (the file ends inside it)',
					},
				],
			],
			[
				'wrong-columns.csv',
				'rows narrower or wider than the header (trailing empty cells are padding)',
				[
					'espresso machine',
					'pour over kettle',
					'french press',
					'cold brew maker',
					'moka pot',
					'latte art pitcher',
					'coffee scale',
				],
				[
					{
						line: 3,
						reason: 'the row has 2 columns; the header has 3',
					},
					{
						line: 4,
						reason: 'the row has 4 columns; the header has 3',
					},
				],
			],
			[
				'binary-line.csv',
				'NUL bytes, a control character and invalid UTF-8 among UTF-8 rows',
				[ 'café latte', 'crème brûlée', 'matcha' ],
				[
					{
						line: 4,
						reason: 'the row is binary data (it contains NUL bytes), not text',
					},
					{
						line: 5,
						reason: 'the row is binary data (it contains control characters), not text',
					},
					{
						line: 6,
						reason: 'the row is not valid text in the file’s encoding (binary data or a damaged character)',
					},
				],
			],
			[
				'junk-keywords.csv',
				'emoji-only, punctuation-only, web addresses and an over-long keyword',
				[ 'running shoes', 'nike.com', 'trail shoes' ],
				[
					{
						line: 3,
						reason: 'keyword: has no letters or digits (emoji or punctuation only)',
					},
					{
						line: 4,
						reason: 'keyword: has no letters or digits (emoji or punctuation only)',
					},
					{
						line: 5,
						reason: 'keyword: is a web address ("https://example.com/running-shoes"), not a search phrase',
					},
					{
						line: 6,
						reason: 'keyword: is a web address ("www.example.com"), not a search phrase',
					},
					{
						line: 7,
						reason: 'keyword: is a web address ("shop.example/shoes"), not a search phrase',
					},
					{
						line: 9,
						reason: 'keyword: is 300 characters long; at most 255 allowed',
					},
				],
			],
			[
				'long-line.csv',
				'a 40 KB row (the reading stops there)',
				[ 'espresso machine', 'milk frother' ],
				[ { line: 4, reason: LONG_ROW } ],
			],
		] )(
			'%s: %s',
			async ( file, _what, kept: string[], problems: Problem[] ) => {
				const sectorId = await h.newSector( `Malformed ${ file }` );
				const res = await h
					.upload( fixture( file ), file, {
						sector_id: String( sectorId ),
					} )
					.expect( 202 );
				const done = await h.finished( res.body.data.id );
				expect( done ).toMatchObject( {
					status: 'succeeded',
					imported: kept.length,
					invalid: problems.length,
					duplicates: 0,
					total_rows: kept.length + problems.length,
				} );
				expect( await h.problems( done.id ) ).toEqual( problems );
				expect( [
					...( await h.keywords( sectorId ) ).keys(),
				] ).toEqual( kept );
			}
		);
	} );

	it.each( fs.readdirSync( FIXTURES ).sort() )(
		'preview and import agree on %s: the same mapping, the same verdict for every row',
		async ( file ) => {
			const sectorId = await h.newSector( `Agree ${ file }` );
			const preview: Preview = (
				await h
					.upload(
						fixture( file ),
						file,
						{ sector_id: String( sectorId ) },
						PREVIEW
					)
					.expect( 200 )
			).body.data;
			// A mapping the preview had to guess is confirmed by the caller, as the wizard does.
			const guessed = preview.warnings.some( ( w ) =>
				w.startsWith( 'No keyword column was recognised' )
			);
			const res = await h
				.upload( fixture( file ), file, {
					sector_id: String( sectorId ),
					...( guessed
						? { mapping: JSON.stringify( preview.mapping ) }
						: {} ),
				} )
				.expect( 202 );
			expect( res.body.data.mapping ).toEqual( preview.mapping );
			const done = await h.finished( res.body.data.id );
			// Every fixture fits the preview, so it judged every row the import read.
			const judged = new Set( [
				...preview.row_lines,
				...preview.problems.map( ( p ) => p.line ),
			] );
			expect( judged.size ).toBe( done.total_rows );
			expect( await h.problems( done.id ) ).toEqual( preview.problems );
			const bad = new Set( preview.problems.map( ( p ) => p.line ) );
			const good = preview.rows.filter(
				( _row, i ) => ! bad.has( preview.row_lines[ i ]! )
			);
			expect( [ ...( await h.keywords( sectorId ) ).keys() ] ).toEqual( [
				...new Set(
					good.map( ( row ) =>
						normalizeKeyword( row[ preview.mapping.keyword! ]! )
					)
				),
			] );
		}
	);

	it( 'shows the problems of the previewed rows before anything is imported', async () => {
		const res = await h
			.upload(
				fixture( 'junk-keywords.csv' ),
				'junk.csv',
				{ sector_id: String( tenant.sectorId ) },
				PREVIEW
			)
			.expect( 200 );
		const preview: Preview = res.body.data;
		expect( preview.row_lines ).toEqual( [ 2, 3, 4, 5, 6, 7, 8, 9, 10 ] );
		expect( preview.problems.map( ( p ) => p.line ) ).toEqual( [
			3, 4, 5, 6, 7, 9,
		] );
		expect( preview.warnings ).toEqual( [
			expect.stringMatching(
				/^6 of the first 9 rows will be skipped: line 3 \(keyword: has no letters or digits/
			),
		] );
	} );

	it( 'refuses a 50 MB file of one line in under 2 seconds, storing and keeping nothing', async () => {
		const before = {
			imports: await cloud.context.models.KeywordImport.count(),
			keywords: await cloud.context.models.Keyword.count(),
		};
		const oneLine = Buffer.alloc( 50 * 1024 * 1024, 'k' );
		// The preview refuses it too (and warms this process up for a 50 MB request).
		const preview = await h
			.upload(
				oneLine,
				'one-line.csv',
				{ sector_id: String( tenant.sectorId ) },
				PREVIEW
			)
			.expect( 400 );
		expect( preview.body.error ).toBe(
			`The file cannot be read: line 1: ${ LONG_ROW }.`
		);
		const started = Date.now();
		const res = await h
			.upload( oneLine, 'one-line.csv', {
				sector_id: String( tenant.sectorId ),
			} )
			.expect( 400 );
		const elapsed = Date.now() - started;
		expect( res.body ).toMatchObject( {
			success: false,
			error: `The file cannot be read: line 1: ${ LONG_ROW }.`,
			errors: { file: [ expect.any( String ) ] },
		} );
		expect( elapsed ).toBeLessThan( 2_000 );
		expect( {
			imports: await cloud.context.models.KeywordImport.count(),
			keywords: await cloud.context.models.Keyword.count(),
		} ).toEqual( before );
		expect( await h.strayUploads() ).toEqual( [] );
	}, 30_000 );

	it( 'stops at a 50 MB line deep in a file, keeping the rows before it', async () => {
		const sectorId = await h.newSector( 'Long line' );
		const good = Array.from(
			{ length: 2_500 },
			( _v, i ) => `long line keyword ${ i },${ i }`
		);
		const file = Buffer.concat( [
			Buffer.from( [ 'Keyword,Volume', ...good, '' ].join( '\n' ) ),
			Buffer.alloc( 50 * 1024 * 1024, 'k' ),
			Buffer.from( ',5\nnever read,1\n' ),
		] );
		const res = await h
			.upload( file, 'long.csv', { sector_id: String( sectorId ) } )
			.expect( 202 );
		const done = await h.finished( res.body.data.id );
		expect( done ).toMatchObject( {
			status: 'succeeded',
			total_rows: 2_501,
			imported: 2_500,
			invalid: 1,
		} );
		expect( await h.problems( done.id ) ).toEqual( [
			{ line: 2_502, reason: LONG_ROW },
		] );
	}, 60_000 );

	it( 'adds nothing when the same file is imported twice', async () => {
		const sectorId = await h.newSector( 'Twice' );
		const first = await h
			.upload( fixture( 'semrush.csv' ), 'semrush.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		expect( await h.finished( first.body.data.id ) ).toMatchObject( {
			imported: 5,
			duplicates: 0,
		} );
		const before = await h.keywords( sectorId );
		const second = await h
			.upload( fixture( 'semrush.csv' ), 'semrush.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		expect( await h.finished( second.body.data.id ) ).toMatchObject( {
			status: 'succeeded',
			total_rows: 5,
			imported: 0,
			duplicates: 5,
			invalid: 0,
		} );
		expect( await h.keywords( sectorId ) ).toEqual( before );
		// Each finished import is recorded as a fact, with what it added.
		const events = await cloud.context.db.sequelize.query< {
			payload: { import_id: number; imported: number };
		} >(
			"SELECT payload FROM domain_events WHERE type = 'keywords.imported' AND (payload->>'sector_id')::bigint = :sector ORDER BY id",
			{ replacements: { sector: sectorId }, type: QueryTypes.SELECT }
		);
		expect( events.map( ( e ) => e.payload ) ).toEqual( [
			expect.objectContaining( {
				import_id: first.body.data.id,
				imported: 5,
			} ),
			expect.objectContaining( {
				import_id: second.body.data.id,
				imported: 0,
			} ),
		] );
	} );

	it( 'copies batches while nothing conflicts, then skips the keywords the sector already has for the rest of the file', async () => {
		const sectorId = await h.newSector( 'Copy then insert' );
		// One keyword already there, in the file's second batch.
		await cloud.context.models.Keyword.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: sectorId,
			keyword: 'copy keyword 7000',
			normalized: 'copy keyword 7000',
			search_volume: 1,
			source: 'manual',
		} );
		const copy = jest.spyOn( copyModule, 'copyKeywords' );
		const rows = Array.from(
			{ length: 12_000 },
			( _v, i ) =>
				`"copy keyword ${ i }${ i === 3 ? ' with a \\ and a\ttab' : '' }",${ i },${ i % 2 ? '' : i % 101 },${ i % 3 ? '1.25' : '' }`
		);
		const res = await h
			.upload(
				Buffer.from(
					[ 'Keyword,Volume,KD,CPC', ...rows ].join( '\n' )
				),
				'copy.csv',
				{ sector_id: String( sectorId ) }
			)
			.expect( 202 );
		expect( await h.finished( res.body.data.id ) ).toMatchObject( {
			status: 'succeeded',
			total_rows: 12_000,
			imported: 11_999,
			duplicates: 1,
			invalid: 0,
		} );
		// Batch 1 was copied; batch 2 met the keyword, and from then on batches
		// take the INSERT way (batch 3 may have started its COPY already: both are right).
		const outcomes = await Promise.all(
			copy.mock.results.map( ( r ) => r.value )
		);
		copy.mockRestore();
		expect( outcomes[ 0 ] ).toBe( 5_000 );
		expect( outcomes ).toContain( null );
		const [ stored ] = await h.sql< {
			n: number;
			imported: number;
			manual: string;
		} >(
			`SELECT COUNT(*)::int AS n,
				COUNT(*) FILTER (WHERE extra->>'import_id' = :id)::int AS imported,
				MAX(source) FILTER (WHERE normalized = 'copy keyword 7000') AS manual
			 FROM keywords WHERE sector_id = :sector`,
			{ sector: sectorId, id: String( res.body.data.id ) }
		);
		expect( stored ).toEqual( {
			n: 12_000,
			imported: 11_999,
			manual: 'manual',
		} );
		// Values and nulls arrive as the INSERT path would store them.
		const sample = await h.sql< Record< string, unknown > >(
			`SELECT keyword, search_volume, difficulty, cpc::text AS cpc, status, source
			 FROM keywords WHERE sector_id = :sector AND normalized IN ('copy keyword 2', 'copy keyword 9', 'copy keyword 10001') ORDER BY id`,
			{ sector: sectorId }
		);
		expect( sample ).toEqual( [
			{
				keyword: 'copy keyword 2',
				search_volume: 2,
				difficulty: 2,
				cpc: '1.25',
				status: 'active',
				source: 'csv_import',
			},
			{
				keyword: 'copy keyword 9',
				search_volume: 9,
				difficulty: null,
				cpc: null,
				status: 'active',
				source: 'csv_import',
			},
			{
				keyword: 'copy keyword 10001',
				search_volume: 10001,
				difficulty: null,
				cpc: '1.25',
				status: 'active',
				source: 'csv_import',
			},
		] );
		const [ escaped ] = await h.sql< { keyword: string } >(
			"SELECT keyword FROM keywords WHERE sector_id = :sector AND keyword LIKE 'copy keyword 3 %'",
			{ sector: sectorId }
		);
		expect( escaped?.keyword ).toBe( 'copy keyword 3 with a \\ and a tab' );
	} );

	describe( 'the plan’s keyword quota', () => {
		let small: Tenant;
		const q = helpers( () => ( { cloud, tenant: small } ) );
		const csv = ( keywords: string[] ) =>
			Buffer.from(
				[ 'Keyword,Volume', ...keywords.map( ( k ) => `${ k },10` ) ]
					.join( '\n' )
					.concat( '\n' )
			);
		const count = async () =>
			cloud.context.models.Keyword.count( {
				where: { account_id: small.accountId },
			} );
		const upload = ( keywords: string[] ) =>
			q.upload( csv( keywords ), 'quota.csv', {
				sector_id: String( small.sectorId ),
			} );
		const existing = [ 'one', 'two', 'three', 'four', 'five' ];
		const fresh = ( n: number, tag: string ) =>
			Array.from( { length: n }, ( _v, i ) => `${ tag } keyword ${ i }` );

		beforeAll( async () => {
			await cloud.context.models.Plan.create( {
				name: 'Quota',
				slug: 'quota-test',
				max_sites: 1,
				max_sectors_per_site: 1,
				max_keywords: 12,
				monthly_credits: 0,
			} );
			small = await addTenant( cloud, 'Quota Co', 'quota-test' );
			await q
				.api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( bearer( small.owner ) )
				.send( {
					sector_id: small.sectorId,
					keywords: existing.map( ( keyword ) => ( { keyword } ) ),
				} )
				.expect( 201 );
		} );

		it( 'words its refusal with the numbers and what to do', () => {
			expect(
				quotaExceeded(
					{ plan: 'Starter', limit: 5_000, used: 1_000, reserved: 0 },
					7_200,
					'this import'
				).message
			).toBe(
				'Your Starter plan allows 5,000 keywords; this import would add 7,200 to your 1,000 (room for 4,000 more). Remove some keywords or upgrade your plan.'
			);
		} );

		it( 'refuses a whole import that would go over, with the numbers, changing nothing', async () => {
			// 10 new keywords and 2 the account has: 10 would be added, 7 fit.
			const res = await upload( [
				...fresh( 10, 'over' ),
				'one',
				'TWO',
			] ).expect( 403 );
			expect( res.body ).toMatchObject( {
				success: false,
				code: 'plan_limit_reached',
				error: 'Your Quota plan allows 12 keywords; this import would add 10 to your 5 (room for 7 more). Remove some keywords or upgrade your plan.',
			} );
			expect( await count() ).toBe( 5 );
			expect(
				await cloud.context.models.KeywordImport.count( {
					where: { account_id: small.accountId },
				} )
			).toBe( 0 );
			expect( await q.strayUploads() ).toEqual( [] );
		} );

		it( 'admits an import that fits exactly once its duplicates are left out, reserving just that', async () => {
			const res = await upload( [
				...fresh( 7, 'fits' ),
				...existing,
			] ).expect( 202 );
			const row = await cloud.context.models.KeywordImport.findByPk(
				res.body.data.id
			);
			expect( row!.reserved_keywords ).toBe( 7 );
			expect( await q.finished( res.body.data.id ) ).toMatchObject( {
				status: 'succeeded',
				imported: 7,
				duplicates: 5,
			} );
			expect( await count() ).toBe( 12 );
		} );

		it( 'refuses single and bulk adds at the limit (but not a bulk add of keywords already there)', async () => {
			const one = await q
				.api()
				.post( '/api/v1/planner/keywords/' )
				.set( bearer( small.owner ) )
				.send( { sector_id: small.sectorId, keyword: 'one too many' } )
				.expect( 403 );
			expect( one.body ).toMatchObject( {
				code: 'plan_limit_reached',
				error: 'Your Quota plan allows 12 keywords; this keyword would add 1 to your 12 (room for 0 more). Remove some keywords or upgrade your plan.',
			} );
			const bulk = await q
				.api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( bearer( small.owner ) )
				.send( {
					sector_id: small.sectorId,
					keywords: [
						{ keyword: 'extra a' },
						{ keyword: 'extra b' },
					],
				} )
				.expect( 403 );
			expect( bulk.body.error ).toMatch(
				/these keywords would add 2 to your 12 \(room for 0 more\)/
			);
			const again = await q
				.api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( bearer( small.owner ) )
				.send( {
					sector_id: small.sectorId,
					keywords: [ { keyword: 'one' } ],
				} )
				.expect( 201 );
			expect( again.body.data.duplicates ).toHaveLength( 1 );
			expect( await count() ).toBe( 12 );
		} );

		it( 'counts the room an accepted import still holds until it ends', async () => {
			const ids = (
				await cloud.context.models.Keyword.findAll( {
					where: { account_id: small.accountId },
					order: [ [ 'id', 'ASC' ] ],
					limit: 3,
				} )
			).map( ( k ) => k.id );
			await q
				.api()
				.post( '/api/v1/planner/keywords/bulk_delete/' )
				.set( bearer( small.owner ) )
				.send( { ids } )
				.expect( 200 );
			// An import accepted a moment ago, its job not run yet.
			const waiting = await cloud.context.models.KeywordImport.create( {
				account_id: small.accountId,
				site_id: small.siteId,
				sector_id: small.sectorId,
				created_by: small.owner.id,
				filename: 'waiting.csv',
				storage_path: 'nowhere.csv',
				format: 'csv',
				mapping: { keyword: 0 },
				reserved_keywords: 2,
				error: null,
				started_at: null,
				finished_at: null,
			} );
			const refused = await upload( fresh( 2, 'held' ) ).expect( 403 );
			expect( refused.body.error ).toBe(
				'Your Quota plan allows 12 keywords; this import would add 2 to your 9 and the 2 an import in progress may add (room for 1 more). Remove some keywords or upgrade your plan.'
			);
			await waiting.update( { status: 'failed' } );
			const admitted = await upload( fresh( 2, 'held' ) ).expect( 202 );
			expect( await q.finished( admitted.body.data.id ) ).toMatchObject( {
				imported: 2,
			} );
			expect( await count() ).toBe( 11 );
		} );

		it( 'reserves a file’s line count, without reading it, when that fits anyway', async () => {
			const sectorId = await h.newSector( 'Roomy' );
			const res = await h
				.upload( fixture( 'semrush.csv' ), 'semrush.csv', {
					sector_id: String( sectorId ),
				} )
				.expect( 202 );
			const row = await cloud.context.models.KeywordImport.findByPk(
				res.body.data.id
			);
			// 6 line feeds: at most 7 lines, so at most 7 keywords.
			expect( row!.reserved_keywords ).toBe( 7 );
			expect( await h.finished( res.body.data.id ) ).toMatchObject( {
				imported: 5,
			} );
			// Old Mac line ends (a lone CR) count as lines too.
			const mac = await h
				.upload(
					Buffer.from( 'Keyword\rmac one\rmac two\r\nmac three\r' ),
					'mac.csv',
					{ sector_id: String( sectorId ) }
				)
				.expect( 202 );
			const macRow = await cloud.context.models.KeywordImport.findByPk(
				mac.body.data.id
			);
			expect( macRow!.reserved_keywords ).toBe( 5 );
			expect( await h.finished( mac.body.data.id ) ).toMatchObject( {
				imported: 3,
			} );
		} );
	} );

	describe( 'refuses unusable files with a clear 400 and creates nothing', () => {
		const header = 'Keyword,Volume,Keyword Difficulty\r\n';
		const png = Buffer.concat( [
			Buffer.from( [ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ] ),
			Buffer.alloc( 200, 7 ),
		] );
		const nuls = Buffer.from(
			'keyword\nabc\u0000\u0000\u0001def\nmore\u0000\n',
			'latin1'
		);
		it.each( [
			[ 'an empty file', Buffer.alloc( 0 ), 'The file is empty.' ],
			[
				'a file of blank lines',
				Buffer.from( '\r\n \r\n\t\r\n' ),
				'The file is empty.',
			],
			[
				'a PNG image',
				png,
				'The file is a PNG image, not a CSV or text file.',
			],
			[
				'bytes with NULs',
				nuls,
				'The file is binary (it contains NUL bytes), not a CSV or text file.',
			],
			[
				'a header without rows',
				Buffer.from( header ),
				'The file has a header row but no keyword rows.',
			],
		] )( '%s', async ( _label, bytes, message ) => {
			const before = {
				imports: await cloud.context.models.KeywordImport.count(),
				keywords: await cloud.context.models.Keyword.count(),
			};
			const res = await h
				.upload( bytes, 'upload.csv', {
					sector_id: String( tenant.sectorId ),
				} )
				.expect( 400 );
			expect( res.body ).toMatchObject( {
				success: false,
				error: message,
				errors: { file: [ expect.any( String ) ] },
			} );
			expect( {
				imports: await cloud.context.models.KeywordImport.count(),
				keywords: await cloud.context.models.Keyword.count(),
			} ).toEqual( before );
			// The upload was stored while it streamed in; a refusal deletes it.
			const stored = await uploadsOf( cloud, tenant );
			const recorded = (
				await cloud.context.models.KeywordImport.findAll( {
					where: { account_id: tenant.accountId },
				} )
			).map( ( r ) => path.basename( r.storage_path ) );
			expect(
				stored.filter( ( f ) => ! recorded.includes( f ) )
			).toEqual( [] );
		} );

		it( 'a request that is not multipart, or has no file', async () => {
			const json = await h
				.api()
				.post( '/api/v1/planner/keywords/import/' )
				.set( bearer( tenant.owner ) )
				.send( { sector_id: tenant.sectorId } )
				.expect( 415 );
			expect( json.body.error ).toBe(
				'Send the file as multipart/form-data, in a part named "file".'
			);
			const noFile = await h
				.api()
				.post( '/api/v1/planner/keywords/import/' )
				.set( bearer( tenant.owner ) )
				.field( 'sector_id', String( tenant.sectorId ) )
				.expect( 400 );
			expect( noFile.body.errors.file[ 0 ] ).toMatch(
				/this field is required/
			);
		} );
	} );

	it( 'imports 100,000 rows completely, reporting increasing progress', async () => {
		const sectorId = await h.newSector( 'Big' );
		const dir = fs.mkdtempSync( path.join( os.tmpdir(), 'igny8-import-' ) );
		const file = path.join( dir, 'big.csv' );
		const intents = [ 'I', 'C', 'T', 'N' ];
		const lines = [ 'Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)' ];
		for ( let i = 0; i < 100_000; i++ ) {
			lines.push(
				`keyword number ${ i },${ intents[ i % 4 ] },${ i * 3 },${ i % 101 },${ ( i % 500 ) / 100 }`
			);
		}
		fs.writeFileSync( file, lines.join( '\n' ) + '\n' );
		const events: JobEvent[] = [];
		const unsubscribe = cloud.context.queue.onEvent(
			( event ) =>
				event.type === KEYWORD_IMPORT_JOB && events.push( event )
		);
		const started = Date.now();
		try {
			const res = await h
				.upload( file, 'big.csv', { sector_id: String( sectorId ) } )
				.expect( 202 );
			const done = await h.finished( res.body.data.id, 60_000 );
			expect( done ).toMatchObject( {
				status: 'succeeded',
				progress: 100,
				total_rows: 100_000,
				imported: 100_000,
				duplicates: 0,
				invalid: 0,
			} );
			expect( Date.now() - started ).toBeLessThan( 60_000 );
			const [ { n } ] = await h.sql< { n: number } >(
				'SELECT COUNT(*)::int AS n FROM keywords WHERE sector_id = :sectorId',
				{ sectorId }
			);
			expect( n ).toBe( 100_000 );
			const sample = await h.sql< StoredKeyword >(
				`SELECT keyword, search_volume, difficulty, intent, cpc, source FROM keywords WHERE sector_id = :sectorId AND keyword IN ('keyword number 0', 'keyword number 54321', 'keyword number 99999') ORDER BY search_volume`,
				{ sectorId }
			);
			expect( sample ).toEqual( [
				{
					keyword: 'keyword number 0',
					search_volume: 0,
					difficulty: 0,
					intent: 'informational',
					cpc: '0.00',
					source: 'csv_import',
				},
				{
					keyword: 'keyword number 54321',
					search_volume: 162963,
					difficulty: 54321 % 101,
					intent: 'commercial',
					cpc: '3.21',
					source: 'csv_import',
				},
				{
					keyword: 'keyword number 99999',
					search_volume: 299997,
					difficulty: 99999 % 101,
					intent: 'navigational',
					cpc: '4.99',
					source: 'csv_import',
				},
			] );
			const percents = events
				.filter(
					( e ) =>
						e.kind === 'progress' &&
						e.id === `keyword-import-${ res.body.data.id }`
				)
				.map( ( e ) =>
					e.kind === 'progress' ? e.progress.percent : -1
				);
			expect( percents.length ).toBeGreaterThan( 5 );
			expect( percents[ percents.length - 1 ] ).toBe( 100 );
			expect( percents ).toEqual(
				[ ...percents ].sort( ( a, b ) => a - b )
			);
			expect( new Set( percents ).size ).toBe( percents.length );
		} finally {
			unsubscribe();
			fs.rmSync( dir, { recursive: true, force: true } );
		}
	}, 90_000 );

	it( 'keeps how the upload read the file, so the job reads the stored file once', async () => {
		const sectorId = await h.newSector( 'Read once' );
		const file = Buffer.from(
			'\ufeffKeyword;Volume\nalpha shoes;1\nbeta shoes;2\n',
			'utf16le'
		);
		const storage = createFileStorage(
			cloud.context.config,
			cloud.context.db.sequelize,
			'uploads'
		);
		const reads = jest.spyOn( Object.getPrototypeOf( storage ), 'read' );
		const res = await h
			.upload( file, 'utf16.csv', { sector_id: String( sectorId ) } )
			.expect( 202 );
		expect( await h.finished( res.body.data.id ) ).toMatchObject( {
			status: 'succeeded',
			imported: 2,
		} );
		const readCalls = reads.mock.calls.length;
		reads.mockRestore();
		expect( readCalls ).toBe( 1 );
		const row = await cloud.context.models.KeywordImport.findByPk(
			res.body.data.id
		);
		expect( row!.read_options ).toEqual( {
			encoding: 'utf-16le',
			bomBytes: 2,
			delimiter: ';',
			fromLine: 2,
			width: 2,
		} );
		expect( Number( row!.file_size ) ).toBe( file.length );
		expect( [ ...( await h.keywords( sectorId ) ).keys() ] ).toEqual( [
			'alpha shoes',
			'beta shoes',
		] );
	} );

	it( 'leaves correct counters and no duplicates when the job dies mid-run and runs again', async () => {
		const sectorId = await h.newSector( 'Crash' );
		const service = keywordImportService( cloud.context );
		const storage = createFileStorage(
			cloud.context.config,
			cloud.context.db.sequelize,
			'uploads'
		);
		const lines = [ 'Keyword,Volume' ];
		for ( let i = 0; i < 12_000; i++ ) {
			lines.push( `crash keyword ${ i % 11_000 },${ i }` );
		}
		lines.push( ',5' );
		const { key } = await storage.write(
			'test',
			Readable.from( [ lines.join( '\n' ) ] ),
			'.csv'
		);
		// Recorded but not queued: this test plays the worker.
		const row = await cloud.context.models.KeywordImport.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: sectorId,
			created_by: tenant.owner.id,
			filename: 'crash.csv',
			storage_path: key,
			format: 'csv',
			mapping: { keyword: 0, search_volume: 1 },
			error: null,
			started_at: null,
			finished_at: null,
		} );
		let calls = 0;
		const dying = service.run( {
			data: { importId: row.id },
			reportProgress: async () => {
				calls++;
				// The worker dies once the first batch is committed (the second is already on its way).
				throw new Error( 'worker died' );
			},
		} );
		await expect( dying ).rejects.toThrow( 'worker died' );
		expect( calls ).toBe( 1 );
		const [ { n: partial } ] = await h.sql< { n: number } >(
			'SELECT COUNT(*)::int AS n FROM keywords WHERE sector_id = :sectorId',
			{ sectorId }
		);
		// Whole batches, and none still being written after the run gave up.
		expect( partial ).toBe( 10_000 );
		await row.reload();
		expect( row.status ).toBe( 'failed' );

		const expected = {
			total_rows: 12_001,
			imported: 11_000,
			duplicates: 1_000,
			invalid: 1,
		};
		const noop = {
			data: { importId: row.id },
			reportProgress: async () => undefined,
		};
		expect( await service.run( noop ) ).toEqual( expected );
		// And a redelivery after success changes nothing either.
		expect( await service.run( noop ) ).toEqual( expected );
		await row.reload();
		expect( row ).toMatchObject( {
			status: 'succeeded',
			progress: 100,
			error: null,
			...expected,
		} );
		const [ counts ] = await h.sql< { n: number; distinct_n: number } >(
			'SELECT COUNT(*)::int AS n, COUNT(DISTINCT normalized)::int AS distinct_n FROM keywords WHERE sector_id = :sectorId',
			{ sectorId }
		);
		expect( counts ).toEqual( { n: 11_000, distinct_n: 11_000 } );
		const problems = await h.sql< { line: number; reason: string } >(
			'SELECT line, reason FROM keyword_import_problems WHERE import_id = :id',
			{ id: row.id }
		);
		expect( problems ).toEqual( [
			{ line: 12_002, reason: 'keyword: is blank' },
		] );
	} );

	it( 'scopes everything to the caller’s account', async () => {
		const sectorId = await h.newSector( 'Scoped' );
		const res = await h
			.upload( fixture( 'semrush.csv' ), 'semrush.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		const id = res.body.data.id;
		await h.finished( id );
		const foreign = await request( cloud.app )
			.post( '/api/v1/planner/keywords/import/' )
			.set( bearer( other.owner ) )
			.field( 'sector_id', String( sectorId ) )
			.attach( 'file', fixture( 'semrush.csv' ), 'semrush.csv' )
			.expect( 400 );
		expect( foreign.body.errors ).toEqual( {
			sector_id: [ `sector ${ sectorId } does not exist` ],
		} );
		await request( cloud.app )
			.get( `/api/v1/planner/keywords/imports/${ id }/` )
			.set( bearer( other.owner ) )
			.expect( 404 );
		await request( cloud.app )
			.get( `/api/v1/planner/keywords/imports/${ id }/problems/` )
			.set( bearer( other.owner ) )
			.expect( 404 );
		const theirs = await request( cloud.app )
			.get( '/api/v1/planner/keywords/imports/' )
			.set( bearer( other.owner ) )
			.expect( 200 );
		expect( theirs.body.count ).toBe( 0 );
		const mine = await h
			.api()
			.get( `/api/v1/planner/keywords/imports/?sector_id=${ sectorId }` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			mine.body.results.map( ( r: { id: number } ) => r.id )
		).toEqual( [ id ] );
		const export400 = await request( cloud.app )
			.get( `/api/v1/planner/keywords/export/?sector_id=${ sectorId }` )
			.set( bearer( other.owner ) )
			.expect( 400 );
		expect( export400.body.errors ).toEqual( {
			sector_id: [ `sector ${ sectorId } does not exist` ],
		} );
		await request( cloud.app )
			.get( `/api/v1/planner/clusters/export/?sector_id=${ sectorId }` )
			.set( bearer( other.owner ) )
			.expect( 400 );
	} );

	it( 'lets a viewer read imports but not preview or import; site keys cannot import', async () => {
		const viewer = await addUser( cloud, tenant.accountId, 'viewer' );
		await request( cloud.app )
			.post( '/api/v1/planner/keywords/import/' )
			.set( bearer( viewer ) )
			.field( 'sector_id', String( tenant.sectorId ) )
			.attach( 'file', fixture( 'semrush.csv' ), 'semrush.csv' )
			.expect( 403 );
		await request( cloud.app )
			.post( '/api/v1/planner/keywords/import/preview/' )
			.set( bearer( viewer ) )
			.field( 'sector_id', String( tenant.sectorId ) )
			.attach( 'file', fixture( 'semrush.csv' ), 'semrush.csv' )
			.expect( 403 );
		await request( cloud.app )
			.get( '/api/v1/planner/keywords/imports/' )
			.set( bearer( viewer ) )
			.expect( 200 );
		await request( cloud.app )
			.get(
				`/api/v1/planner/keywords/export/?sector_id=${ tenant.sectorId }`
			)
			.set( bearer( viewer ) )
			.expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/planner/keywords/import/' )
			.set( 'X-IGNY8-API-Key', tenant.apiKey )
			.field( 'sector_id', String( tenant.sectorId ) )
			.attach( 'file', fixture( 'semrush.csv' ), 'semrush.csv' )
			.expect( 401 );
		await request( cloud.app )
			.get(
				`/api/v1/planner/keywords/export/?sector_id=${ tenant.sectorId }`
			)
			.expect( 401 );
	} );

	it( 'exports a sector’s keywords and clusters as CSV, with filters', async () => {
		const sectorId = await h.newSector( 'Export' );
		const res = await h
			.upload( fixture( 'semrush.csv' ), 'semrush.csv', {
				sector_id: String( sectorId ),
			} )
			.expect( 202 );
		await h.finished( res.body.data.id );
		await h.sql(
			`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, status) VALUES (:a, :s, :sector, '=HYPERLINK("x")', '=hyperlink("x")', 10, 'inactive')`,
			{
				a: tenant.accountId,
				s: tenant.siteId,
				sector: sectorId,
			}
		);
		const { models } = cloud.context;
		const cluster = await models.Cluster.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: sectorId,
			name: 'Buying shoes',
			description: 'Commercial, "ready to buy"',
		} );
		await models.Cluster.create( {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: sectorId,
			name: 'Empty',
			status: 'archived',
		} );
		const ids = await h.sql< { id: number } >(
			`SELECT id FROM keywords WHERE sector_id = :sectorId AND normalized IN ('running shoes', 'buy running shoes online')`,
			{ sectorId }
		);
		await models.ClusterKeyword.bulkCreate(
			ids.map( ( { id } ) => ( {
				cluster_id: cluster.id,
				keyword_id: id,
			} ) )
		);

		const all = await h
			.api()
			.get( `/api/v1/planner/keywords/export/?sector_id=${ sectorId }` )
			.set( bearer( tenant.owner ) )
			.buffer( true )
			.expect( 200 );
		expect( all.headers[ 'content-type' ] ).toBe(
			'text/csv; charset=utf-8'
		);
		expect( all.headers[ 'content-disposition' ] ).toMatch(
			new RegExp(
				`^attachment; filename="keywords-sector-${ sectorId }-\\d{4}-\\d{2}-\\d{2}\\.csv"$`
			)
		);
		const lines = all.text.trim().split( '\n' );
		expect( lines[ 0 ] ).toBe(
			'keyword,search_volume,difficulty,intent,cpc,status,source,cluster,created_at'
		);
		expect( lines ).toHaveLength( 7 );
		expect( lines[ 1 ] ).toMatch(
			/^running shoes,201000,100,commercial,1\.12,active,csv_import,Buying shoes,\d{4}-/
		);
		// A formula-looking cell is neutralised for spreadsheet apps.
		expect( lines[ 6 ] ).toMatch(
			/^"'=HYPERLINK\(""x""\)",10,,,,inactive,manual,,/
		);

		const commercial = await h
			.api()
			.get(
				`/api/v1/planner/keywords/export/?sector_id=${ sectorId }&intent=commercial&status=active`
			)
			.set( bearer( tenant.owner ) )
			.buffer( true )
			.expect( 200 );
		expect(
			commercial.text
				.trim()
				.split( '\n' )
				.slice( 1 )
				.map( ( l ) => l.split( ',' )[ 0 ] )
		).toEqual( [ 'running shoes', 'best running shoes' ] );
		await h
			.api()
			.get(
				`/api/v1/planner/keywords/export/?sector_id=${ sectorId }&intent=curious`
			)
			.set( bearer( tenant.owner ) )
			.expect( 400 );

		const clusters = await h
			.api()
			.get( `/api/v1/planner/clusters/export/?sector_id=${ sectorId }` )
			.set( bearer( tenant.owner ) )
			.buffer( true )
			.expect( 200 );
		expect( clusters.headers[ 'content-type' ] ).toBe(
			'text/csv; charset=utf-8'
		);
		expect( clusters.headers[ 'content-disposition' ] ).toMatch(
			/^attachment; filename="clusters-sector-\d+-/
		);
		expect( clusters.text.trim().split( '\n' ) ).toEqual( [
			'cluster,description,status,keyword_count,total_volume,keywords',
			'Buying shoes,"Commercial, ""ready to buy""",active,2,202900,running shoes; buy running shoes online',
			'Empty,,archived,0,0,',
		] );
		const archived = await h
			.api()
			.get(
				`/api/v1/planner/clusters/export/?sector_id=${ sectorId }&status=archived`
			)
			.set( bearer( tenant.owner ) )
			.buffer( true )
			.expect( 200 );
		expect( archived.text.trim().split( '\n' ) ).toHaveLength( 2 );
	} );

	it( 'documents the upload and CSV routes in the OpenAPI document', async () => {
		const res = await h.api().get( '/api/v1/schema/' ).expect( 200 );
		const upload =
			res.body.paths[ '/api/v1/planner/keywords/import/' ].post;
		expect( Object.keys( upload.requestBody.content ) ).toEqual( [
			'multipart/form-data',
		] );
		expect(
			upload.requestBody.content[ 'multipart/form-data' ].schema.required
		).toEqual( [ 'file', 'sector_id' ] );
		expect( upload.responses[ '202' ] ).toBeDefined();
		const csv = res.body.paths[ '/api/v1/planner/keywords/export/' ].get;
		expect( Object.keys( csv.responses[ '200' ].content ) ).toEqual( [
			'text/csv',
		] );
	} );
} );

describe( 'keyword import on the inline queue driver', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	const h = helpers( () => ( { cloud, tenant } ) );

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Inline Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'imports a Google Keyword Planner export end to end', async () => {
		const res = await h
			.upload( fixture( 'google-keyword-planner.csv' ), 'gkp.csv', {
				sector_id: String( tenant.sectorId ),
			} )
			.expect( 202 );
		expect( await h.finished( res.body.data.id ) ).toMatchObject( {
			status: 'succeeded',
			total_rows: 6,
			imported: 6,
			duplicates: 0,
			invalid: 0,
			progress: 100,
		} );
		const stored = await h.keywords( tenant.sectorId );
		expect( stored.get( 'trail running shoes' ) ).toMatchObject( {
			search_volume: 55000,
			difficulty: 87,
			cpc: '2.10',
			source: 'csv_import',
		} );
	} );
} );

describe( 'a batch as COPY text', () => {
	it( 'escapes the characters COPY reads specially and writes nulls as \\N', () => {
		expect(
			copyModule.copyText(
				{ id: 7, account_id: 1, site_id: 2, sector_id: 3 } as never,
				[
					{
						keyword: 'a\\b\tc\nd\re',
						normalized: 'a\\b c d e',
						search_volume: 0,
						difficulty: null,
						intent: null,
						cpc: null,
					},
					{
						keyword: 'shoes',
						normalized: 'shoes',
						search_volume: 10,
						difficulty: 42,
						intent: 'commercial',
						cpc: 0.5,
					},
				]
			)
		).toBe(
			'1\t2\t3\ta\\\\b\\tc\\nd\\re\ta\\\\b c d e\t0\t\\N\t\\N\tactive\tcsv_import\t\\N\t{"import_id":7}\n' +
				'1\t2\t3\tshoes\tshoes\t10\t42\tcommercial\tactive\tcsv_import\t0.5\t{"import_id":7}\n'
		);
	} );
} );

describe( 'an intent cell', () => {
	it( 'reads one intent directly, several as the first, and nothing else (not even an Object property name)', () => {
		expect(
			[ 'I', 'commercial', ' Transactional ', 'navigation' ].map(
				parseIntent
			)
		).toEqual( [
			'informational',
			'commercial',
			'transactional',
			'navigational',
		] );
		expect( parseIntent( 'C, T' ) ).toBe( 'commercial' );
		expect( parseIntent( 'n/a' ) ).toBeNull();
		expect( parseIntent( '' ) ).toBeNull();
		// Before the lookup checked own keys, these answered a function, which no intent column accepts.
		expect( parseIntent( 'constructor' ) ).toBeUndefined();
		expect( parseIntent( 'toString, I' ) ).toBeUndefined();
		expect(
			parseRow( [ 'shoes', 'constructor' ], {
				keyword: 0,
				intent: 1,
			} as never )
		).toEqual( {
			ok: false,
			reason: 'intent: "constructor" is not one of informational, commercial, transactional, navigational (or I, C, T, N)',
		} );
	} );
} );
