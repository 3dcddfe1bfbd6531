import type { BenchCloud } from './support';

/**
 * A sector of `count` keywords loaded in one statement (a quarter of each
 * intent, volumes spread over 0–99,999), vacuumed: the steady state
 * autovacuum keeps a table in after a bulk load (visibility map set).
 */
export async function benchSector(
	cloud: BenchCloud,
	owner: { accountId: number; siteId: number },
	name: string,
	count: number
): Promise< number > {
	const { context } = cloud;
	const sector = await context.models.Sector.create( {
		account_id: owner.accountId,
		site_id: owner.siteId,
		name,
		industry_sector_id: null,
	} );
	await context.db.sequelize.query(
		`INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, source)
		 SELECT :account, :site, :sector, 'bench keyword ' || i, 'bench keyword ' || i, (i * 7919) % 100000, i % 101,
			(ARRAY['informational', 'commercial', 'transactional', 'navigational'])[1 + i % 4], 'csv_import'
		 FROM generate_series(1, :n) AS i`,
		{
			replacements: {
				account: owner.accountId,
				site: owner.siteId,
				sector: sector.id,
				n: count,
			},
		}
	);
	await context.db.sequelize.query( 'VACUUM ANALYZE keywords' );
	return sector.id;
}

/** Fetches a list once and checks it answered what the benchmark means to measure. */
export async function probeList(
	url: string,
	headers: Record< string, string >,
	expected: { count: number; results: number }
): Promise< string > {
	const probe = await fetch( url, { headers } );
	const text = await probe.text();
	const body = JSON.parse( text ) as {
		count?: number;
		results?: unknown[];
	};
	if (
		probe.status !== 200 ||
		body.count !== expected.count ||
		body.results?.length !== expected.results
	) {
		throw new Error(
			`unexpected list answer: ${ probe.status } count=${ body.count } results=${ body.results?.length }`
		);
	}
	return text;
}
