import request from 'supertest';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

describe( 'the planner', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let secondSectorId: number;
	let otherSiteSectorId: number;
	let otherSiteId: number;

	const api = () => request( cloud.app );
	const auth = () => bearer( tenant.owner );
	const keywordsOf = ( body: { results: Array< { keyword: string } > } ) =>
		body.results.map( ( k ) => k.keyword );

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ DATABASE_POOL_MAX: '4' }
		);
		tenant = await addTenant( cloud, 'Planner Co' );
		secondSectorId = (
			await api()
				.post( '/api/v1/auth/sectors/' )
				.set( auth() )
				.send( { site_id: tenant.siteId, name: 'Second' } )
				.expect( 201 )
		).body.data.id;
		otherSiteId = (
			await api()
				.post( '/api/v1/auth/sites/' )
				.set( auth() )
				.send( { name: 'Other site' } )
				.expect( 201 )
		).body.data.id;
		otherSiteSectorId = (
			await api()
				.post( '/api/v1/auth/sectors/' )
				.set( auth() )
				.send( { site_id: otherSiteId, name: 'Elsewhere' } )
				.expect( 201 )
		).body.data.id;
		await api()
			.post( '/api/v1/planner/keywords/bulk_create/' )
			.set( auth() )
			.send( {
				sector_id: tenant.sectorId,
				keywords: [
					{
						keyword: 'best running shoes',
						search_volume: 9900,
						difficulty: 67,
						intent: 'commercial',
						cpc: 1.25,
					},
					{
						keyword: 'running shoes for flat feet',
						search_volume: 2400,
						difficulty: 41,
						intent: 'commercial',
					},
					{
						keyword: 'how to clean running shoes',
						search_volume: 1300,
						difficulty: 22,
						intent: 'informational',
					},
					{
						keyword: 'buy trail shoes online',
						search_volume: 880,
						difficulty: 55,
						intent: 'transactional',
					},
					{
						keyword: 'nike pegasus review',
						search_volume: 5400,
						difficulty: 48,
						intent: 'commercial',
					},
					{
						keyword: 'marathon training plan',
						search_volume: 12100,
						difficulty: 72,
						intent: 'informational',
					},
				],
			} )
			.expect( 201 );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	describe( 'keywords', () => {
		it( 'normalizes keywords and refuses a duplicate in the sector', async () => {
			const created = await api()
				.post( '/api/v1/planner/keywords/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					keyword: '  Trail   Running  Tips ',
				} )
				.expect( 201 );
			expect( created.body.data ).toMatchObject( {
				keyword: 'Trail Running Tips',
				source: 'manual',
				status: 'active',
				search_volume: 0,
				cluster_id: null,
			} );
			const dup = await api()
				.post( '/api/v1/planner/keywords/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					keyword: 'trail running TIPS',
				} )
				.expect( 400 );
			expect( dup.body.errors.keyword[ 0 ] ).toMatch(
				/already in this sector/
			);
			// The same text in another sector is a different keyword.
			await api()
				.post( '/api/v1/planner/keywords/' )
				.set( auth() )
				.send( {
					sector_id: secondSectorId,
					keyword: 'trail running tips',
				} )
				.expect( 201 );
		} );

		it( 'refuses text that is no keyword (emoji or punctuation only, a web address), naming the field, and adds nothing', async () => {
			const add = ( keyword: string ) =>
				api()
					.post( '/api/v1/planner/keywords/' )
					.set( auth() )
					.send( { sector_id: secondSectorId, keyword } );
			const emoji = await add( '🔥🔥🔥' ).expect( 400 );
			expect( emoji.body ).toMatchObject( {
				success: false,
				errors: {
					keyword: [
						'"🔥🔥🔥" has no letters or digits (emoji or punctuation only)',
					],
				},
			} );
			const link = await add( 'https://shop.example/shoes' ).expect(
				400
			);
			expect( link.body.errors.keyword[ 0 ] ).toBe(
				'"https://shop.example/shoes" is a web address ("https://shop.example/shoes"), not a search phrase'
			);
			// A bare domain is what people type to reach a site: a keyword.
			await add( 'nike.com' ).expect( 201 );

			const bulk = await api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( auth() )
				.send( {
					sector_id: secondSectorId,
					keywords: [
						{ keyword: 'fine keyword' },
						{ keyword: 'www.example.com' },
						{ keyword: '!!! ???' },
					],
				} )
				.expect( 400 );
			expect( Object.keys( bulk.body.errors ) ).toEqual( [
				'keywords.1.keyword',
				'keywords.2.keyword',
			] );
			const renamed = await add( 'keyword to rename' ).expect( 201 );
			const patched = await api()
				.patch( `/api/v1/planner/keywords/${ renamed.body.data.id }/` )
				.set( auth() )
				.send( { keyword: '???' } )
				.expect( 400 );
			expect( patched.body.errors.keyword[ 0 ] ).toMatch(
				/has no letters or digits/
			);
			const list = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ secondSectorId }&page_size=100`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( list.body ) ).not.toEqual(
				expect.arrayContaining( [ 'fine keyword' ] )
			);
			expect( keywordsOf( list.body ) ).toEqual(
				expect.arrayContaining( [ 'nike.com', 'keyword to rename' ] )
			);
		} );

		it( 'filters by intent, volume and difficulty ranges, and orders by volume', async () => {
			const response = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&intent=commercial&volume_min=1000&difficulty_max=60&ordering=-search_volume`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( response.body ) ).toEqual( [
				'nike pegasus review',
				'running shoes for flat feet',
			] );
			const informational = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&intent=informational&ordering=keyword`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( informational.body ) ).toEqual( [
				'how to clean running shoes',
				'marathon training plan',
			] );
		} );

		it( 'searches, orders and pages by default on volume', async () => {
			const page1 = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&search=shoes&page_size=2`
				)
				.set( auth() )
				.expect( 200 );
			expect( page1.body.count ).toBe( 4 );
			expect( keywordsOf( page1.body ) ).toEqual( [
				'best running shoes',
				'running shoes for flat feet',
			] );
			const page2 = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&search=shoes&page_size=2&page=2`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( page2.body ) ).toEqual( [
				'how to clean running shoes',
				'buy trail shoes online',
			] );
			expect( page2.body.next ).toBeNull();
		} );

		it( 'reports duplicates of a bulk create by position, and a retried request adds nothing', async () => {
			const body = {
				sector_id: tenant.sectorId,
				keywords: [
					{ keyword: 'Running Socks' },
					{ keyword: 'best running shoes' },
					{ keyword: 'running  socks' },
					{ keyword: 'Ankle Brace' },
				],
			};
			const first = await api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( auth() )
				.send( body )
				.expect( 201 );
			expect(
				first.body.data.created.map(
					( k: { keyword: string } ) => k.keyword
				)
			).toEqual( [ 'Running Socks', 'Ankle Brace' ] );
			expect( first.body.data.duplicates ).toEqual( [
				{ index: 1, keyword: 'best running shoes' },
				{ index: 2, keyword: 'running socks' },
			] );
			expect( first.body.data.created[ 0 ].source ).toBe( 'api_import' );
			const retry = await api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( auth() )
				.send( body )
				.expect( 201 );
			expect( retry.body.data.created ).toEqual( [] );
			expect( retry.body.data.duplicates ).toHaveLength( 4 );
		} );

		it( 'refuses an impossible status change, naming the allowed ones, and changes nothing', async () => {
			const list = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&search=marathon`
				)
				.set( auth() )
				.expect( 200 );
			const id = list.body.results[ 0 ].id;
			await api()
				.patch( `/api/v1/planner/keywords/${ id }/` )
				.set( auth() )
				.send( { status: 'inactive' } )
				.expect( 200 );
			const refused = await api()
				.patch( `/api/v1/planner/keywords/${ id }/` )
				.set( auth() )
				.send( { status: 'used' } )
				.expect( 400 );
			expect( refused.body.errors ).toEqual( {
				status: [
					'cannot change from "inactive" to "used"; allowed: "active"',
				],
			} );
			const after = await api()
				.get( `/api/v1/planner/keywords/${ id }/` )
				.set( auth() )
				.expect( 200 );
			expect( after.body.data.status ).toBe( 'inactive' );
			// Bulk: all or nothing.
			const other = list.body.results[ 0 ].id;
			const bulk = await api()
				.post( '/api/v1/planner/keywords/bulk_update_status/' )
				.set( auth() )
				.send( { ids: [ other ], status: 'used' } )
				.expect( 400 );
			expect( bulk.body.errors.status[ 0 ] ).toMatch(
				/cannot change from "inactive" to "used"/
			);
			await api()
				.patch( `/api/v1/planner/keywords/${ id }/` )
				.set( auth() )
				.send( { status: 'active' } )
				.expect( 200 );
		} );

		it( 'deletes in bulk, reporting ids it does not know', async () => {
			const created = await api()
				.post( '/api/v1/planner/keywords/bulk_create/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					keywords: [
						{ keyword: 'to delete one' },
						{ keyword: 'to delete two' },
					],
				} )
				.expect( 201 );
			const ids = created.body.data.created.map(
				( k: { id: number } ) => k.id
			);
			const result = await api()
				.post( '/api/v1/planner/keywords/bulk_delete/' )
				.set( auth() )
				.send( { ids: [ ...ids, 987654 ] } )
				.expect( 200 );
			expect( result.body.data ).toEqual( {
				affected: 2,
				not_found: [ 987654 ],
			} );
		} );

		it( 'answers 400 for a sector that is not on the named site', async () => {
			const response = await api()
				.get(
					`/api/v1/planner/keywords/?site_id=${ tenant.siteId }&sector_id=${ otherSiteSectorId }`
				)
				.set( auth() )
				.expect( 400 );
			expect( response.body.errors ).toEqual( {
				sector_id: [
					`sector ${ otherSiteSectorId } does not belong to site ${ tenant.siteId }`,
				],
			} );
		} );
	} );

	describe( 'clusters', () => {
		it( 'counts keywords and their volume, moves keywords between clusters, and filters keywords by cluster', async () => {
			const all = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&search=shoes`
				)
				.set( auth() )
				.expect( 200 );
			const byText = Object.fromEntries(
				all.body.results.map(
					( k: { keyword: string; id: number } ) => [
						k.keyword,
						k.id,
					]
				)
			);
			const shoes = await api()
				.post( '/api/v1/planner/clusters/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					name: 'Running shoes',
					keyword_ids: [
						byText[ 'best running shoes' ],
						byText[ 'running shoes for flat feet' ],
					],
				} )
				.expect( 201 );
			expect( shoes.body.data ).toMatchObject( {
				keyword_count: 2,
				total_volume: 12300,
				status: 'active',
			} );

			const care = await api()
				.post( '/api/v1/planner/clusters/' )
				.set( auth() )
				.send( { sector_id: tenant.sectorId, name: 'Shoe care' } )
				.expect( 201 );
			await api()
				.post( '/api/v1/planner/keywords/bulk_assign_cluster/' )
				.set( auth() )
				.send( {
					ids: [
						byText[ 'how to clean running shoes' ],
						byText[ 'best running shoes' ],
					],
					cluster_id: care.body.data.id,
				} )
				.expect( 200 );

			const clusters = await api()
				.get(
					`/api/v1/planner/clusters/?sector_id=${ tenant.sectorId }&ordering=name`
				)
				.set( auth() )
				.expect( 200 );
			expect(
				clusters.body.results.map(
					( c: {
						name: string;
						keyword_count: number;
						total_volume: number;
					} ) => [ c.name, c.keyword_count, c.total_volume ]
				)
			).toEqual( [
				[ 'Running shoes', 1, 2400 ],
				[ 'Shoe care', 2, 11200 ],
			] );
			const inCare = await api()
				.get(
					`/api/v1/planner/keywords/?cluster_id=${ care.body.data.id }&ordering=keyword`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( inCare.body ) ).toEqual( [
				'best running shoes',
				'how to clean running shoes',
			] );
			expect(
				inCare.body.results.every(
					( k: { cluster_id: number } ) =>
						k.cluster_id === care.body.data.id
				)
			).toBe( true );
			const loose = await api()
				.get(
					`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&cluster_id=none&search=shoes`
				)
				.set( auth() )
				.expect( 200 );
			expect( keywordsOf( loose.body ) ).toEqual( [
				'buy trail shoes online',
			] );
		} );

		it( 'refuses a cluster of another sector as a destination', async () => {
			const elsewhere = await api()
				.post( '/api/v1/planner/clusters/' )
				.set( auth() )
				.send( {
					sector_id: secondSectorId,
					name: 'Second sector cluster',
				} )
				.expect( 201 );
			const keyword = (
				await api()
					.get(
						`/api/v1/planner/keywords/?sector_id=${ tenant.sectorId }&search=marathon`
					)
					.set( auth() )
			).body.results[ 0 ];
			const response = await api()
				.post( '/api/v1/planner/keywords/bulk_assign_cluster/' )
				.set( auth() )
				.send( {
					ids: [ keyword.id ],
					cluster_id: elsewhere.body.data.id,
				} )
				.expect( 400 );
			expect( response.body.errors.ids[ 0 ] ).toMatch(
				/not in the cluster's sector/
			);
		} );
	} );

	describe( 'ideas', () => {
		it( 'walks an idea through its statuses and refuses impossible ones', async () => {
			const idea = await api()
				.post( '/api/v1/planner/ideas/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					title: 'The 10 best running shoes of 2026',
					suggested_keywords: [ 'best running shoes' ],
					target_word_count: 1800,
				} )
				.expect( 201 );
			expect( idea.body.data ).toMatchObject( {
				status: 'draft',
				content_type: 'post',
				task_id: null,
			} );
			const skip = await api()
				.patch( `/api/v1/planner/ideas/${ idea.body.data.id }/` )
				.set( auth() )
				.send( { status: 'completed' } )
				.expect( 400 );
			expect( skip.body.errors ).toEqual( {
				status: [
					'cannot change from "draft" to "completed"; allowed: "approved"',
				],
			} );
			await api()
				.patch( `/api/v1/planner/ideas/${ idea.body.data.id }/` )
				.set( auth() )
				.send( { status: 'approved' } )
				.expect( 200 );
		} );

		it( 'turns approved ideas into one task each, however often and however concurrently it is asked', async () => {
			const idea = await api()
				.post( '/api/v1/planner/ideas/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					title: 'Flat feet guide',
					description: 'Who needs stability shoes',
					suggested_keywords: [ 'running shoes for flat feet' ],
					status: 'approved',
				} )
				.expect( 201 );
			const answers = await Promise.all(
				[ 1, 2, 3 ].map( () =>
					api()
						.post(
							`/api/v1/planner/ideas/${ idea.body.data.id }/to_task/`
						)
						.set( auth() )
				)
			);
			expect( answers.map( ( a ) => a.status ) ).toEqual( [
				200, 200, 200,
			] );
			const taskIds = new Set(
				answers.map( ( a ) => a.body.data.tasks[ 0 ].id )
			);
			expect( taskIds.size ).toBe( 1 );
			const tasks = await cloud.context.models.Task.findAll( {
				where: { content_idea_id: idea.body.data.id },
			} );
			expect(
				tasks.map( ( t ) => ( {
					title: t.title,
					brief: t.brief,
					target_keywords: t.target_keywords,
					status: t.status,
				} ) )
			).toEqual( [
				{
					title: 'Flat feet guide',
					brief: 'Who needs stability shoes',
					target_keywords: [ 'running shoes for flat feet' ],
					status: 'pending',
				},
			] );
			const after = await api()
				.get( `/api/v1/planner/ideas/${ idea.body.data.id }/` )
				.set( auth() )
				.expect( 200 );
			expect( after.body.data ).toMatchObject( {
				status: 'in_progress',
				task_id: [ ...taskIds ][ 0 ],
			} );
		} );

		it( 'converts in bulk and reports unknown ids', async () => {
			// One after the other, so the ids (and the answer's order) are known.
			const ideas = [];
			for ( const t of [ 'A', 'B' ] ) {
				ideas.push(
					await api()
						.post( '/api/v1/planner/ideas/' )
						.set( auth() )
						.send( {
							sector_id: tenant.sectorId,
							title: `Bulk idea ${ t }`,
							status: 'approved',
						} )
				);
			}
			const response = await api()
				.post( '/api/v1/planner/ideas/bulk_to_tasks/' )
				.set( auth() )
				.send( {
					ids: [ ...ideas.map( ( i ) => i.body.data.id ), 424242 ],
				} )
				.expect( 200 );
			expect(
				response.body.data.tasks.map(
					( t: { title: string } ) => t.title
				)
			).toEqual( [ 'Bulk idea A', 'Bulk idea B' ] );
			expect( response.body.data.not_found ).toEqual( [ 424242 ] );
		} );

		it( 'refuses a cluster from another sector', async () => {
			const foreign = await api()
				.post( '/api/v1/planner/clusters/' )
				.set( auth() )
				.send( { sector_id: secondSectorId, name: 'Foreign' } )
				.expect( 201 );
			const response = await api()
				.post( '/api/v1/planner/ideas/' )
				.set( auth() )
				.send( {
					sector_id: tenant.sectorId,
					title: 'Mismatch',
					cluster_id: foreign.body.data.id,
				} )
				.expect( 400 );
			expect( response.body.errors.cluster_id[ 0 ] ).toMatch(
				/does not exist in this sector/
			);
		} );
	} );
} );
