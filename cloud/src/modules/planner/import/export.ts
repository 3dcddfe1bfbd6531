import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SectorRow } from '../../../db/models';

/**
 * The sector's keywords and clusters as CSV, streamed: rows are read a page at
 * a time by id (keyset, no long transaction or cursor) and written through
 * csv-stringify with backpressure, so a 100k-keyword sector never sits in
 * memory.
 */

const PAGE = 2_000;

/**
 * Spreadsheet apps run cells that start like a formula; such text gets a
 * leading quote (OWASP: `=`, `+`, `-`, `@`, tab, CR). Text that looks like a
 * negative number is quoted too (`-2+3` is a formula); numeric columns are
 * numbers, not text, and pass through as they are.
 */
export function neutralizeFormula( value: unknown ): unknown {
	return typeof value === 'string' && /^[=+\-@\t\r]/.test( value )
		? `'${ value }`
		: value;
}

async function* pages< T extends { id: number } >(
	fetch: ( afterId: number ) => Promise< T[] >
): AsyncGenerator< T > {
	let afterId = 0;
	for (;;) {
		const rows = await fetch( afterId );
		for ( const row of rows ) {
			yield row;
		}
		if ( rows.length < PAGE ) {
			return;
		}
		afterId = rows[ rows.length - 1 ]!.id;
	}
}

export function attachmentName( kind: string, sector: SectorRow ): string {
	return `${ kind }-sector-${ sector.id }-${ new Date().toISOString().slice( 0, 10 ) }.csv`;
}

async function sendCsv(
	res: Response,
	filename: string,
	columns: string[],
	rows: AsyncIterable< unknown[] >
): Promise< void > {
	res.status( 200 );
	res.setHeader( 'Content-Type', 'text/csv; charset=utf-8' );
	res.setHeader(
		'Content-Disposition',
		`attachment; filename="${ filename }"`
	);
	res.setHeader( 'Cache-Control', 'no-store' );
	const safe = async function* () {
		for await ( const row of rows ) {
			yield row.map( neutralizeFormula );
		}
	};
	await pipeline(
		Readable.from( safe() ),
		stringify( { header: true, columns } ),
		res
	);
}

export async function exportKeywords(
	sequelize: Sequelize,
	res: Response,
	sector: SectorRow,
	filters: { status?: string; intent?: string }
): Promise< void > {
	type Row = {
		id: number;
		keyword: string;
		search_volume: number;
		difficulty: number | null;
		intent: string | null;
		cpc: string | null;
		status: string;
		source: string;
		cluster: string | null;
		created_at: Date;
	};
	const rows = pages< Row >( ( afterId ) =>
		sequelize.query< Row >(
			`SELECT k.id, k.keyword, k.search_volume, k.difficulty, k.intent, k.cpc, k.status, k.source, c.name AS cluster, k.created_at
			 FROM keywords k
			 LEFT JOIN cluster_keywords ck ON ck.keyword_id = k.id
			 LEFT JOIN clusters c ON c.id = ck.cluster_id
			 WHERE k.sector_id = :sectorId AND k.account_id = :accountId AND k.id > :afterId
			   AND (CAST(:status AS text) IS NULL OR k.status = :status)
			   AND (CAST(:intent AS text) IS NULL OR k.intent = :intent)
			 ORDER BY k.id LIMIT :limit`,
			{
				replacements: {
					sectorId: sector.id,
					accountId: sector.account_id,
					afterId,
					status: filters.status ?? null,
					intent: filters.intent ?? null,
					limit: PAGE,
				},
				type: QueryTypes.SELECT,
			}
		)
	);
	const columns = [
		'keyword',
		'search_volume',
		'difficulty',
		'intent',
		'cpc',
		'status',
		'source',
		'cluster',
		'created_at',
	];
	await sendCsv(
		res,
		attachmentName( 'keywords', sector ),
		columns,
		( async function* () {
			for await ( const r of rows ) {
				yield [
					r.keyword,
					r.search_volume,
					r.difficulty ?? '',
					r.intent ?? '',
					r.cpc ?? '',
					r.status,
					r.source,
					r.cluster ?? '',
					new Date( r.created_at ).toISOString(),
				];
			}
		} )()
	);
}

export async function exportClusters(
	sequelize: Sequelize,
	res: Response,
	sector: SectorRow,
	filters: { status?: string }
): Promise< void > {
	type Row = {
		id: number;
		name: string;
		description: string;
		status: string;
		keyword_count: number;
		total_volume: string;
		keywords: string | null;
	};
	const rows = pages< Row >( ( afterId ) =>
		sequelize.query< Row >(
			`SELECT c.id, c.name, c.description, c.status,
				COUNT(k.id)::int AS keyword_count,
				COALESCE(SUM(k.search_volume), 0)::bigint AS total_volume,
				STRING_AGG(k.keyword, '; ' ORDER BY k.search_volume DESC, k.keyword) AS keywords
			 FROM clusters c
			 LEFT JOIN cluster_keywords ck ON ck.cluster_id = c.id
			 LEFT JOIN keywords k ON k.id = ck.keyword_id
			 WHERE c.sector_id = :sectorId AND c.account_id = :accountId AND c.id > :afterId
			   AND (CAST(:status AS text) IS NULL OR c.status = :status)
			 GROUP BY c.id
			 ORDER BY c.id LIMIT :limit`,
			{
				replacements: {
					sectorId: sector.id,
					accountId: sector.account_id,
					afterId,
					status: filters.status ?? null,
					limit: PAGE,
				},
				type: QueryTypes.SELECT,
			}
		)
	);
	await sendCsv(
		res,
		attachmentName( 'clusters', sector ),
		[
			'cluster',
			'description',
			'status',
			'keyword_count',
			'total_volume',
			'keywords',
		],
		( async function* () {
			for await ( const r of rows ) {
				yield [
					r.name,
					r.description,
					r.status,
					r.keyword_count,
					Number( r.total_volume ),
					r.keywords ?? '',
				];
			}
		} )()
	);
}
