import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { apiRoutes } from '../src/app';
import type { AnyRoute } from '../src/http/route';
import {
	addContent,
	addTenant,
	bearer,
	type ContentFixtures,
	type Tenant,
} from './fixtures';
import { OptimizerStore } from '../src/modules/optimizer';
import { SiteBuilderStore } from '../src/modules/site-builder';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent, type WriterFixtures } from './writer-fixtures';

/**
 * Tenant isolation over every declared route that takes an id: account A's
 * owner (the most powerful role) aims each one at account B's objects and
 * must get 404 — indistinguishable from an id that does not exist.
 */
describe( 'tenant isolation', () => {
	let cloud: TestCloud;
	let a: Tenant;
	let b: Tenant;
	let idRoutes: AnyRoute[];
	let bWriter: WriterFixtures;
	let bRunId: number;
	let bContent: ContentFixtures;
	let bIntegrationId: number;
	let bRecordId: number;
	let bProfileId: number;
	let bStrategyId: number;
	let bRebuildId: number;
	let bRevisionId: number;
	let bBlueprintId: number;
	let bPageId: number;
	let bRuleId: number;
	let bAutomationRunId: number;
	let bInviteId: number;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		a = await addTenant( cloud, 'Alpha' );
		b = await addTenant( cloud, 'Bravo' );
		bWriter = await addWriterContent( cloud, b );
		bRunId = (
			await cloud.context.models.AiTaskRun.create( {
				account_id: b.accountId,
				site_id: b.siteId,
				sector_id: b.sectorId,
				function_name: 'generate_ideas',
				input: {},
				output_summary: null,
				error: null,
				created_by: null,
				started_at: null,
				finished_at: null,
			} )
		).id;
		bContent = await addContent( cloud, b );
		bInviteId = (
			await request( cloud.app )
				.post( '/api/v1/auth/invites/' )
				.set( bearer( b.owner ) )
				.send( { email: 'bravo-invite@example.test', role: 'viewer' } )
				.expect( 201 )
		).body.data.id;
		// B's site has a monthly cap: a hijacked PUT would show in the snapshot.
		await request( cloud.app )
			.put( `/api/v1/billing/site-caps/${ b.siteId }/` )
			.set( bearer( b.owner ) )
			.send( { monthly_cap: 500 } )
			.expect( 200 );
		bIntegrationId = (
			await cloud.context.models.SiteIntegration.create( {
				account_id: b.accountId,
				site_id: b.siteId,
				platform: 'wordpress',
			} )
		).id;
		bRecordId = (
			await cloud.context.models.PublishingRecord.create( {
				account_id: b.accountId,
				site_id: b.siteId,
				sector_id: b.sectorId,
				content_id: bWriter.contentId,
				task_id: null,
			} )
		).id;
		bProfileId = (
			await cloud.context.models.AuthorProfile.create( {
				account_id: b.accountId,
				name: 'Bravo voice',
			} )
		).id;
		bStrategyId = (
			await cloud.context.models.ContentStrategy.create( {
				account_id: b.accountId,
				sector_id: b.sectorId,
				name: 'Bravo strategy',
			} )
		).id;
		bRebuildId = (
			await cloud.context.services.linkerRebuilds.start(
				b.accountId,
				b.siteId
			)
		).rebuild.id;
		const { sequelize } = cloud.context.db;
		bRevisionId = await sequelize.transaction( ( transaction ) =>
			new OptimizerStore( sequelize ).propose(
				transaction,
				{
					account_id: b.accountId,
					site_id: b.siteId,
					content_id: bWriter.contentId,
				},
				{
					run_id: bRunId,
					base_revision: 1,
					check_ids: [ 'meta_description_length' ],
					title: 'Bravo, improved',
					meta_description: 'A proposal only Bravo may decide on.',
					content_html: '<p>Bravo</p>',
					score_before: 40,
					score_after: 60,
				}
			)
		);
		[ [ { id: bRuleId } ] ] = ( await sequelize.query(
			`INSERT INTO automation_rules (account_id, site_id, sector_id, name, trigger, trigger_event, actions, caps, acts_as)
			 VALUES ($1, $2, $3, 'Bravo rule', '{"kind":"event","event":"keywords.imported"}', 'keywords.imported',
				'[{"type":"cluster_keywords","method":"lexical","min_cluster_size":2}]', '{"per_run":null,"per_day":null,"per_month":null}', $4)
			 RETURNING id::int AS id`,
			{
				bind: [
					b.accountId,
					b.siteId,
					b.sectorId,
					JSON.stringify( { kind: 'user', user_id: b.owner.id } ),
				],
			}
		) ) as [ { id: number }[], unknown ];
		[ [ { id: bAutomationRunId } ] ] = ( await sequelize.query(
			`INSERT INTO automation_runs (account_id, site_id, rule_id, rule_name, trigger, trigger_key, status)
			 VALUES ($1, $2, $3, 'Bravo rule', 'manual', 'bravo', 'failed') RETURNING id::int AS id`,
			{ bind: [ b.accountId, b.siteId, bRuleId ] }
		) ) as [ { id: number }[], unknown ];
		const blueprints = new SiteBuilderStore( sequelize );
		bBlueprintId = await sequelize.transaction( ( transaction ) =>
			blueprints.create(
				transaction,
				{ account_id: b.accountId, site_id: b.siteId },
				{
					pages: [
						{
							key: 'bravo',
							parent_key: null,
							title: 'Bravo home',
							slug: 'bravo',
							page_type: 'home',
							status: 'publish',
							sections: [],
							target_keywords: [],
							cluster_id: null,
						},
					],
					categories: [],
					menus: [],
				},
				{
					name: 'Bravo structure',
					description: '',
					source: 'manual',
					message: 'Created',
					created_by: null,
				}
			)
		);
		bPageId = ( await blueprints.pages( bBlueprintId ) )[ 0 ]!.id;
		idRoutes = apiRoutes( cloud.context ).filter(
			( spec ) =>
				spec.path.includes( ':id' ) &&
				! spec.path.startsWith( '/auth/industries/' )
		);
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	/** B's object for a route's `:id`, by what the path addresses. */
	function targetOf(
		path: string,
		tenant: Tenant
	): Record< string, number > {
		if ( path.startsWith( '/auth/sites/:id/api-keys/:keyId' ) ) {
			return { id: tenant.siteId, keyId: tenant.keyId };
		}
		if (
			path.startsWith( '/site-builder/blueprints/:id/versions/:version' )
		) {
			return { id: bBlueprintId, version: 1 };
		}
		const byResource: Record< string, number > = {
			'/auth/sites/': tenant.siteId,
			'/auth/sectors/': tenant.sectorId,
			'/auth/users/': tenant.owner.id,
			'/auth/invites/': bInviteId,
			'/auth/accounts/': tenant.accountId,
			'/writer/tasks/': bWriter.taskId,
			'/writer/content/': bWriter.contentId,
			'/writer/images/': bWriter.imageId,
			'/system/ai-runs/': bRunId,
			'/planner/keywords/': bContent.keywordId,
			'/planner/clusters/': bContent.clusterId,
			'/planner/ideas/': bContent.ideaId,
			'/integration/integrations/': bIntegrationId,
			'/publisher/publishing-records/': bRecordId,
			'/system/author-profiles/': bProfileId,
			'/system/strategies/': bStrategyId,
			'/linker/rebuild/': bRebuildId,
			'/optimizer/revisions/': bRevisionId,
			'/site-builder/blueprints/': bBlueprintId,
			'/site-builder/pages/': bPageId,
			'/automation/rules/': bRuleId,
			'/automation/tasks/': bAutomationRunId,
			'/billing/site-caps/': tenant.siteId,
		};
		const entry = Object.entries( byResource ).find( ( [ prefix ] ) =>
			path.startsWith( prefix )
		);
		if ( ! entry ) {
			throw new Error(
				`No fixture for ${ path }: add one so the new route is covered.`
			);
		}
		return { id: entry[ 1 ] };
	}

	const fill = ( path: string, ids: Record< string, number > ) =>
		`/api/v1${ path.replace( /:(\w+)/g, ( _m, name: string ) => String( ids[ name ] ) ) }`;

	/** A body that would pass validation, so only scoping can refuse the request. */
	function validBody( spec: AnyRoute ): object | undefined {
		const bodies: Record< string, object > = {
			'put /auth/sites/:id/': { name: 'Hijacked' },
			'patch /auth/sites/:id/': { name: 'Hijacked' },
			'patch /auth/sectors/:id/': { name: 'Hijacked' },
			'patch /auth/users/:id/': { username: 'hijacked-user' },
			'patch /auth/accounts/:id/': { name: 'Hijacked' },
			'post /auth/sites/:id/api-keys/': { name: 'Hijacked' },
			'put /writer/tasks/:id/': { title: 'Hijacked' },
			'patch /writer/tasks/:id/': { status: 'in_progress' },
			'put /writer/content/:id/': { title: 'Hijacked' },
			'patch /writer/content/:id/': { content_html: '<p>Hijacked</p>' },
			'put /writer/images/:id/': { alt_text: 'Hijacked' },
			'patch /writer/images/:id/': { is_featured: true },
			'post /writer/images/:id/regenerate/': {},
			'post /system/ai-runs/:id/cancel/': {},
			'patch /system/author-profiles/:id/': { name: 'Hijacked' },
			'patch /system/strategies/:id/': { name: 'Hijacked' },
			'put /planner/keywords/:id/': { search_volume: 1 },
			'patch /planner/keywords/:id/': { search_volume: 1 },
			'put /planner/clusters/:id/': { name: 'Hijacked' },
			'patch /planner/clusters/:id/': { name: 'Hijacked' },
			'put /planner/ideas/:id/': { title: 'Hijacked' },
			'patch /planner/ideas/:id/': { title: 'Hijacked' },
			'post /planner/ideas/:id/to_task/': {},
			'patch /integration/integrations/:id/': { sync_enabled: false },
			'post /integration/integrations/:id/update-structure/': {
				metadata: { post_types: [] },
			},
			'post /integration/integrations/:id/sync/': { mode: 'full' },
			'post /optimizer/revisions/:id/accept/': {},
			'post /optimizer/revisions/:id/reject/': {},
			'put /site-builder/blueprints/:id/': { name: 'Hijacked' },
			'patch /site-builder/blueprints/:id/': { name: 'Hijacked' },
			'post /site-builder/blueprints/:id/revert/': { version: 1 },
			'post /site-builder/blueprints/:id/apply/': {},
			'put /site-builder/pages/:id/': { title: 'Hijacked' },
			'patch /site-builder/pages/:id/': { title: 'Hijacked' },
			'post /site-builder/pages/:id/write/': {},
			'patch /automation/rules/:id/': { name: 'Hijacked' },
			'post /automation/rules/:id/pause/': {},
			'post /automation/rules/:id/resume/': {},
			'post /automation/rules/:id/run/': {},
			'post /automation/rules/:id/dry_run/': {},
			'post /automation/tasks/:id/resume/': {},
			'post /automation/tasks/:id/cancel/': {},
			'put /billing/site-caps/:id/': { monthly_cap: 1 },
		};
		return bodies[ `${ spec.method } ${ spec.path }` ];
	}

	it( 'covers every id route the API declares', () => {
		expect( idRoutes.length ).toBeGreaterThanOrEqual( 14 );
		for ( const spec of idRoutes ) {
			expect( () => targetOf( spec.path, b ) ).not.toThrow();
			if ( [ 'post', 'put', 'patch' ].includes( spec.method ) ) {
				expect( validBody( spec ) ).toBeDefined();
			}
		}
	} );

	it( 'answers 404 to every read, update and delete aimed at another account, and changes nothing', async () => {
		const before = await snapshot();
		const outcomes: string[] = [];
		for ( const spec of idRoutes ) {
			const url = fill( spec.path, targetOf( spec.path, b ) );
			const response = await request( cloud.app )
				[ spec.method ]( url )
				.set( bearer( a.owner ) )
				.send( validBody( spec ) );
			outcomes.push(
				`${ spec.method.toUpperCase() } ${ spec.path } → ${ response.status } ${ response.body?.code ?? '' }`
			);
		}
		expect( outcomes ).toEqual(
			idRoutes.map(
				( spec ) =>
					`${ spec.method.toUpperCase() } ${ spec.path } → 404 not_found`
			)
		);
		expect( await snapshot() ).toEqual( before );
	} );

	it( 'answers the same 404 for another account’s id as for an id that does not exist', async () => {
		const theirs = await request( cloud.app )
			.get( `/api/v1/auth/sites/${ b.siteId }/` )
			.set( bearer( a.owner ) );
		const missing = await request( cloud.app )
			.get( '/api/v1/auth/sites/987654321/' )
			.set( bearer( a.owner ) );
		expect( { status: theirs.status, error: theirs.body.error } ).toEqual( {
			status: missing.status,
			error: missing.body.error,
		} );
	} );

	it.each( [ 'sites', 'sectors', 'users', 'accounts' ] )(
		'never lists another account’s %s',
		async ( resource ) => {
			const response = await request( cloud.app )
				.get( `/api/v1/auth/${ resource }/?page_size=100` )
				.set( bearer( a.owner ) )
				.expect( 200 );
			const accountIds = response.body.results.map(
				( row: { account_id?: number; id: number } ) =>
					row.account_id ?? row.id
			);
			expect( accountIds.length ).toBeGreaterThan( 0 );
			expect( new Set( accountIds ) ).toEqual(
				new Set( [ a.accountId ] )
			);
		}
	);

	it( 'refuses to let a non-support user peek into another account by account_id', async () => {
		const response = await request( cloud.app )
			.get( `/api/v1/auth/sites/?account_id=${ b.accountId }` )
			.set( bearer( a.owner ) )
			.expect( 403 );
		expect( response.body.code ).toBe( 'permission_denied' );
	} );

	it( 'refuses a sector on another account’s site', async () => {
		const response = await request( cloud.app )
			.post( '/api/v1/auth/sectors/' )
			.set( bearer( a.owner ) )
			.send( { site_id: b.siteId, name: 'Sneaky' } )
			.expect( 400 );
		expect( response.body.errors ).toEqual( {
			site_id: [ `site ${ b.siteId } does not exist` ],
		} );
	} );

	describe( 'a site API key', () => {
		const key = ( tenant: Tenant ) => ( {
			'X-IGNY8-API-Key': tenant.apiKey,
		} );

		it( 'reads its own site and sectors', async () => {
			const sites = await request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( key( a ) )
				.expect( 200 );
			expect(
				sites.body.results.map( ( s: { id: number } ) => s.id )
			).toEqual( [ a.siteId ] );
			await request( cloud.app )
				.get( `/api/v1/auth/sites/${ a.siteId }/` )
				.set( key( a ) )
				.expect( 200 );
			const sectors = await request( cloud.app )
				.get( '/api/v1/auth/sectors/' )
				.set( key( a ) )
				.expect( 200 );
			expect(
				sectors.body.results.map( ( s: { id: number } ) => s.id )
			).toEqual( [ a.sectorId ] );
		} );

		it( 'cannot touch account B', async () => {
			await request( cloud.app )
				.get( `/api/v1/auth/sites/${ b.siteId }/` )
				.set( key( a ) )
				.expect( 404 );
			await request( cloud.app )
				.get( `/api/v1/auth/sectors/${ b.sectorId }/` )
				.set( key( a ) )
				.expect( 404 );
			const listed = await request( cloud.app )
				.get( `/api/v1/auth/sectors/?site_id=${ b.siteId }` )
				.set( key( a ) )
				.expect( 200 );
			expect( listed.body.results ).toEqual( [] );
		} );

		it( 'cannot see another site of its own account', async () => {
			const second = await request( cloud.app )
				.post( '/api/v1/auth/sites/' )
				.set( bearer( a.owner ) )
				.send( { name: 'Alpha second site' } )
				.expect( 201 );
			await request( cloud.app )
				.get( `/api/v1/auth/sites/${ second.body.data.id }/` )
				.set( key( a ) )
				.expect( 404 );
		} );

		it( 'cannot write, nor reach routes meant for people', async () => {
			await request( cloud.app )
				.patch( `/api/v1/auth/sites/${ a.siteId }/` )
				.set( key( a ) )
				.send( { name: 'x' } )
				.expect( 401 );
			await request( cloud.app )
				.get( '/api/v1/auth/users/' )
				.set( key( a ) )
				.expect( 401 );
			await request( cloud.app )
				.get( '/api/v1/auth/me/' )
				.set( key( a ) )
				.expect( 401 );
		} );

		it( 'stops working once revoked', async () => {
			const created = await request( cloud.app )
				.post( `/api/v1/auth/sites/${ a.siteId }/api-keys/` )
				.set( bearer( a.owner ) )
				.send( { name: 'temporary' } )
				.expect( 201 );
			const temporary = { 'X-IGNY8-API-Key': created.body.data.key };
			await request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( temporary )
				.expect( 200 );
			await request( cloud.app )
				.delete(
					`/api/v1/auth/sites/${ a.siteId }/api-keys/${ created.body.data.id }/`
				)
				.set( bearer( a.owner ) )
				.expect( 204 );
			await request( cloud.app )
				.get( '/api/v1/auth/sites/' )
				.set( temporary )
				.expect( 401 );
		} );

		it( 'is stored hashed with only its prefix visible, and shown in full only once', async () => {
			const row = await cloud.context.models.SiteApiKey.findByPk(
				a.keyId
			);
			expect( row!.key_hash ).toMatch( /^[0-9a-f]{64}$/ );
			expect( row!.key_hash ).not.toContain( a.apiKey );
			expect( a.apiKey.startsWith( row!.prefix ) ).toBe( true );
			const listed = await request( cloud.app )
				.get( `/api/v1/auth/sites/${ a.siteId }/api-keys/` )
				.set( bearer( a.owner ) )
				.expect( 200 );
			expect( JSON.stringify( listed.body ) ).not.toContain( a.apiKey );
			expect(
				listed.body.results.find(
					( k: { id: number } ) => k.id === a.keyId
				)
			).toMatchObject( { prefix: row!.prefix } );
		} );
	} );

	async function snapshot(): Promise< unknown > {
		const { models } = cloud.context;
		const [ sites, sectors, users, accounts, keys ] = await Promise.all( [
			models.Site.findAll( { order: [ [ 'id', 'ASC' ] ], raw: true } ),
			models.Sector.findAll( { order: [ [ 'id', 'ASC' ] ], raw: true } ),
			models.User.findAll( {
				order: [ [ 'id', 'ASC' ] ],
				raw: true,
				attributes: { exclude: [ 'last_login' ] },
			} ),
			models.Account.findAll( { order: [ [ 'id', 'ASC' ] ], raw: true } ),
			models.SiteApiKey.findAll( {
				order: [ [ 'id', 'ASC' ] ],
				raw: true,
				attributes: { exclude: [ 'last_used_at' ] },
			} ),
		] );
		const content = Object.fromEntries(
			await Promise.all(
				(
					[
						'Keyword',
						'Cluster',
						'ClusterKeyword',
						'Idea',
						'Task',
						'Content',
						'Image',
						'SiteIntegration',
						'PublishingRecord',
					] as const
				 ).map( async ( name ) => [
					name,
					await ( models[ name ] as typeof models.Keyword ).findAll( {
						raw: true,
					} ),
				] )
			)
		);
		const revisions = await cloud.context.db.sequelize.query(
			'SELECT id, status, decided_at FROM optimizer_revisions ORDER BY id',
			{ type: QueryTypes.SELECT }
		);
		const blueprints = await cloud.context.db.sequelize.query(
			`SELECT 'blueprint' AS kind, id, version AS n, name AS label FROM site_blueprints
			 UNION ALL SELECT 'page', id, position, title FROM site_blueprint_pages
			 UNION ALL SELECT 'apply', id, version, status FROM site_blueprint_applies ORDER BY kind, id`,
			{ type: QueryTypes.SELECT }
		);
		const automation = await cloud.context.db.sequelize.query(
			`SELECT 'rule' AS kind, id, name AS label, enabled::text AS state, updated_at::text AS at FROM automation_rules
			 UNION ALL SELECT 'run', id, rule_name, status, finished_at::text FROM automation_runs ORDER BY kind, id`,
			{ type: QueryTypes.SELECT }
		);
		const siteCaps = await cloud.context.db.sequelize.query(
			'SELECT * FROM site_credit_caps ORDER BY site_id',
			{ type: QueryTypes.SELECT }
		);
		// A refused change leaves no audit entry either.
		const audit = await cloud.context.db.sequelize.query(
			'SELECT id, account_id, action FROM audit_log ORDER BY id',
			{ type: QueryTypes.SELECT }
		);
		return {
			sites,
			sectors,
			users,
			accounts,
			keys,
			content,
			revisions,
			automation,
			blueprints,
			siteCaps,
			audit,
		};
	}
} );
