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
import { addSecondSite, as, siteSession } from './security-support';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent, type WriterFixtures } from './writer-fixtures';
import { SiteBuilderStore } from '../src/modules/site-builder';

/**
 * A site's key and its WordPress users' sessions are confined to that one
 * site: every route they can reach is aimed at a second site of the same
 * account (the review's finding: strategies, the credit ledger and usage
 * leaked across sites), and must answer as if it did not exist.
 */

/** Routes a site principal reaches: WordPress users (site sessions) and site keys. */
const reachable = ( spec: AnyRoute ) =>
	spec.auth === 'user' || spec.auth === 'user_or_site_key';

/** Account-wide by design (a voice or a prompt serves every site): nothing of a site to leak. */
const ACCOUNT_WIDE = [ '/system/author-profiles/', '/auth/industries/' ];

/** Lists of one post's links: they name the post, whose site is checked (the "linker" test below). */
const ONE_POST = [
	'/linker/suggestions/',
	'/linker/inbound/',
	'/optimizer/history/',
];

let cloud: TestCloud;
let a: Tenant;
let b: Tenant;
let sessionA: string;
let bContent: ContentFixtures;
let bWriter: WriterFixtures;
let bRunId: number;
let bIntegrationId: number;
let bRecordId: number;
let bImportId: number;
let bRebuildId: number;
let bRevisionId: number;
let bBlueprintId: number;
let bBlueprintPageId: number;
let bRuleId: number;
let bAutomationRunId: number;
let strategies: { shared: number; onA: number; onB: number };
let aTaskId: number;

