import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchOwner, report, runBench, startBenchCloud } from './support';

/**
 * A 100,000-row keyword CSV end to end — multipart upload over HTTP, stored,
 * queued on bee-queue, parsed, validated, de-duplicated and committed —
 * against a raw `COPY` of the same rows into the same `keywords` table (a
 * fresh sector) through psql, in the same run. The import's figure is from
 * the start of the upload until the import row says succeeded.
 */
const ROWS = Number( process.env.BENCH_IMPORT_ROWS ?? 100_000 );

runBench( async () => {
	const cloud = await startBenchCloud( { workers: true } );
	try {
		const { context, url, dataDir } = cloud;
		const { models } = context;
		const owner = await benchOwner( cloud, 'Bench Import' );
		const account = { id: owner.accountId };
		const siteId = owner.siteId;
		const sector = await models.Sector.create( {
			account_id: account.id,
			site_id: siteId,
			name: 'Imported',
			industry_sector_id: null,
		} );
		const copySector = await models.Sector.create( {
			account_id: account.id,
			site_id: siteId,
			name: 'Copied',
			industry_sector_id: null,
		} );

		const intents = [ 'I', 'C', 'T', 'N' ];
		const fullIntent = [
			'informational',
			'commercial',
			'transactional',
			'navigational',
		];
		const csv = [ 'Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)' ];
		const tsv: string[] = [];
		for ( let i = 0; i < ROWS; i++ ) {
			const keyword = `bench keyword ${ i }`;
			csv.push(
				`${ keyword },${ intents[ i % 4 ] },${ i * 3 },${ i % 101 },${ ( i % 500 ) / 100 }`
			);
			tsv.push(
				[
					account.id,
					siteId,
					copySector.id,
					keyword,
					keyword,
					i * 3,
					i % 101,
					fullIntent[ i % 4 ],
					( i % 500 ) / 100,
					'csv_import',
				].join( '\t' )
			);
		}
		const csvFile = path.join( dataDir, 'bench.csv' );
		const tsvFile = path.join( dataDir, 'bench.tsv' );
		fs.writeFileSync( csvFile, csv.join( '\n' ) + '\n' );
		fs.writeFileSync( tsvFile, tsv.join( '\n' ) + '\n' );

		const auth = owner.auth;

		// The baseline: psql's client-side COPY of the same rows (a process start included, as an upload's request is).
		const copyStarted = process.hrtime.bigint();
		execFileSync( 'psql', [
			cloud.databaseUrl,
			'-v',
			'ON_ERROR_STOP=1',
			'-c',
			`\\copy keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, cpc, source) FROM '${ tsvFile }'`,
		] );
		const copySeconds =
			Number( process.hrtime.bigint() - copyStarted ) / 1e9;

		const started = process.hrtime.bigint();
		const form = new FormData();
		form.append( 'sector_id', String( sector.id ) );
		form.append(
			'file',
			new Blob( [ fs.readFileSync( csvFile ) ], { type: 'text/csv' } ),
			'bench.csv'
		);
		const created = await fetch(
			`${ url }/api/v1/planner/keywords/import/`,
			{ method: 'POST', headers: auth, body: form }
		);
		if ( created.status !== 202 ) {
			throw new Error(
				`import answered ${ created.status }: ${ await created.text() }`
			);
		}
		const { data } = ( await created.json() ) as { data: { id: number } };
		let status = '';
		let imported = 0;
		while ( status !== 'succeeded' ) {
			const row = await models.KeywordImport.findByPk( data.id );
			status = row!.status;
			imported = row!.imported;
			if ( status === 'failed' ) {
				throw new Error( `import failed: ${ row!.error }` );
			}
			await new Promise( ( resolve ) => setTimeout( resolve, 10 ) );
		}
		const importSeconds = Number( process.hrtime.bigint() - started ) / 1e9;
		const [ counted ] = await context.db.sequelize.query< {
			imported: number;
			copied: number;
		} >(
			`SELECT COUNT(*) FILTER (WHERE sector_id = :a)::int AS imported, COUNT(*) FILTER (WHERE sector_id = :b)::int AS copied FROM keywords`,
			{
				replacements: { a: sector.id, b: copySector.id },
				type: 'SELECT' as never,
			}
		);
		if (
			counted?.imported !== ROWS ||
			counted?.copied !== ROWS ||
			imported !== ROWS
		) {
			throw new Error(
				`row counts differ: ${ JSON.stringify( { ...counted, reported: imported } ) }`
			);
		}
		report( {
			name: 'cloud.keyword_import_100k.seconds',
			value: Number( importSeconds.toFixed( 3 ) ),
			unit: 's',
			baseline: `raw COPY of the same ${ ROWS } rows into keywords (psql \\copy, fresh sector)`,
			baseline_value: Number( copySeconds.toFixed( 3 ) ),
		} );
	} finally {
		await cloud.stop();
	}
} );
