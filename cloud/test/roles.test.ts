import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { ROLES, type Role } from '@igny8/shared-types';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { apiRoutes } from '../src/app';
import {
	addTenant,
	addUser,
	bearer,
	PASSWORD,
	type Actor,
	type Tenant,
	pairedCredentials,
} from './fixtures';
import { startTestCloud, type TestCloud } from './support';
import { SiteBuilderStore } from '../src/modules/site-builder';

/**
 * The role matrix as the README documents it, written out by hand (not read
 * from the code under test): which roles may call each write route.
 */
const MANAGERS: Role[] = [ 'owner', 'admin' ];
const WRITERS: Role[] = [ 'owner', 'admin', 'editor', 'system_bot' ];
const EXPECTED: Record< string, Role[] > = {
	'PATCH /auth/accounts/:id/': [ 'owner' ],
	'POST /auth/users/': MANAGERS,
	'PATCH /auth/users/:id/': MANAGERS,
	'DELETE /auth/users/:id/': MANAGERS,
	'POST /auth/invites/': MANAGERS,
	'DELETE /auth/invites/:id/': MANAGERS,
	'POST /auth/sites/': MANAGERS,
	'PUT /auth/sites/:id/': MANAGERS,
	'PATCH /auth/sites/:id/': MANAGERS,
	'DELETE /auth/sites/:id/': MANAGERS,
	'POST /auth/sites/:id/api-keys/': MANAGERS,
	'DELETE /auth/sites/:id/api-keys/:keyId/': MANAGERS,
	'POST /auth/sectors/': MANAGERS,
	'PATCH /auth/sectors/:id/': MANAGERS,
	'DELETE /auth/sectors/:id/': MANAGERS,
	'POST /auth/change-password/': [ ...ROLES ],
	// Account-wide AI configuration: what every run of the account writes with.
	'POST /system/prompts/': MANAGERS,
	'PUT /system/prompts/:key/': MANAGERS,
	'DELETE /system/prompts/:key/': MANAGERS,
	'POST /system/author-profiles/': MANAGERS,
	'PATCH /system/author-profiles/:id/': MANAGERS,
	'DELETE /system/author-profiles/:id/': MANAGERS,
	'POST /system/strategies/': MANAGERS,
	'PATCH /system/strategies/:id/': MANAGERS,
	'DELETE /system/strategies/:id/': MANAGERS,
	// Which provider receives the content and who pays: the account's managers.
	'PUT /system/settings/ai/': MANAGERS,
	// Spends the saved key on one small call: whoever may change it.
	'POST /system/settings/ai/test/': MANAGERS,
	// Changes nothing: anyone who can read the account may ask a price.
	'POST /billing/estimate/': [ ...ROLES ],
	// What a site may spend a month: the sites' managers.
	'PUT /billing/site-caps/:id/': MANAGERS,
	'POST /integration/integrations/': MANAGERS,
	'PATCH /integration/integrations/:id/': MANAGERS,
	'DELETE /integration/integrations/:id/': MANAGERS,
	'POST /integration/integrations/:id/update-structure/': MANAGERS,
	'POST /integration/integrations/:id/sync/': MANAGERS,
	// Only a WordPress site with its own key: no person's role may.
	'POST /integration/integrations/test-connection/': [],
	'POST /integration/events/': [],
	'POST /auth/site-session/': [],
	'POST /publisher/publish/': WRITERS,
	// Links change posts (and the WordPress post): whoever may write content.
	'POST /linker/apply/': WRITERS,
	'POST /linker/reject/': WRITERS,
	'POST /linker/remove/': WRITERS,
	'POST /linker/rebuild/': WRITERS,
	// How many links every post of a site is offered: the site's managers.
	'PUT /linker/settings/': MANAGERS,
	// Rules spend the account's credits unattended: the site's managers.
	'POST /automation/rules/': MANAGERS,
	'PATCH /automation/rules/:id/': MANAGERS,
	'DELETE /automation/rules/:id/': MANAGERS,
	'POST /automation/rules/:id/pause/': MANAGERS,
	'POST /automation/rules/:id/resume/': MANAGERS,
	'POST /automation/rules/:id/run/': MANAGERS,
	'POST /automation/tasks/:id/resume/': MANAGERS,
	'POST /automation/tasks/:id/cancel/': MANAGERS,
	// A dry run changes and charges nothing: whoever may start AI work.
	'POST /automation/rules/dry_run/': WRITERS,
	'POST /automation/rules/:id/dry_run/': WRITERS,
	// A site structure is content until it is applied; applying it changes the site's pages and menus: its managers.
	'POST /site-builder/blueprints/': WRITERS,
	'POST /site-builder/blueprints/generate/': WRITERS,
	'PUT /site-builder/blueprints/:id/': WRITERS,
	'PATCH /site-builder/blueprints/:id/': WRITERS,
	'DELETE /site-builder/blueprints/:id/': WRITERS,
	'POST /site-builder/blueprints/:id/revert/': WRITERS,
	'POST /site-builder/blueprints/:id/apply/': MANAGERS,
	'POST /site-builder/pages/': WRITERS,
	'PUT /site-builder/pages/:id/': WRITERS,
	'PATCH /site-builder/pages/:id/': WRITERS,
	'DELETE /site-builder/pages/:id/': WRITERS,
	'POST /site-builder/pages/:id/write/': WRITERS,
	// Analysis changes no content (keeping a saved revision's score is bookkeeping): anyone who can read.
	'POST /optimizer/analyze/': [ ...ROLES ],
	// A rewrite spends credits and deciding one changes the draft: whoever may write content.
	'POST /optimizer/fix/': WRITERS,
	'POST /optimizer/bulk/': WRITERS,
	'POST /optimizer/revisions/:id/accept/': WRITERS,
	'POST /optimizer/revisions/:id/reject/': WRITERS,
	...Object.fromEntries(
		[
			'POST /planner/keywords/',
			'PUT /planner/keywords/:id/',
			'PATCH /planner/keywords/:id/',
			'DELETE /planner/keywords/:id/',
			'POST /planner/keywords/bulk_create/',
			'POST /planner/keywords/bulk_delete/',
			'POST /planner/keywords/bulk_update_status/',
			'POST /planner/keywords/bulk_assign_cluster/',
			'POST /planner/clusters/',
			'PUT /planner/clusters/:id/',
			'PATCH /planner/clusters/:id/',
			'DELETE /planner/clusters/:id/',
			'POST /planner/ideas/',
			'PUT /planner/ideas/:id/',
			'PATCH /planner/ideas/:id/',
			'DELETE /planner/ideas/:id/',
			'POST /planner/ideas/:id/to_task/',
			'POST /planner/ideas/bulk_to_tasks/',
			'POST /planner/keywords/import/',
			'POST /planner/keywords/import/preview/',
			'POST /planner/clusters/generate_ideas/',
			'POST /planner/keywords/auto_cluster/',
			'POST /system/ai-runs/:id/cancel/',
			'POST /writer/tasks/generate_content/',
			'POST /writer/tasks/generate_image_prompts/',
			'POST /writer/tasks/generate_images/',
			'POST /writer/content/regenerate_section/',
			'POST /writer/images/:id/regenerate/',
		].map( ( key ) => [ key, WRITERS ] )
	),
	...Object.fromEntries(
		[ 'tasks', 'content', 'images' ]
			.flatMap( ( resource ) => [
				`POST /writer/${ resource }/`,
				`PUT /writer/${ resource }/:id/`,
				`PATCH /writer/${ resource }/:id/`,
				`DELETE /writer/${ resource }/:id/`,
			] )
			.map( ( key ) => [ key, WRITERS ] )
	),
};
/** Open to anyone by design: they are how one gets a token at all. */
const PUBLIC_WRITES = [
	'POST /auth/register/',
	'POST /auth/login/',
	'POST /auth/refresh/',
	'POST /auth/logout/',
	// The invite link is the credential (single-use, expiring; throttled like sign-in).
	'POST /auth/invites/lookup/',
	'POST /auth/invites/accept/',
];