beforeAll( async () => {
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{},
		{ workers: false }
	);
	const { models, services } = cloud.context;
	a = await addTenant( cloud, 'Scoped' );
	b = await addSecondSite( cloud, a );
	sessionA = await siteSession( cloud, a.apiKey, 'admin' );
	await addContent( cloud, a );
	aTaskId = ( await addWriterContent( cloud, a, 'Own' ) ).taskId;
	bContent = await addContent( cloud, b );
	bWriter = await addWriterContent( cloud, b, 'Other' );
	const scopeB = {
		account_id: b.accountId,
		site_id: b.siteId,
		sector_id: b.sectorId,
	};
	bRunId = (
		await models.AiTaskRun.create( {
			...scopeB,
			function_name: 'generate_ideas',
			input: {},
			output_summary: null,
			error: null,
			created_by: null,
			started_at: null,
			finished_at: null,
		} )
	).id;
	bIntegrationId = (
		await models.SiteIntegration.create( {
			account_id: b.accountId,
			site_id: b.siteId,
			platform: 'wordpress',
		} )
	).id;
	bRecordId = (
		await models.PublishingRecord.create( {
			...scopeB,
			content_id: bWriter.contentId,
			task_id: null,
		} )
	).id;
	bImportId = (
		await models.KeywordImport.create( {
			...scopeB,
			created_by: null,
			filename: 'other.csv',
			storage_path: 'keyword-imports/other.csv',
			format: 'generic',
		} as never )
	).id;
	// Site B's linker: its post indexed (so the owner's lists show it) and a rebuild.
	await request( cloud.app )
		.get( '/api/v1/linker/suggestions/' )
		.query( { content_id: bWriter.contentId } )
		.set( bearer( a.owner ) )
		.expect( 200 );
	bRebuildId = (
		await services.linkerRebuilds.start( b.accountId, b.siteId )
	).rebuild.id;
	// Site B's optimizer: a scored revision and a proposed AI revision.
	await services.optimizer.scoreSaved( bWriter.contentId );
	const [ [ revision ] ] = ( await cloud.context.db.sequelize.query(
		`INSERT INTO optimizer_revisions (account_id, site_id, content_id, base_revision, check_ids, title, meta_description, content_html)
		 VALUES ($1, $2, $3, 1, '{text_length}', 'Hijack', '', '<p>Hijack</p>') RETURNING id::int AS id`,
		{ bind: [ b.accountId, b.siteId, bWriter.contentId ] }
	) ) as [ { id: number }[], unknown ];
	bRevisionId = revision!.id;
	// Site B's automation: a rule and a run of it.
	[ [ { id: bRuleId } ] ] = ( await cloud.context.db.sequelize.query(
		`INSERT INTO automation_rules (account_id, site_id, sector_id, name, trigger, trigger_event, actions, caps, acts_as)
		 VALUES ($1, $2, $3, 'Site B rule', '{"kind":"event","event":"keywords.imported"}', 'keywords.imported',
			'[{"type":"cluster_keywords","method":"lexical","min_cluster_size":2}]', '{"per_run":null,"per_day":null,"per_month":null}', $4)
		 RETURNING id::int AS id`,
		{
			bind: [
				b.accountId,
				b.siteId,
				b.sectorId,
				JSON.stringify( { kind: 'user', user_id: a.owner.id } ),
			],
		}
	) ) as [ { id: number }[], unknown ];
	[ [ { id: bAutomationRunId } ] ] = ( await cloud.context.db.sequelize.query(
		`INSERT INTO automation_runs (account_id, site_id, rule_id, rule_name, trigger, trigger_key, status)
		 VALUES ($1, $2, $3, 'Site B rule', 'manual', 'site-b', 'failed') RETURNING id::int AS id`,
		{ bind: [ b.accountId, b.siteId, bRuleId ] }
	) ) as [ { id: number }[], unknown ];
	// Site B's site builder: a blueprint with one page.
	const blueprints = new SiteBuilderStore( cloud.context.db.sequelize );
	bBlueprintId = await cloud.context.db.sequelize.transaction(
		( transaction ) =>
			blueprints.create(
				transaction,
				{ account_id: b.accountId, site_id: b.siteId },
				{
					pages: [
						{
							key: 'site-b',
							parent_key: null,
							title: 'Site B home',
							slug: 'site-b',
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
					name: 'Site B structure',
					description: '',
					source: 'manual',
					message: 'Created',
					created_by: null,
				}
			)
	);
	bBlueprintPageId = ( await blueprints.pages( bBlueprintId ) )[ 0 ]!.id;
	const strategy = async ( name: string, sectorId: number | null ) =>
		(
			await models.ContentStrategy.create( {
				account_id: a.accountId,
				sector_id: sectorId,
				name,
			} )
		).id;
	strategies = {
		shared: await strategy( 'Every site', null ),
		onA: await strategy( 'Site A only', a.sectorId ),
		onB: await strategy( 'Site B only', b.sectorId ),
	};
	// The ledger: an account-wide grant, then one job on each site.
	await services.credits.add( a.accountId, 100, 'grant', 'Start', 'start' );
	for ( const [ site, job, cost ] of [
		[ a.siteId, 'job-on-a', 3 ],
		[ b.siteId, 'job-on-b', 5 ],
	] as const ) {
		await services.credits.reserve( {
			accountId: a.accountId,
			jobId: job,
			amount: cost,
			siteId: site,
			functionName: 'generate_ideas',
			description: 'Ideas',
		} );
		await services.credits.settle( job, cost );
	}
} );

afterAll( async () => {
	await cloud?.stop();
} );

/** True when an API row belongs to site B (its own id for the sites list). */
function ofSiteB( path: string, row: Record< string, unknown > ): boolean {
	return (
		row.site_id === b.siteId ||
		row.sector_id === b.sectorId ||
		( path === '/auth/sites/' && row.id === b.siteId )
	);
}

describe( 'lists', () => {
	const listRoutes = () =>
		apiRoutes( cloud.context ).filter(
			( spec ) =>
				spec.method === 'get' &&
				reachable( spec ) &&
				'list' in spec.response &&
				! spec.path.includes( ':' ) &&
				! ACCOUNT_WIDE.includes( spec.path ) &&
				! ONE_POST.includes( spec.path )
		);

	it( 'show a site session and a site key nothing of another site of the account, on every list route they reach', async () => {
		const routes = listRoutes();
		expect( routes.length ).toBeGreaterThanOrEqual( 12 );
		const leaks: string[] = [];
		for ( const spec of routes ) {
			const url = `/api/v1${ spec.path }?page_size=100`;
			// The account's owner sees site B's rows here: the check below means something.
			const owner = await request( cloud.app )
				.get( url )
				.set( bearer( a.owner ) )
				.expect( 200 );
			expect( {
				route: spec.path,
				hasSiteB: owner.body.results.some(
					( row: Record< string, unknown > ) =>
						ofSiteB( spec.path, row )
				),
			} ).toEqual( { route: spec.path, hasSiteB: true } );
			const callers: [ string, Record< string, string > ][] = [
				[ 'site session', as( sessionA ) ],
			];
			if ( spec.auth === 'user_or_site_key' ) {
				callers.push( [ 'site key', { 'X-IGNY8-API-Key': a.apiKey } ] );
			}
			for ( const [ who, headers ] of callers ) {
				const response = await request( cloud.app )
					.get( url )
					.set( headers );
				const seen = ( response.body.results ?? [] ).filter(
					( row: Record< string, unknown > ) =>
						ofSiteB( spec.path, row )
				);
				if ( response.status !== 200 || seen.length > 0 ) {
					leaks.push(
						`${ spec.path } as ${ who }: ${ response.status }, ${ seen.length } row(s) of site B`
					);
				}
			}
		}
		expect( leaks ).toEqual( [] );
	} );

	it( 'refuse a filter naming another site, as for a site that does not exist', async () => {
		for ( const path of [
			'/billing/transactions/',
			'/billing/usage/',
			'/billing/site-caps/',
			'/planner/keywords/',
		] ) {
			const response = await request( cloud.app )
				.get( `/api/v1${ path }?site_id=${ b.siteId }` )
				.set( as( sessionA ) )
				.expect( 400 );
			expect( response.body.errors.site_id ).toEqual( [
				`site ${ b.siteId } does not exist`,
			] );
		}
	} );

	it( 'count only the site’s own usage; the account’s people see every site', async () => {
		const own = await request( cloud.app )
			.get( '/api/v1/billing/usage/' )
			.set( as( sessionA ) )
			.expect( 200 );
		expect( own.body.data.total_credits ).toBe( 3 );
		expect(
			own.body.data.rows.map( ( r: { site_id: number } ) => r.site_id )
		).toEqual( [ a.siteId ] );
		const all = await request( cloud.app )
			.get( '/api/v1/billing/usage/' )
			.set( bearer( a.owner ) )
			.expect( 200 );
		expect( all.body.data.total_credits ).toBe( 8 );
	} );

	it( 'show a site session only its own site’s monthly cap; the account’s people see every site', async () => {
		const own = await request( cloud.app )
			.get( '/api/v1/billing/site-caps/' )
			.set( as( sessionA ) )
			.expect( 200 );
		expect(
			own.body.data.sites.map( ( s: { site_id: number } ) => s.site_id )
		).toEqual( [ a.siteId ] );
		expect( own.body.data.sites[ 0 ].used ).toBe( 3 );
		const all = await request( cloud.app )
			.get( '/api/v1/billing/site-caps/' )
			.set( bearer( a.owner ) )
			.expect( 200 );
		expect(
			all.body.data.sites
				.map( ( s: { site_id: number } ) => s.site_id )
				.sort()
		).toEqual( [ a.siteId, b.siteId ].sort() );
	} );

	it( 'show a site the account-wide strategies and its own, never another site’s', async () => {
		const response = await request( cloud.app )
			.get( '/api/v1/system/strategies/' )
			.set( as( sessionA ) )
			.expect( 200 );
		expect(
			response.body.results.map( ( s: { id: number } ) => s.id ).sort()
		).toEqual( [ strategies.shared, strategies.onA ].sort() );
	} );
} );

describe( 'objects by id', () => {
	function targetOf( path: string ): number {
		const byResource: Record< string, number > = {
			'/auth/sites/': b.siteId,
			'/auth/sectors/': b.sectorId,
			'/writer/tasks/': bWriter.taskId,
			'/writer/content/': bWriter.contentId,
			'/writer/images/': bWriter.imageId,
			'/system/ai-runs/': bRunId,
			'/planner/keywords/imports/': bImportId,
			'/planner/keywords/': bContent.keywordId,
			'/planner/clusters/': bContent.clusterId,
			'/planner/ideas/': bContent.ideaId,
			'/integration/integrations/': bIntegrationId,
			'/publisher/publishing-records/': bRecordId,
			'/system/strategies/': strategies.onB,
			'/linker/rebuild/': bRebuildId,
			'/optimizer/revisions/': bRevisionId,
			'/site-builder/blueprints/': bBlueprintId,
			'/site-builder/pages/': bBlueprintPageId,
			'/automation/rules/': bRuleId,
			'/automation/tasks/': bAutomationRunId,
		};
		const entry = Object.entries( byResource ).find( ( [ prefix ] ) =>
			path.startsWith( prefix )
		);
		if ( ! entry ) {
			throw new Error(
				`No site-B fixture for ${ path }: add one so the new route is covered.`
			);
		}
		return entry[ 1 ];
	}

	/** A body that passes validation, so only scoping can refuse the request. */
	const BODIES: Record< string, object > = {
		'patch /auth/sectors/:id/': { name: 'Hijacked' },
		'put /writer/tasks/:id/': { title: 'Hijacked' },
		'patch /writer/tasks/:id/': { status: 'in_progress' },
		'put /writer/content/:id/': { title: 'Hijacked' },
		'patch /writer/content/:id/': { content_html: '<p>Hijacked</p>' },
		'put /writer/images/:id/': { alt_text: 'Hijacked' },
		'patch /writer/images/:id/': { is_featured: true },
		'post /writer/images/:id/regenerate/': {},
		'post /system/ai-runs/:id/cancel/': {},
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
		'patch /system/strategies/:id/': { name: 'Hijacked' },
	};

	it( 'answers 404 to a site session (as a WordPress admin) and a site key for every object of another site of the account', async () => {
		const routes = apiRoutes( cloud.context ).filter(
			( spec ) =>
				reachable( spec ) &&
				spec.path.includes( ':id' ) &&
				! ACCOUNT_WIDE.some( ( p ) => spec.path.startsWith( p ) )
		);
		expect( routes.length ).toBeGreaterThanOrEqual( 30 );
		const outcomes: string[] = [];
		const expected: string[] = [];
		for ( const spec of routes ) {
			const url = `/api/v1${ spec.path
				.replace( ':id', String( targetOf( spec.path ) ) )
				// A blueprint's first version.
				.replace( ':version', '1' ) }`;
			const body =
				spec.method === 'get' || spec.method === 'delete'
					? undefined
					: BODIES[ `${ spec.method } ${ spec.path }` ];
			if ( spec.method !== 'get' && spec.method !== 'delete' ) {
				expect( { route: spec.path, body } ).toEqual( {
					route: spec.path,
					body: expect.any( Object ),
				} );
			}
			const callers: [ string, Record< string, string > ][] = [
				[ 'site session', as( sessionA ) ],
			];
			if ( spec.auth === 'user_or_site_key' && spec.method === 'get' ) {
				callers.push( [ 'site key', { 'X-IGNY8-API-Key': a.apiKey } ] );
			}
			for ( const [ who, headers ] of callers ) {
				const response = await request( cloud.app )
					[ spec.method ]( url )
					.set( headers )
					.send( body );
				const label = `${ spec.method.toUpperCase() } ${ spec.path } as ${ who }`;
				outcomes.push(
					`${ label } → ${ response.status } ${ response.body?.code ?? '' }`
				);
				expected.push( `${ label } → 404 not_found` );
			}
		}
		expect( outcomes ).toEqual( expected );
	} );

	it( 'refuses another site’s sector for an export', async () => {
		for ( const path of [
			'/planner/keywords/export/',
			'/planner/clusters/export/',
		] ) {
			await request( cloud.app )
				.get( `/api/v1${ path }?sector_id=${ b.sectorId }` )
				.set( as( sessionA ) )
				.expect( 400 );
		}
	} );

	it( 'refuses another site’s strategy for an article, before any charge, and accepts its own and the shared ones', async () => {
		const editor = await siteSession( cloud, a.apiKey, 'editor' );
		const estimate = ( strategyId: number ) =>
			request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( as( editor ) )
				.send( {
					function: 'generate_content',
					input: { task_ids: [ aTaskId ], strategy_id: strategyId },
				} );
		const other = await estimate( strategies.onB );
		expect( other.status ).toBe( 400 );
		expect( JSON.stringify( other.body.errors ) ).toContain(
			`strategy ${ strategies.onB } does not exist`
		);
		const balance = await cloud.context.services.credits.balance(
			a.accountId
		);
		const run = await request( cloud.app )
			.post( '/api/v1/writer/tasks/generate_content/' )
			.set( as( editor ) )
			.send( { ids: [ aTaskId ], strategy_id: strategies.onB } )
			.expect( 400 );
		expect( JSON.stringify( run.body.errors ) ).toContain( 'strategy' );
		expect(
			await cloud.context.services.credits.balance( a.accountId )
		).toBe( balance );
		for ( const id of [ strategies.onA, strategies.shared ] ) {
			expect( ( await estimate( id ) ).status ).toBe( 200 );
		}
	} );
} );

describe( 'deleting a site', () => {
	it( 'keeps the credit ledger intact: the site goes, its ledger rows and usage stay', async () => {
		const { models, services } = cloud.context;
		const doomed = await addSecondSite( cloud, a, 'https://doomed.test' );
		await services.credits.reserve( {
			accountId: a.accountId,
			jobId: 'job-on-doomed',
			amount: 4,
			siteId: doomed.siteId,
			functionName: 'generate_ideas',
			description: 'Ideas',
		} );
		await services.credits.settle( 'job-on-doomed', 4 );
		const ledgerBefore = await models.CreditTransaction.findAll( {
			where: { account_id: a.accountId },
			order: [ [ 'id', 'ASC' ] ],
			raw: true,
		} );
		const response = await request( cloud.app )
			.delete( `/api/v1/auth/sites/${ doomed.siteId }/` )
			.set( bearer( a.owner ) );
		expect( { status: response.status, body: response.body } ).toEqual( {
			status: 204,
			body: {},
		} );
		expect( await models.Site.findByPk( doomed.siteId ) ).toBeNull();
		expect(
			await models.CreditTransaction.findAll( {
				where: { account_id: a.accountId },
				order: [ [ 'id', 'ASC' ] ],
				raw: true,
			} )
		).toEqual( ledgerBefore );
		const usage = await request( cloud.app )
			.get( '/api/v1/billing/usage/' )
			.set( bearer( a.owner ) )
			.expect( 200 );
		expect( usage.body.data.total_credits ).toBe( 3 + 5 + 4 );
		// Its key went with it.
		await request( cloud.app )
			.get( '/api/v1/auth/sites/' )
			.set( 'X-IGNY8-API-Key', doomed.apiKey )
			.expect( 401 );
	} );
} );

describe( 'optimizer', () => {
	it( 'refuses a site session another site’s drafts, history and revisions as if they did not exist', async () => {
		const session = as( sessionA );
		const post = ( path: string, body: object ) =>
			request( cloud.app )
				.post( `/api/v1${ path }` )
				.send( body )
				.set( session );
		await post( '/optimizer/analyze/', {
			content_id: bWriter.contentId,
		} ).expect( 404 );
		await post( '/optimizer/analyze/', {
			html: '<p>x</p>',
			site_id: b.siteId,
		} ).expect( 400 );
		await request( cloud.app )
			.get( '/api/v1/optimizer/history/' )
			.query( { content_id: bWriter.contentId } )
			.set( session )
			.expect( 404 );
		for ( const path of [ '/optimizer/scores/', '/optimizer/summary/' ] ) {
			await request( cloud.app )
				.get( `/api/v1${ path }` )
				.query( { site_id: b.siteId } )
				.set( session )
				.expect( 400 );
		}
		const own = await request( cloud.app )
			.get( '/api/v1/optimizer/scores/' )
			.set( session )
			.expect( 200 );
		expect(
			own.body.results.some(
				( row: { content_id: number } ) =>
					row.content_id === bWriter.contentId
			)
		).toBe( false );
		// The figures count this site's contents only.
		const summary = await request( cloud.app )
			.get( '/api/v1/optimizer/summary/' )
			.set( session )
			.expect( 200 );
		expect( summary.body.data.total ).toBe( own.body.count );
		const revisions = await request( cloud.app )
			.get( '/api/v1/optimizer/revisions/' )
			.set( session )
			.expect( 200 );
		expect( revisions.body.count ).toBe( 0 );
		await post( '/optimizer/fix/', {
			content_id: bWriter.contentId,
			check_ids: [ 'text_length' ],
		} ).expect( 400 );
		await post(
			`/optimizer/revisions/${ bRevisionId }/accept/`,
			{}
		).expect( 404 );
		// The account's owner sees both sites.
		const all = await request( cloud.app )
			.get( '/api/v1/optimizer/scores/' )
			.set( bearer( a.owner ) )
			.expect( 200 );
		expect(
			all.body.results.some(
				( row: { content_id: number } ) =>
					row.content_id === bWriter.contentId
			)
		).toBe( true );
	} );
} );

describe( 'linker', () => {
	it( 'refuses a site session another site’s posts, reports, settings and rebuilds as if they did not exist', async () => {
		const session = as( sessionA );
		const get = ( path: string, query: object ) =>
			request( cloud.app )
				.get( `/api/v1${ path }` )
				.query( query )
				.set( session );
		const post = ( path: string, body: object ) =>
			request( cloud.app )
				.post( `/api/v1${ path }` )
				.send( body )
				.set( session );
		for ( const path of [ '/linker/suggestions/', '/linker/inbound/' ] ) {
			await get( path, { content_id: bWriter.contentId } ).expect( 404 );
			await get( path, { post_id: 1, site_id: b.siteId } ).expect( 400 );
		}
		for ( const path of [
			'/linker/report/',
			'/linker/posts/',
			'/linker/settings/',
		] ) {
			await get( path, { site_id: b.siteId } ).expect( 400 );
		}
		await post( '/linker/apply/', {
			content_id: bWriter.contentId,
			suggestion_ids: [ 'x' ],
		} ).expect( 404 );
		await post( '/linker/remove/', {
			content_id: bWriter.contentId,
		} ).expect( 404 );
		await post( '/linker/rebuild/', { site_id: b.siteId } ).expect( 400 );
		await request( cloud.app )
			.put( '/api/v1/linker/settings/' )
			.query( { site_id: b.siteId } )
			.send( { max_links_per_post: 1, max_links_per_paragraph: 1 } )
			.set( session )
			.expect( 400 );
		// Its own site answers.
		await get( '/linker/report/', {} ).expect( 200 );
	} );
} );
