import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import {
	benchOwner,
	listen,
	report,
	runBench,
	startBenchCloud,
} from './support';

/**
 * A 100,000-row keyword CSV end to end — multipart upload over HTTP, stored,
 * admitted against the plan's keyword quota, queued on bee-queue, parsed
 * (csv-parse), validated, de-duplicated and committed — against a raw `COPY`
 * of the same rows through psql into a fresh table shaped like `keywords`
 * (`LIKE keywords INCLUDING ALL`: its columns, indexes and unique key), in
 * the same run. Each side runs BENCH_ROUNDS times (default 3), alternating
 * which goes first; the medians are reported, because single COPY timings
 * here vary by ±30 %. Imported rows are deleted after each round, so every
 * round starts from the same table (and stays within the agency quota).
 *
 * A second line compares the same import with a COPY into that table plus
 * the one thing `LIKE … INCLUDING ALL` leaves out: keywords' foreign key to
 * its sector (checked for every row, by PostgreSQL, in any import).
 *
 * Then a 50 MB file that is one line: the time until the import refuses it,
 * against the same upload to a server that only drains it (the transfer
 * itself, measured in the same run).
 */
const ROWS = Number( process.env.BENCH_IMPORT_ROWS ?? 100_000 );
const ROUNDS = Number( process.env.BENCH_ROUNDS ?? 3 );
const INTENT_CODES = [ 'I', 'C', 'T', 'N' ];
const INTENTS = [
	'informational',
	'commercial',
	'transactional',
	'navigational',
];

const median = ( values: number[] ) =>
	[ ...values ].sort( ( a, b ) => a - b )[
		Math.floor( values.length / 2 )
	] as number;
const seconds = ( since: bigint ) =>
	Number( process.hrtime.bigint() - since ) / 1e9;

