import request from 'supertest';
import { DataTypes, Op, type WhereOptions } from 'sequelize';
import { keywordListQuerySchema } from '@igny8/shared-types';
import { ValidationError } from '../src/http/errors';
import { parseOrdering, searchWhere } from '../src/http/pagination';
import type { Principal } from '../src/modules/auth';
import { listScope } from '../src/modules/content';
import { serializeKeywords } from '../src/modules/planner/serializers';
import { KEYWORD_LIST_OPTIONS } from '../src/modules/planner/keyword-list';
import { addTenant, bearer, type Tenant } from './fixtures';
import { addSecondSite, as, siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';

/**
 * The keywords list answers in one statement (KeywordList). It must answer
 * exactly what the generic Sequelize list answered for every filter,
 * ordering, scope and refusal: that list, rebuilt here from the same parts
 * (listScope, parseOrdering, searchWhere, serializeKeywords), is the oracle.
 */

/** Today's UTC day, YYYY-MM-DD: the day the fixtures' keywords were added. */
const today = () => new Date().toISOString().slice( 0, 10 );

describe.each( [ 'postgres', 'pglite' ] as const )(
	'keywords list in one statement (%s)',
	( db ) => {
		let cloud: TestCloud;
		let tenant: Tenant;
		let second: Tenant;
		let stranger: Tenant;
		let clusterId: number;
		let session: string;

		beforeAll( async () => {
			cloud = await startTestCloud(
				{ db, queue: 'inline' },
				{},
				{ workers: false }
			);
			tenant = await addTenant( cloud, 'List Co' );
			second = await addSecondSite( cloud, tenant );
			stranger = await addTenant( cloud, 'Stranger Co' );
			session = await siteSession( cloud, tenant.apiKey, 'viewer' );
			const texts = [
				'alpha shoes',
				'Bravo shoes',
				'charlie 100% cotton',
				'delta under_score',
				'echo back\\slash',
				'Foxtrot',
				'golf shoes',
				'hotel',
				'india',
				'juliet shoes',
				'kilo',
				'lima "quoted" zürich',
			];
			const intents = [
				'informational',
				'commercial',
				'transactional',
				'navigational',
				undefined,
			] as const;
			for ( const [ target, offset ] of [
				[ tenant, 0 ],
				[ second, 5 ],
			] as const ) {
				const created = await request( cloud.app )
					.post( '/api/v1/planner/keywords/bulk_create/' )
					.set( bearer( tenant.owner ) )
					.send( {
						sector_id: target.sectorId,
						keywords: texts.map( ( keyword, i ) => ( {
							keyword,
							// Repeats, so the id tiebreaker decides some of the order.
							search_volume: ( ( i + offset ) % 5 ) * 100,
							difficulty:
								i % 3 === 0 ? undefined : ( i * 13 ) % 101,
							intent: intents[ i % intents.length ],
							status: i % 4 === 0 ? 'inactive' : 'active',
							cpc: i % 2 ? Math.round( i * 37 ) / 100 : undefined,
							// What the database renders must read back the same as what JavaScript wrote.
							extra:
								i % 3 === 1
									? {
											row: i,
											price: 1.5,
											tags: [ 'a', 'ü' ],
											nested: { empty: null, yes: true },
										}
									: undefined,
						} ) ),
					} );
				expect( [ created.status, created.body.errors ] ).toEqual( [
					201,
					undefined,
				] );
				if ( target === tenant ) {
					const ids = (
						created.body.data.created as Array< { id: number } >
					 ).map( ( k ) => k.id );
					const cluster = await request( cloud.app )
						.post( '/api/v1/planner/clusters/' )
						.set( bearer( tenant.owner ) )
						.send( {
							sector_id: tenant.sectorId,
							name: 'Shoes',
							keyword_ids: ids.slice( 0, 4 ),
						} )
						.expect( 201 );
					clusterId = cluster.body.data.id;
				}
			}
			await request( cloud.app )
				.post( '/api/v1/planner/keywords/' )
				.set( bearer( stranger.owner ) )
				.send( { sector_id: stranger.sectorId, keyword: 'not yours' } )
				.expect( 201 );
		}, 120_000 ); // A PGlite boot on a loaded 2-core CI machine can take over 30 s.
		afterAll( async () => {
			await cloud?.stop();
		} );

		/** What the generic list (scopedResourceRoutes + paginateWith) answered. */
		async function generic(
			principal: Principal,
			raw: Record< string, unknown >
		): Promise<
			| { status: 200; count: number; results: unknown[] }
			| { status: 400; errors: unknown }
		> {
			const { models } = cloud.context;
			const query = keywordListQuerySchema.parse( raw );
			try {
				const scope = await listScope( models, principal, query );
				const range = ( field: string, min?: number, max?: number ) =>
					min === undefined && max === undefined
						? []
						: [
								{
									[ field ]: {
										...( min !== undefined
											? { [ Op.gte ]: min }
											: {} ),
										...( max !== undefined
											? { [ Op.lte ]: max }
											: {} ),
									},
								},
							];
				const terms: WhereOptions[] = [
					scope,
					...( query.status ? [ { status: query.status } ] : [] ),
					...( query.intent ? [ { intent: query.intent } ] : [] ),
					...( query.source ? [ { source: query.source } ] : [] ),
					...range(
						'search_volume',
						query.volume_min,
						query.volume_max
					),
					...range(
						'difficulty',
						query.difficulty_min,
						query.difficulty_max
					),
					...( query.created_after
						? [
								{
									created_at: {
										[ Op.gte ]: new Date(
											`${ query.created_after }T00:00:00Z`
										),
									},
								},
							]
						: [] ),
					...( query.created_before
						? [
								{
									created_at: {
										[ Op.lt ]: new Date(
											Date.parse(
												`${ query.created_before }T00:00:00Z`
											) + 86_400_000
										),
									},
								},
							]
						: [] ),
					...( query.cluster_id === undefined
						? []
						: [
								{
									id: {
										[ query.cluster_id === 'none'
											? Op.notIn
											: Op.in ]:
											cloud.context.db.sequelize.literal(
												query.cluster_id === 'none'
													? '(SELECT keyword_id FROM cluster_keywords)'
													: `(SELECT keyword_id FROM cluster_keywords WHERE cluster_id = ${ Number( query.cluster_id ) })`
											),
									},
								},
							] ),
				];
				const search = searchWhere(
					query.search,
					KEYWORD_LIST_OPTIONS.searchFields
				);
				const { rows, count } = await models.Keyword.findAndCountAll( {
					where: {
						[ Op.and ]: search ? [ ...terms, search ] : terms,
					},
					order: parseOrdering(
						query.ordering,
						KEYWORD_LIST_OPTIONS,
						( field ) => {
							const type =
								models.Keyword.getAttributes()[
									field as keyof ( typeof models.Keyword )[ '_attributes' ]
								]?.type;
							return (
								type instanceof DataTypes.STRING ||
								type instanceof DataTypes.TEXT
							);
						}
					),
					limit: query.page_size,
					offset: ( query.page - 1 ) * query.page_size,
				} );
				return {
					status: 200,
					count,
					results: await serializeKeywords( models, rows ),
				};
			} catch ( error ) {
				if ( error instanceof ValidationError ) {
					return { status: 400, errors: error.errors };
				}
				throw error;
			}
		}

		const queries = (): Array< Record< string, unknown > > => [
			{},
			{ sector_id: tenant.sectorId },
			{ site_id: tenant.siteId },
			{ site_id: second.siteId },
			{ site_id: tenant.siteId, sector_id: tenant.sectorId },
			{ sector_id: tenant.sectorId, intent: 'commercial' },
			{
				sector_id: second.sectorId,
				status: 'inactive',
				source: 'api_import',
			},
			{ ordering: 'keyword' },
			{ ordering: '-keyword' },
			{ ordering: 'intent,-cpc' },
			{ ordering: 'difficulty,-id' },
			{ ordering: '-created_at' },
			{ search: 'SHOES' },
			{ search: '%' },
			{ search: '_' },
			{ search: '\\' },
			{ cluster_id: 'none' },
			{ cluster_id: 'none', search: 'shoes' },
			{ cluster_id: clusterId, ordering: 'keyword' },
			{ volume_min: 100, volume_max: 300 },
			{ difficulty_min: 10, difficulty_max: 60, ordering: 'difficulty' },
			{ created_after: today() },
			{ created_before: today(), ordering: 'keyword' },
			{ created_after: today(), created_before: today() },
			{ created_before: '2000-01-01' },
			{ created_after: '2999-12-31' },
			{ page: 2, page_size: 5 },
			{ page: 99, page_size: 5 },
			{ sector_id: 999999 },
			{ site_id: 999999 },
			{ site_id: tenant.siteId, sector_id: second.sectorId },
			{ sector_id: stranger.sectorId },
			{ site_id: stranger.siteId },
		];

		it.each( [ 'account owner', 'site session' ] )(
			'answers what the generic list answered, as the %s',
			async ( who ) => {
				const token =
					who === 'account owner' ? tenant.owner.token : session;
				const principal =
					await cloud.context.services.auth.principalFromAccessToken(
						token
					);
				for ( const raw of queries() ) {
					const response = await request( cloud.app )
						.get( '/api/v1/planner/keywords/' )
						.query( raw )
						.set( as( token ) );
					const expected = await generic( principal, raw );
					const answered =
						response.status === 200
							? {
									status: 200,
									count: response.body.count,
									results: response.body.results,
								}
							: {
									status: response.status,
									errors: response.body.errors,
								};
					expect( { query: raw, ...answered } ).toEqual( {
						query: raw,
						...expected,
					} );
				}
			}
		);

		it( 'filters by the day keywords were added, whole UTC days', async () => {
			const list = ( query: Record< string, string | number > ) =>
				request( cloud.app )
					.get( '/api/v1/planner/keywords/' )
					.query( { sector_id: tenant.sectorId, ...query } )
					.set( bearer( tenant.owner ) )
					.expect( 200 );
			const all = await list( {} );
			expect( all.body.count ).toBeGreaterThan( 0 );
			const on = await list( {
				created_after: today(),
				created_before: today(),
			} );
			expect( on.body.count ).toBe( all.body.count );
			const before = await list( { created_before: '2000-01-01' } );
			expect( before.body.count ).toBe( 0 );
		} );

		it.each( [
			[ 'created_after', 'yesterday' ],
			[ 'created_after', '2026-02-30' ],
			[ 'created_before', '2026-1-5' ],
			[ 'volume_min', '-3' ],
			[ 'difficulty_max', '101' ],
			[ 'status', 'in_progress' ],
			[ 'cluster_id', 'some' ],
		] )(
			'refuses a bad %s (%s) with 400 in the error envelope',
			async ( field, value ) => {
				const response = await request( cloud.app )
					.get( '/api/v1/planner/keywords/' )
					.query( { sector_id: tenant.sectorId, [ field ]: value } )
					.set( bearer( tenant.owner ) )
					.expect( 400 );
				expect( response.body ).toMatchObject( {
					success: false,
					errors: { [ field ]: expect.any( Array ) },
				} );
				expect( typeof response.body.request_id ).toBe( 'string' );
			}
		);

		it( 'keeps the seed envelope and its page links', async () => {
			const response = await request( cloud.app )
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&page_size=5&page=2`
				)
				.set( bearer( tenant.owner ) )
				.expect( 200 );
			expect( Object.keys( response.body ).sort() ).toEqual( [
				'count',
				'next',
				'previous',
				'request_id',
				'results',
				'success',
			] );
			expect( response.headers[ 'content-type' ] ).toBe(
				'application/json; charset=utf-8'
			);
			expect( response.body.count ).toBe( 12 );
			expect( response.body.next ).toMatch( /[?&]page=3(&|$)/ );
			expect( response.body.previous ).toMatch( /[?&]page=1(&|$)/ );
			expect(
				response.body.results.every(
					( k: { cluster_id: number | null } ) =>
						k.cluster_id === null || k.cluster_id === clusterId
				)
			).toBe( true );
		} );

		it( 'reads the page, its count and its clusters in one query', async () => {
			const { sequelize } = cloud.context.db;
			const list = `/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&page_size=100`;
			// Warm: the caller is then served from the principal cache.
			await request( cloud.app )
				.get( list )
				.set( bearer( tenant.owner ) );
			let queries = 0;
			const count = () => {
				queries += 1;
			};
			sequelize.addHook( 'beforeQuery', 'count', count );
			try {
				await request( cloud.app )
					.get( list )
					.set( bearer( tenant.owner ) )
					.expect( 200 );
			} finally {
				sequelize.removeHook( 'beforeQuery', 'count' );
			}
			expect( queries ).toBe( 1 );
		} );
	}
);