describe( 'the role matrix', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let openai: FakeOpenAI;
	const actors = new Map< Role, Actor >();
	let n = 0;

	beforeAll( async () => {
		// AI actions run for real against the fake provider (never the internet).
		openai = await startFakeOpenAI();
		openai.fallback( 'chat', {
			content: { ideas: [ { title: 'Matrix idea' } ] },
		} );
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url }
		);
		tenant = await addTenant( cloud, 'Matrix Co' );
		for ( const role of ROLES ) {
			actors.set(
				role,
				role === 'owner'
					? tenant.owner
					: await addUser( cloud, tenant.accountId, role )
			);
		}
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	it( 'names an expectation for every write route the API declares', () => {
		const writes = apiRoutes( cloud.context )
			.filter( ( spec ) => spec.method !== 'get' )
			.map( ( spec ) => `${ spec.method.toUpperCase() } ${ spec.path }` )
			.filter( ( key ) => ! PUBLIC_WRITES.includes( key ) );
		expect( writes.sort() ).toEqual( Object.keys( EXPECTED ).sort() );
	} );

	/** A fresh target per case, so an allowed delete does not starve the next case. */
	async function target( route: string ): Promise< {
		url: string;
		body?: object;
		upload?: { sectorId: number };
	} > {
		const { models } = cloud.context;
		n += 1;
		const site = await models.Site.create( {
			account_id: tenant.accountId,
			name: `Target ${ n }`,
			slug: `target-${ n }`,
			domain: null,
			industry_id: null,
			wordpress_url: null,
			wordpress_username: null,
			wordpress_password_encrypted: null,
		} );
		const sector = await models.Sector.create( {
			account_id: tenant.accountId,
			site_id: site.id,
			name: `Sector ${ n }`,
			industry_sector_id: null,
		} );
		const key = await models.SiteApiKey.create( {
			account_id: tenant.accountId,
			site_id: site.id,
			name: 'k',
			prefix: 'ig8_test',
			key_hash: `${ n }`.padStart( 64, '0' ),
			created_by: null,
			last_used_at: null,
			revoked_at: null,
		} );
		const person = await addUser(
			cloud,
			tenant.accountId,
			'viewer',
			`target-${ n }`
		);
		const [ invite ] = await cloud.context.db.sequelize.query< {
			id: number;
		} >(
			`INSERT INTO invites (account_id, email, role, token_hash)
			 VALUES (:account, :email, 'viewer', :hash) RETURNING id`,
			{
				replacements: {
					account: tenant.accountId,
					email: `invited-${ n }@example.test`,
					hash: `i${ n }`.padStart( 64, '0' ),
				},
				type: QueryTypes.SELECT,
			}
		);
		const scope = {
			account_id: tenant.accountId,
			site_id: site.id,
			sector_id: sector.id,
		};
		const keyword = await models.Keyword.create( {
			...scope,
			keyword: `kw ${ n }`,
			normalized: `kw ${ n }`,
			difficulty: null,
			intent: null,
			cpc: null,
		} );
		const cluster = await models.Cluster.create( {
			...scope,
			name: `Cluster ${ n }`,
		} );
		const idea = await models.Idea.create( {
			...scope,
			cluster_id: cluster.id,
			title: `Idea ${ n }`,
			target_word_count: null,
		} );
		const task = await models.Task.create( {
			...scope,
			content_idea_id: null,
			cluster_id: null,
			title: `Task ${ n }`,
			assigned_post_id: null,
			post_url: null,
		} );
		const content = await models.Content.create( {
			...scope,
			task_id: task.id,
			title: `Content ${ n }`,
			content_html: '<h2>One section</h2><p>To rewrite.</p>',
			external_id: null,
			external_type: null,
		} );
		const image = await models.Image.create( {
			...scope,
			task_id: task.id,
			content_id: content.id,
			image_url: 'https://cdn.example.test/a.png',
			prompt: 'A lake at noon',
			storage_path: null,
		} );
		await cloud.context.services.credits.add(
			tenant.accountId,
			1,
			'grant',
			'Matrix',
			`matrix-${ n }`
		);
		const run = await models.AiTaskRun.create( {
			...scope,
			function_name: 'generate_ideas',
			input: {},
			output_summary: null,
			error: null,
			created_by: null,
			started_at: null,
			finished_at: null,
		} );
		// Creating one is a case of its own: that target site must have none yet.
		const integration = await models.SiteIntegration.create( {
			platform:
				route === 'POST /integration/integrations/'
					? 'wix'
					: 'wordpress',
			account_id: tenant.accountId,
			site_id: site.id,
			config_json: { rest_url: 'http://127.0.0.1:9/wp-json/' },
			credentials_json: pairedCredentials( cloud, 'ig8_unreachable', 1 ),
		} );
		if (
			route.startsWith( 'POST /writer/tasks/generate_' ) ||
			route === 'POST /writer/images/:id/regenerate/'
		) {
			// An article costs 5, prompts 1 each, images 2 each; and a prompt waiting to be drawn.
			await cloud.context.services.credits.add(
				tenant.accountId,
				10,
				'grant',
				'Matrix',
				`matrix-writer-${ n }`
			);
			await models.Image.create( {
				...scope,
				task_id: task.id,
				content_id: content.id,
				prompt: 'A trail at dawn',
				image_url: null,
				storage_path: null,
			} );
		}
		const profile = await models.AuthorProfile.create( {
			account_id: tenant.accountId,
			name: `Voice ${ n }`,
		} );
		const strategy = await models.ContentStrategy.create( {
			account_id: tenant.accountId,
			sector_id: null,
			name: `Strategy ${ n }`,
		} );
		const [ [ revision ] ] = ( await cloud.context.db.sequelize.query(
			`INSERT INTO optimizer_revisions (account_id, site_id, content_id, base_revision, check_ids, title, meta_description, content_html)
			 VALUES ($1, $2, $3, $4, '{text_length}', 'Revised', '', '<p>Revised.</p>') RETURNING id::int AS id`,
			{
				bind: [
					tenant.accountId,
					site.id,
					content.id,
					content.revision,
				],
			}
		) ) as [ { id: number }[], unknown ];
		const ruleFields = {
			name: `Rule ${ n }`,
			site_id: site.id,
			sector_id: sector.id,
			trigger: { kind: 'event', event: 'keywords.imported' },
			actions: [ { type: 'cluster_keywords', method: 'lexical' } ],
		};
		const [ [ rule ] ] = ( await cloud.context.db.sequelize.query(
			`INSERT INTO automation_rules (account_id, site_id, sector_id, name, trigger, trigger_event, actions, caps, acts_as)
			 VALUES ($1, $2, $3, $4, $5, 'keywords.imported', $6, '{"per_run":null,"per_day":null,"per_month":null}', $7) RETURNING id::int AS id`,
			{
				bind: [
					tenant.accountId,
					site.id,
					sector.id,
					ruleFields.name,
					JSON.stringify( ruleFields.trigger ),
					JSON.stringify( ruleFields.actions ),
					JSON.stringify( {
						kind: 'user',
						user_id: tenant.owner.id,
					} ),
				],
			}
		) ) as [ { id: number }[], unknown ];
		const [ [ automationRun ] ] = ( await cloud.context.db.sequelize.query(
			`INSERT INTO automation_runs (account_id, site_id, rule_id, rule_name, trigger, trigger_key, status)
			 VALUES ($1, $2, $3, 'Rule', 'manual', 'matrix', 'failed') RETURNING id::int AS id`,
			{ bind: [ tenant.accountId, site.id, rule!.id ] }
		) ) as [ { id: number }[], unknown ];
		// A run still waiting for its step, for cancel (resume takes the failed one).
		const [ [ waitingRun ] ] = ( await cloud.context.db.sequelize.query(
			`INSERT INTO automation_runs (account_id, site_id, rule_id, rule_name, trigger, trigger_key, status)
			 VALUES ($1, $2, $3, 'Rule', 'manual', 'matrix-waiting', 'waiting') RETURNING id::int AS id`,
			{ bind: [ tenant.accountId, site.id, rule!.id ] }
		) ) as [ { id: number }[], unknown ];
		const blueprints = new SiteBuilderStore( cloud.context.db.sequelize );
		const page = ( key: string ) => ( {
			key,
			parent_key: null,
			title: `Page ${ key }`,
			slug: key,
			page_type: 'custom' as const,
			status: 'publish' as const,
			// A heading to write a paragraph for (write/).
			sections: [ { heading: 'Intro', summary: '' } ],
			target_keywords: [],
			cluster_id: null,
		} );
		const blueprint = await cloud.context.db.sequelize.transaction(
			( transaction ) =>
				blueprints.create(
					transaction,
					{ account_id: tenant.accountId, site_id: site.id },
					{
						pages: [ page( 'home' ), page( 'about' ) ],
						categories: [],
						menus: [],
					},
					{
						name: `Structure ${ n }`,
						description: '',
						source: 'manual',
						message: 'Created',
						created_by: null,
					}
				)
		);
		const blueprintPage = ( await blueprints.pages( blueprint ) )[ 1 ]!;
		if ( route === 'POST /site-builder/blueprints/generate/' ) {
			// A structure costs 3 credits.
			await cloud.context.services.credits.add(
				tenant.accountId,
				3,
				'grant',
				'Matrix',
				`matrix-structure-${ n }`
			);
		}
		if ( route === 'POST /site-builder/pages/:id/write/' ) {
			// A page's copy costs 1 credit.
			await cloud.context.services.credits.add(
				tenant.accountId,
				1,
				'grant',
				'Matrix',
				`matrix-page-copy-${ n }`
			);
		}
		const table: Record<
			string,
			{ url: string; body?: object; upload?: { sectorId: number } }
		> = {
			'POST /site-builder/blueprints/': {
				url: '/site-builder/blueprints/',
				body: { site_id: site.id, name: `New structure ${ n }` },
			},
			'POST /site-builder/blueprints/generate/': {
				url: '/site-builder/blueprints/generate/',
				body: { site_id: site.id, blueprint_id: blueprint },
			},
			'PUT /site-builder/blueprints/:id/': {
				url: `/site-builder/blueprints/${ blueprint }/`,
				body: { name: 'Replaced', pages: [ page( 'home' ) ] },
			},
			'PATCH /site-builder/blueprints/:id/': {
				url: `/site-builder/blueprints/${ blueprint }/`,
				body: { name: 'Renamed' },
			},
			'DELETE /site-builder/blueprints/:id/': {
				url: `/site-builder/blueprints/${ blueprint }/`,
			},
			'POST /site-builder/blueprints/:id/revert/': {
				url: `/site-builder/blueprints/${ blueprint }/revert/`,
				body: { version: 1 },
			},
			'POST /site-builder/blueprints/:id/apply/': {
				url: `/site-builder/blueprints/${ blueprint }/apply/`,
				body: {},
			},
			'POST /site-builder/pages/': {
				url: '/site-builder/pages/',
				body: { blueprint_id: blueprint, title: `Added ${ n }` },
			},
			'PUT /site-builder/pages/:id/': {
				url: `/site-builder/pages/${ blueprintPage.id }/`,
				body: { title: 'Renamed' },
			},
			'PATCH /site-builder/pages/:id/': {
				url: `/site-builder/pages/${ blueprintPage.id }/`,
				body: { position: 0 },
			},
			'DELETE /site-builder/pages/:id/': {
				url: `/site-builder/pages/${ blueprintPage.id }/`,
			},
			'POST /site-builder/pages/:id/write/': {
				url: `/site-builder/pages/${ blueprintPage.id }/write/`,
				body: {},
			},
			'POST /automation/rules/': {
				url: '/automation/rules/',
				body: ruleFields,
			},
			'PATCH /automation/rules/:id/': {
				url: `/automation/rules/${ rule!.id }/`,
				body: { name: `Renamed ${ n }` },
			},
			'DELETE /automation/rules/:id/': {
				url: `/automation/rules/${ rule!.id }/`,
			},
			'POST /automation/rules/:id/pause/': {
				url: `/automation/rules/${ rule!.id }/pause/`,
			},
			'POST /automation/rules/:id/resume/': {
				url: `/automation/rules/${ rule!.id }/resume/`,
			},
			'POST /automation/rules/:id/run/': {
				url: `/automation/rules/${ rule!.id }/run/`,
			},
			'POST /automation/rules/dry_run/': {
				url: '/automation/rules/dry_run/',
				body: ruleFields,
			},
			'POST /automation/rules/:id/dry_run/': {
				url: `/automation/rules/${ rule!.id }/dry_run/`,
			},
			'POST /automation/tasks/:id/resume/': {
				url: `/automation/tasks/${ automationRun!.id }/resume/`,
			},
			'POST /automation/tasks/:id/cancel/': {
				url: `/automation/tasks/${ waitingRun!.id }/cancel/`,
			},
			'POST /optimizer/analyze/': {
				url: '/optimizer/analyze/',
				body: { content_id: content.id },
			},
			'POST /optimizer/fix/': {
				url: '/optimizer/fix/',
				body: { content_id: content.id, check_ids: [ 'text_length' ] },
			},
			'POST /optimizer/bulk/': {
				url: '/optimizer/bulk/',
				body: { content_ids: [ content.id ], credit_cap: 1000 },
			},
			'POST /optimizer/revisions/:id/accept/': {
				url: `/optimizer/revisions/${ revision!.id }/accept/`,
			},
			'POST /optimizer/revisions/:id/reject/': {
				url: `/optimizer/revisions/${ revision!.id }/reject/`,
			},
			'POST /system/prompts/': {
				url: '/system/prompts/',
				body: {
					key: 'generate_ideas',
					system: `System ${ n }`,
					user: '{{count}} ideas for {{cluster_name}}',
				},
			},
			'PUT /system/prompts/:key/': {
				url: '/system/prompts/generate_ideas/',
				body: { system: `System ${ n }`, user: '{{count}} ideas' },
			},
			'DELETE /system/prompts/:key/': {
				url: '/system/prompts/generate_ideas/',
			},
			'POST /system/author-profiles/': {
				url: '/system/author-profiles/',
				body: { name: `New voice ${ n }`, tone: 'warm' },
			},
			'PATCH /system/author-profiles/:id/': {
				url: `/system/author-profiles/${ profile.id }/`,
				body: { tone: 'dry' },
			},
			'DELETE /system/author-profiles/:id/': {
				url: `/system/author-profiles/${ profile.id }/`,
			},
			'POST /system/strategies/': {
				url: '/system/strategies/',
				body: { name: `New strategy ${ n }`, sector_id: sector.id },
			},
			'PATCH /system/strategies/:id/': {
				url: `/system/strategies/${ strategy.id }/`,
				body: { instructions: 'Short paragraphs.' },
			},
			'DELETE /system/strategies/:id/': {
				url: `/system/strategies/${ strategy.id }/`,
			},
			'PUT /system/settings/ai/': {
				url: '/system/settings/ai/',
				body: { temperature: 0.5 },
			},
			'POST /system/settings/ai/test/': {
				url: '/system/settings/ai/test/',
			},
			'PUT /billing/site-caps/:id/': {
				url: `/billing/site-caps/${ site.id }/`,
				body: { monthly_cap: 100 },
			},
			'POST /billing/estimate/': {
				url: '/billing/estimate/',
				body: {
					function: 'generate_ideas',
					input: {
						cluster_ids: [ cluster.id ],
						ideas_per_cluster: 1,
					},
				},
			},
			'POST /writer/tasks/generate_content/': {
				url: '/writer/tasks/generate_content/',
				body: { ids: [ task.id ] },
			},
			'POST /writer/content/regenerate_section/': {
				url: '/writer/content/regenerate_section/',
				body: { content_id: content.id, heading_index: 0 },
			},
			'POST /writer/tasks/generate_image_prompts/': {
				url: '/writer/tasks/generate_image_prompts/',
				body: { ids: [ task.id ], in_article_images: 1 },
			},
			'POST /writer/tasks/generate_images/': {
				url: '/writer/tasks/generate_images/',
				body: { ids: [ task.id ] },
			},
			'POST /integration/integrations/': {
				url: '/integration/integrations/',
				body: { site_id: site.id },
			},
			'PATCH /integration/integrations/:id/': {
				url: `/integration/integrations/${ integration.id }/`,
				body: { sync_enabled: false },
			},
			'DELETE /integration/integrations/:id/': {
				url: `/integration/integrations/${ integration.id }/`,
			},
			'POST /integration/integrations/:id/update-structure/': {
				url: `/integration/integrations/${ integration.id }/update-structure/`,
				body: { metadata: { post_types: [] } },
			},
			'POST /integration/integrations/:id/sync/': {
				url: `/integration/integrations/${ integration.id }/sync/`,
				body: { mode: 'full' },
			},
			'POST /integration/integrations/test-connection/': {
				url: '/integration/integrations/test-connection/',
				body: {
					site_url: 'https://example.test',
					rest_url: 'https://example.test/wp-json/',
					metadata: {},
				},
			},
			'POST /auth/site-session/': {
				url: '/auth/site-session/',
				body: {
					wp_user: { id: 1, login: 'admin', display_name: 'Admin' },
					role: 'admin',
				},
			},
			'POST /integration/events/': {
				url: '/integration/events/',
				body: { events: [ {} ] },
			},
			'POST /publisher/publish/': {
				url: '/publisher/publish/',
				body: { content_ids: [ content.id ] },
			},
			'POST /linker/apply/': {
				url: '/linker/apply/',
				body: { content_id: content.id, suggestion_ids: [ 'none' ] },
			},
			'POST /linker/reject/': {
				url: '/linker/reject/',
				body: { suggestion_ids: [ 'none' ] },
			},
			'POST /linker/remove/': {
				url: '/linker/remove/',
				body: { content_id: content.id },
			},
			'POST /linker/rebuild/': {
				url: '/linker/rebuild/',
				body: { site_id: site.id },
			},
			'PUT /linker/settings/': {
				url: `/linker/settings/?site_id=${ site.id }`,
				body: { max_links_per_post: 5, max_links_per_paragraph: 1 },
			},
			'POST /planner/keywords/import/': {
				url: '/planner/keywords/import/',
				upload: { sectorId: sector.id },
			},
			'POST /planner/keywords/import/preview/': {
				url: '/planner/keywords/import/preview/',
				upload: { sectorId: sector.id },
			},
			'POST /planner/keywords/': {
				url: '/planner/keywords/',
				body: { sector_id: sector.id, keyword: `new keyword ${ n }` },
			},
			'PUT /planner/keywords/:id/': {
				url: `/planner/keywords/${ keyword.id }/`,
				body: { search_volume: 10 },
			},
			'PATCH /planner/keywords/:id/': {
				url: `/planner/keywords/${ keyword.id }/`,
				body: { search_volume: 20 },
			},
			'DELETE /planner/keywords/:id/': {
				url: `/planner/keywords/${ keyword.id }/`,
			},
			'POST /planner/keywords/bulk_create/': {
				url: '/planner/keywords/bulk_create/',
				body: {
					sector_id: sector.id,
					keywords: [ { keyword: `bulk ${ n }` } ],
				},
			},
			'POST /planner/keywords/bulk_delete/': {
				url: '/planner/keywords/bulk_delete/',
				body: { ids: [ keyword.id ] },
			},
			'POST /planner/keywords/bulk_update_status/': {
				url: '/planner/keywords/bulk_update_status/',
				body: { ids: [ keyword.id ], status: 'inactive' },
			},
			'POST /planner/keywords/bulk_assign_cluster/': {
				url: '/planner/keywords/bulk_assign_cluster/',
				body: { ids: [ keyword.id ], cluster_id: cluster.id },
			},
			'POST /planner/clusters/': {
				url: '/planner/clusters/',
				body: { sector_id: sector.id, name: `New cluster ${ n }` },
			},
			'PUT /planner/clusters/:id/': {
				url: `/planner/clusters/${ cluster.id }/`,
				body: { name: 'Renamed' },
			},
			'PATCH /planner/clusters/:id/': {
				url: `/planner/clusters/${ cluster.id }/`,
				body: { description: 'Changed' },
			},
			'DELETE /planner/clusters/:id/': {
				url: `/planner/clusters/${ cluster.id }/`,
			},
			'POST /planner/ideas/': {
				url: '/planner/ideas/',
				body: { sector_id: sector.id, title: `New idea ${ n }` },
			},
			'PUT /planner/ideas/:id/': {
				url: `/planner/ideas/${ idea.id }/`,
				body: { title: 'Renamed' },
			},
			'PATCH /planner/ideas/:id/': {
				url: `/planner/ideas/${ idea.id }/`,
				body: { status: 'approved' },
			},
			'DELETE /planner/ideas/:id/': {
				url: `/planner/ideas/${ idea.id }/`,
			},
			'POST /planner/ideas/:id/to_task/': {
				url: `/planner/ideas/${ idea.id }/to_task/`,
			},
			'POST /planner/ideas/bulk_to_tasks/': {
				url: '/planner/ideas/bulk_to_tasks/',
				body: { ids: [ idea.id ] },
			},
			'POST /planner/clusters/generate_ideas/': {
				url: '/planner/clusters/generate_ideas/',
				body: { ids: [ cluster.id ], ideas_per_cluster: 1 },
			},
			'POST /planner/keywords/auto_cluster/': {
				url: '/planner/keywords/auto_cluster/',
				body: { ids: [ keyword.id ], method: 'lexical' },
			},
			'POST /system/ai-runs/:id/cancel/': {
				url: `/system/ai-runs/${ run.id }/cancel/`,
			},
			'POST /writer/tasks/': {
				url: '/writer/tasks/',
				body: { sector_id: sector.id, title: `New task ${ n }` },
			},
			'PUT /writer/tasks/:id/': {
				url: `/writer/tasks/${ task.id }/`,
				body: { title: 'Renamed' },
			},
			'PATCH /writer/tasks/:id/': {
				url: `/writer/tasks/${ task.id }/`,
				body: { status: 'in_progress' },
			},
			'DELETE /writer/tasks/:id/': { url: `/writer/tasks/${ task.id }/` },
			'POST /writer/content/': {
				url: '/writer/content/',
				body: {
					sector_id: sector.id,
					title: `New content ${ n }`,
					content_html: '<p>Hello</p>',
				},
			},
			'PUT /writer/content/:id/': {
				url: `/writer/content/${ content.id }/`,
				body: { title: 'Renamed' },
			},
			'PATCH /writer/content/:id/': {
				url: `/writer/content/${ content.id }/`,
				body: { content_html: '<p>Changed</p>' },
			},
			'DELETE /writer/content/:id/': {
				url: `/writer/content/${ content.id }/`,
			},
			'POST /writer/images/': {
				url: '/writer/images/',
				body: {
					sector_id: sector.id,
					content_id: content.id,
					image_url: 'https://cdn.example.test/b.png',
				},
			},
			'PUT /writer/images/:id/': {
				url: `/writer/images/${ image.id }/`,
				body: { alt_text: 'Renamed' },
			},
			'PATCH /writer/images/:id/': {
				url: `/writer/images/${ image.id }/`,
				body: { is_featured: true },
			},
			'DELETE /writer/images/:id/': {
				url: `/writer/images/${ image.id }/`,
			},
			'POST /writer/images/:id/regenerate/': {
				url: `/writer/images/${ image.id }/regenerate/`,
				body: {},
			},
			'PATCH /auth/accounts/:id/': {
				url: `/auth/accounts/${ tenant.accountId }/`,
				body: { name: `Matrix Co ${ n }` },
			},
			'POST /auth/users/': {
				url: '/auth/users/',
				body: {
					email: `new-${ n }@example.test`,
					username: `new-${ n }`,
					password: PASSWORD,
					role: 'editor',
				},
			},
			'PATCH /auth/users/:id/': {
				url: `/auth/users/${ person.id }/`,
				body: { role: 'editor' },
			},
			'DELETE /auth/users/:id/': { url: `/auth/users/${ person.id }/` },
			'POST /auth/invites/': {
				url: '/auth/invites/',
				body: { email: `invitee-${ n }@example.test`, role: 'viewer' },
			},
			'DELETE /auth/invites/:id/': {
				url: `/auth/invites/${ invite!.id }/`,
			},
			'POST /auth/sites/': {
				url: '/auth/sites/',
				body: { name: `New site ${ n }` },
			},
			'PUT /auth/sites/:id/': {
				url: `/auth/sites/${ site.id }/`,
				body: { name: `Renamed ${ n }` },
			},
			'PATCH /auth/sites/:id/': {
				url: `/auth/sites/${ site.id }/`,
				body: { name: `Renamed ${ n }` },
			},
			'DELETE /auth/sites/:id/': { url: `/auth/sites/${ site.id }/` },
			'POST /auth/sites/:id/api-keys/': {
				url: `/auth/sites/${ site.id }/api-keys/`,
				body: { name: 'k2' },
			},
			'DELETE /auth/sites/:id/api-keys/:keyId/': {
				url: `/auth/sites/${ site.id }/api-keys/${ key.id }/`,
			},
			'POST /auth/sectors/': {
				url: '/auth/sectors/',
				body: { site_id: site.id, name: 'Another' },
			},
			'PATCH /auth/sectors/:id/': {
				url: `/auth/sectors/${ sector.id }/`,
				body: { name: 'Renamed' },
			},
			'DELETE /auth/sectors/:id/': {
				url: `/auth/sectors/${ sector.id }/`,
			},
			// Each actor changes their own password back and forth.
			'POST /auth/change-password/': {
				url: '/auth/change-password/',
				body: { current_password: PASSWORD, new_password: PASSWORD },
			},
		};
		return table[ route ]!;
	}

	const cases = Object.entries( EXPECTED ).flatMap( ( [ route, allowed ] ) =>
		ROLES.map(
			( role ) => [ route, role, allowed.includes( role ) ] as const
		)
	);

	it.each( cases )(
		'%s as %s → allowed: %s',
		async ( route, role, allowed ) => {
			const { url, body, upload } = await target( route );
			const method = route.split( ' ' )[ 0 ]!.toLowerCase() as
				'post' | 'put' | 'patch' | 'delete';
			const before =
				( await cloud.context.models.Site.count() ) +
				( await cloud.context.models.User.count( {
					where: { is_active: true },
				} ) );
			const call = request( cloud.app )
				[ method ]( `/api/v1${ url }` )
				.set( bearer( actors.get( role )! ) );
			const response = upload
				? await call
						.field( 'sector_id', String( upload.sectorId ) )
						.attach(
							'file',
							Buffer.from( 'Keyword\nrunning shoes\n' ),
							'keywords.csv'
						)
				: await call.send( body );
			if ( allowed ) {
				expect( [ 200, 201, 202, 204 ] ).toContain( response.status );
			} else {
				expect( {
					status: response.status,
					code: response.body.code,
				} ).toEqual( { status: 403, code: 'permission_denied' } );
				expect( response.body.error ).toMatch(
					new RegExp( `\\(${ role }\\)` )
				);
				const after =
					( await cloud.context.models.Site.count() ) +
					( await cloud.context.models.User.count( {
						where: { is_active: true },
					} ) );
				expect( after ).toBe( before );
			}
		}
	);

	it( 'lets an admin manage people up to admin, but not owners', async () => {
		const admin = actors.get( 'admin' )!;
		const promote = await request( cloud.app )
			.post( '/api/v1/auth/users/' )
			.set( bearer( admin ) )
			.send( {
				email: 'would-be-owner@example.test',
				username: 'would-be-owner',
				password: PASSWORD,
				role: 'owner',
			} )
			.expect( 403 );
		expect( promote.body.error ).toBe(
			'Your role (admin) cannot manage users with the owner role.'
		);
		await request( cloud.app )
			.patch( `/api/v1/auth/users/${ tenant.owner.id }/` )
			.set( bearer( admin ) )
			.send( { is_active: false } )
			.expect( 403 );
	} );

	it( 'never leaves an account without an active owner, and nobody locks themselves out', async () => {
		const owner = tenant.owner;
		const self = await request( cloud.app )
			.patch( `/api/v1/auth/users/${ owner.id }/` )
			.set( bearer( owner ) )
			.send( { is_active: false } )
			.expect( 403 );
		expect( self.body.error ).toBe( 'You cannot deactivate yourself.' );
		await request( cloud.app )
			.patch( `/api/v1/auth/users/${ owner.id }/` )
			.set( bearer( owner ) )
			.send( { role: 'viewer' } )
			.expect( 403 );
	} );

	it( 'lets support staff read any account but write nothing', async () => {
		const staff = await addTenant( cloud, 'IGNY8 Support' );
		const developer = await addUser( cloud, staff.accountId, 'developer' );
		const sites = await request( cloud.app )
			.get( `/api/v1/auth/sites/?account_id=${ tenant.accountId }` )
			.set( bearer( developer ) )
			.expect( 200 );
		expect( sites.body.count ).toBeGreaterThan( 0 );
		expect(
			sites.body.results.every(
				( s: { account_id: number } ) =>
					s.account_id === tenant.accountId
			)
		).toBe( true );
		await request( cloud.app )
			.get( `/api/v1/auth/accounts/${ tenant.accountId }/` )
			.set( bearer( developer ) )
			.expect( 200 );
		await request( cloud.app )
			.patch( `/api/v1/auth/sites/${ tenant.siteId }/` )
			.set( bearer( developer ) )
			.send( { name: 'x' } )
			.expect( 403 );
	} );
} );