runBench( async () => {
	const cloud = await startBenchCloud( { workers: true } );
	try {
		const { context, url, dataDir } = cloud;
		const { models } = context;
		const owner = await benchOwner( cloud, 'Bench Import' );
		const newSector = async ( name: string ) =>
			(
				await models.Sector.create( {
					account_id: owner.accountId,
					site_id: owner.siteId,
					name,
					industry_sector_id: null,
				} )
			).id;

		const csv = [ 'Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)' ];
		for ( let i = 0; i < ROWS; i++ ) {
			csv.push(
				`bench keyword ${ i },${ INTENT_CODES[ i % 4 ] },${ i * 3 },${ i % 101 },${ ( i % 500 ) / 100 }`
			);
		}
		const csvFile = path.join( dataDir, 'bench.csv' );
		fs.writeFileSync( csvFile, csv.join( '\n' ) + '\n' );

		/**
		 * psql's client-side COPY of the same rows into a fresh table shaped
		 * like keywords (a process start included, as an upload's request
		 * is), with or without keywords' foreign key to its sector.
		 */
		const copyRound = async ( round: number, foreignKey = false ) => {
			const name = `${ foreignKey ? 'keyed_' : '' }copy_${ round }`;
			const sectorId = await newSector( name );
			const table = `keywords_${ name }`;
			await context.db.sequelize.query(
				`CREATE TABLE ${ table } (LIKE keywords INCLUDING ALL)`
			);
			if ( foreignKey ) {
				await context.db.sequelize.query(
					`ALTER TABLE ${ table } ADD FOREIGN KEY (sector_id, site_id, account_id)
					 REFERENCES sectors (id, site_id, account_id) ON DELETE CASCADE`
				);
			}
			const tsv: string[] = [];
			for ( let i = 0; i < ROWS; i++ ) {
				const keyword = `bench keyword ${ i }`;
				tsv.push(
					[
						owner.accountId,
						owner.siteId,
						sectorId,
						keyword,
						keyword,
						i * 3,
						i % 101,
						INTENTS[ i % 4 ],
						( i % 500 ) / 100,
						'csv_import',
					].join( '\t' )
				);
			}
			const tsvFile = path.join( dataDir, `bench-${ round }.tsv` );
			fs.writeFileSync( tsvFile, tsv.join( '\n' ) + '\n' );
			const started = process.hrtime.bigint();
			execFileSync( 'psql', [
				cloud.databaseUrl,
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				`\\copy ${ table } (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, cpc, source) FROM '${ tsvFile }'`,
			] );
			const elapsed = seconds( started );
			const [ copied ] = await context.db.sequelize.query< {
				n: number;
			} >( `SELECT COUNT(*)::int AS n FROM ${ table }`, {
				type: QueryTypes.SELECT,
			} );
			if ( copied?.n !== ROWS ) {
				throw new Error(
					`COPY stored ${ copied?.n } rows, not ${ ROWS }`
				);
			}
			await context.db.sequelize.query( `DROP TABLE ${ table }` );
			return elapsed;
		};

		/** From the start of the upload until the import row says succeeded. */
		const importRound = async ( round: number ) => {
			const sectorId = await newSector( `Imported ${ round }` );
			const started = process.hrtime.bigint();
			const form = new FormData();
			form.append( 'sector_id', String( sectorId ) );
			form.append(
				'file',
				new Blob( [ fs.readFileSync( csvFile ) ], {
					type: 'text/csv',
				} ),
				'bench.csv'
			);
			const created = await fetch(
				`${ url }/api/v1/planner/keywords/import/`,
				{ method: 'POST', headers: owner.auth, body: form }
			);
			if ( created.status !== 202 ) {
				throw new Error(
					`import answered ${ created.status }: ${ await created.text() }`
				);
			}
			const { data } = ( await created.json() ) as {
				data: { id: number };
			};
			for (;;) {
				const row = await models.KeywordImport.findByPk( data.id );
				if ( row!.status === 'failed' ) {
					throw new Error( `import failed: ${ row!.error }` );
				}
				if ( row!.status === 'succeeded' ) {
					if ( row!.imported !== ROWS ) {
						throw new Error(
							`import reported ${ row!.imported } rows, not ${ ROWS }`
						);
					}
					break;
				}
				await new Promise( ( resolve ) => setTimeout( resolve, 10 ) );
			}
			const elapsed = seconds( started );
			const stored = await models.Keyword.count( {
				where: { sector_id: sectorId },
			} );
			if ( stored !== ROWS ) {
				throw new Error(
					`import stored ${ stored } rows, not ${ ROWS }`
				);
			}
			await models.Keyword.destroy( { where: { sector_id: sectorId } } );
			await context.db.sequelize.query( 'VACUUM ANALYZE keywords' );
			return elapsed;
		};

		const copies: number[] = [];
		const keyedCopies: number[] = [];
		const imports: number[] = [];
		for ( let round = 0; round < ROUNDS; round++ ) {
			if ( round % 2 === 0 ) {
				copies.push( await copyRound( round ) );
				keyedCopies.push( await copyRound( round, true ) );
				imports.push( await importRound( round ) );
			} else {
				imports.push( await importRound( round ) );
				keyedCopies.push( await copyRound( round, true ) );
				copies.push( await copyRound( round ) );
			}
		}
		report( {
			name: 'cloud.keyword_import_100k.seconds',
			value: Number( median( imports ).toFixed( 3 ) ),
			unit: 's',
			baseline: `raw COPY of the same ${ ROWS } rows into a fresh CREATE TABLE … (LIKE keywords INCLUDING ALL) (psql \\copy); medians of ${ ROUNDS } rounds`,
			baseline_value: Number( median( copies ).toFixed( 3 ) ),
		} );
		report( {
			name: 'cloud.keyword_import_100k_vs_keyed_copy.seconds',
			value: Number( median( imports ).toFixed( 3 ) ),
			unit: 's',
			baseline: `raw COPY of the same ${ ROWS } rows into the same fresh table plus keywords' foreign key to its sector; medians of ${ ROUNDS } rounds`,
			baseline_value: Number( median( keyedCopies ).toFixed( 3 ) ),
		} );

		// One 50 MB line: refused as soon as its first 32 KB are read.
		const line = Buffer.alloc( 50 * 1024 * 1024, 'a' );
		const multipart = ( sectorId: number ) => {
			const form = new FormData();
			form.append( 'sector_id', String( sectorId ) );
			form.append(
				'file',
				new Blob( [ line ], { type: 'text/csv' } ),
				'one-line.csv'
			);
			return form;
		};
		const drain = http.createServer( ( req, res ) => {
			req.resume();
			req.on( 'end', () => res.end( 'drained' ) );
		} );
		const drainUrl = await listen( drain );
		const refusals: number[] = [];
		const transfers: number[] = [];
		try {
			for ( let round = 0; round < ROUNDS; round++ ) {
				const sectorId = await newSector( `Long line ${ round }` );
				let started = process.hrtime.bigint();
				const refused = await fetch(
					`${ url }/api/v1/planner/keywords/import/`,
					{
						method: 'POST',
						headers: owner.auth,
						body: multipart( sectorId ),
					}
				);
				await refused.text();
				refusals.push( seconds( started ) );
				if ( refused.status !== 400 ) {
					throw new Error(
						`a 50 MB line was answered ${ refused.status }, not 400`
					);
				}
				started = process.hrtime.bigint();
				const drained = await fetch( drainUrl, {
					method: 'POST',
					body: multipart( sectorId ),
				} );
				await drained.text();
				transfers.push( seconds( started ) );
			}
		} finally {
			drain.close();
		}
		report( {
			name: 'cloud.keyword_import_50mb_line_refused.seconds',
			value: Number( median( refusals ).toFixed( 3 ) ),
			unit: 's',
			baseline:
				'the same 50 MB multipart upload to a server that only drains it',
			baseline_value: Number( median( transfers ).toFixed( 3 ) ),
		} );
	} finally {
		await cloud.stop();
	}
} );
