import { QueryTypes } from 'sequelize';
import request from 'supertest';
import {
	startFakeOpenAI,
	type FakeOpenAI,
	type FakeRequest,
} from '@igny8/test-harness';
import { AI_ENV, balance, grant } from './ai-support';
import { addTenant, bearer, type Tenant } from './fixtures';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type Modes,
	type TestCloud,
} from './support';

/**
 * Automation over a real PostgreSQL, the inline queue and the fake AI
 * provider: rules fire from a schedule (once per due time, once after an
 * outage) and from domain events (once per event), run the pipeline step by
 * step, stop before a step the caps cannot cover without charging for it,
 * and pick up after a worker died between starting an AI run and recording
 * it without starting or charging it twice.
 */

const KEYWORDS = [
	{ keyword: 'tomato seeds', search_volume: 900 },
	{ keyword: 'tomato seedlings', search_volume: 500 },
	{ keyword: 'growing tomato seeds', search_volume: 300 },
	{ keyword: 'rose pruning', search_volume: 800 },
	{ keyword: 'pruning roses', search_volume: 400 },
	{ keyword: 'rose pruning shears', search_volume: 200 },
];

const schemaName = ( r: FakeRequest ): string =>
	r.body?.response_format?.json_schema?.name ?? '';
const promptOf = ( r: FakeRequest ): string =>
	( ( r.body?.messages ?? [] ) as { content: string }[] )
		.map( ( m ) => m.content )
		.join( '\n' );

const ARTICLE = ( title: string ) => ( {
	title,
	content_html: `<h2>${ title }</h2><p>Step one: start small.</p><h2>Tools</h2><p>Sharp shears and good soil.</p>`,
	excerpt: `A short guide: ${ title }.`,
	meta_description: `Learn ${ title.toLowerCase() }.`,
	categories: [ 'Guides' ],
	tags: [ 'garden' ],
} );

function scriptProvider( openai: FakeOpenAI, latencyMs = 0 ) {
	openai.fallback( 'chat', ( r ) => {
		const name = schemaName( r );
		const prompt = promptOf( r );
		if ( name === 'content_ideas' || /content ideas/i.test( prompt ) ) {
			const cluster =
				/Cluster: ([^\n—]+)/.exec( prompt )?.[ 1 ]?.trim() ??
				'the garden';
			return {
				latencyMs,
				content: {
					ideas: [
						{
							title: `The complete guide to ${ cluster }`,
							description: `Everything about ${ cluster }.`,
							content_type: 'post',
							target_word_count: 1200,
							suggested_keywords: [ cluster ],
						},
					],
				},
			};
		}
		if ( name === 'optimized_draft' ) {
			return {
				latencyMs,
				content: {
					title: 'Tomato seeds: a better guide',
					meta_description:
						'Tomato seeds indoors, step by step, from sowing to planting out in spring.',
					content_html:
						'<p>Tomato seeds sprout when the soil is warm.</p><h2>Tomato seeds and light</h2><p>Give them light.</p>',
				},
			};
		}
		const title =
			/titled "([^"]+)"/.exec( prompt )?.[ 1 ] ?? 'A garden article';
		return { latencyMs, content: ARTICLE( title ) };
	} );
}

type Run = {
	id: number;
	status: string;
	error: string | null;
	credits_used: number;
	steps: {
		status: string;
		credits_estimated: number | null;
		credits_used: number;
		output: { kind: string; ids: number[] };
		message: string | null;
		ai_run_ids: number[];
	}[];
};

jest.setTimeout( 120_000 );

describe.each( [
	{ db: 'postgres', queue: 'inline' },
	// The embedded default (`npm start`).
	{ db: 'pglite', queue: 'inline' },
] as Modes[] )( 'automation on $db', ( modes ) => {
	let openai: FakeOpenAI;
	let cloud: TestCloud;
	let tenant: Tenant;
	let other: Tenant;

	const api = (
		method: 'get' | 'post' | 'patch' | 'delete',
		path: string,
		as: Tenant = tenant
	) =>
		request( cloud.app )
			[ method ]( `/api/v1/automation/${ path }` )
			.set( bearer( as.owner ) );
	const count = async ( sql: string, bind: unknown[] = [] ) =>
		Number(
			(
				( await cloud.context.db.sequelize.query( sql, {
					bind,
					plain: true,
				} ) ) as { n: string }
			 ).n
		);
	const rule = ( fields: Record< string, unknown > = {} ) => ( {
		name: 'Daily pipeline',
		site_id: tenant.siteId,
		sector_id: tenant.sectorId,
		trigger: {
			kind: 'schedule',
			cron: '0 6 * * *',
			timezone: 'Europe/Berlin',
		},
		actions: [
			{ type: 'cluster_keywords', method: 'lexical' },
			{ type: 'generate_ideas', ideas_per_cluster: 1 },
			{ type: 'approve_ideas', mode: 'all' },
			{ type: 'create_tasks' },
			{ type: 'generate_content' },
			{ type: 'optimize', min_score: 100 },
			{ type: 'insert_links', max_links: 2 },
		],
		...fields,
	} );
	/** What the scheduler and the workers do, until the run stops moving. */
	const settle = async ( runId: number ): Promise< Run > =>
		waitFor( async () => {
			// Delivery waits for every older transaction on the server (other test files' too):
			// a slow round is not a failure, the reconciler advances runs without events anyway.
			await deliverEvents( cloud, 1_000 ).catch( () => undefined );
			await cloud.context.services.automationExecutor.reconcile();
			const run = (
				await api( 'get', `tasks/${ runId }/` ).expect( 200 )
			).body.data as Run;
			return [ 'succeeded', 'failed', 'capped', 'cancelled' ].includes(
				run.status
			)
				? run
				: undefined;
		}, 90_000 );
	const addKeywords = async () =>
		request( cloud.app )
			.post( '/api/v1/planner/keywords/bulk_create/' )
			.set( bearer( tenant.owner ) )
			.send( { sector_id: tenant.sectorId, keywords: KEYWORDS } )
			.expect( 201 );
	const resetSector = async () => {
		const { sequelize } = cloud.context.db;
		await sequelize.query( 'DELETE FROM automation_rules' );
		await sequelize.query( 'DELETE FROM automation_runs' );
		await sequelize.query( 'DELETE FROM content WHERE sector_id = $1', {
			bind: [ tenant.sectorId ],
		} );
		await sequelize.query( 'DELETE FROM tasks WHERE sector_id = $1', {
			bind: [ tenant.sectorId ],
		} );
		await sequelize.query(
			'DELETE FROM content_ideas WHERE sector_id = $1',
			{ bind: [ tenant.sectorId ] }
		);
		await sequelize.query( 'DELETE FROM clusters WHERE sector_id = $1', {
			bind: [ tenant.sectorId ],
		} );
	};

	beforeAll( async () => {
		openai = await startFakeOpenAI();
		cloud = await startTestCloud( modes, AI_ENV( openai ) );
		tenant = await addTenant( cloud, 'Automation' );
		other = await addTenant( cloud, 'Automation elsewhere' );
		await grant( cloud, tenant, 1000 );
		// Per-item prices only: the charge is then exactly the estimate (no token part to fall short of).
		await cloud.context.db.sequelize.query(
			`UPDATE ai_function_prices SET credits_per_1k_tokens = 0, credits_per_item = 2, min_credits = 0
			 WHERE function_name IN ('generate_ideas', 'generate_content')`
		);
		await addKeywords();
	} );
	beforeEach( () => {
		openai.reset();
		scriptProvider( openai );
	} );
	afterAll( async () => {
		await cloud?.stop();
		await openai?.close();
	} );

	describe( 'rules', () => {
		it( 'saves a rule with its next time in the rule’s time zone, and keeps it from other accounts', async () => {
			const saved = (
				await api( 'post', 'rules/' ).send( rule() ).expect( 201 )
			).body.data;
			expect( saved ).toMatchObject( {
				name: 'Daily pipeline',
				enabled: true,
				credits_this_month: 0,
			} );
			// 06:00 in Berlin is 05:00 UTC in winter.
			expect( new Date( saved.next_fire_at ).getUTCHours() ).toBe( 5 );
			await api( 'get', `rules/${ saved.id }/`, other ).expect( 404 );
			await api( 'patch', `rules/${ saved.id }/`, other )
				.send( { enabled: false } )
				.expect( 404 );
			await api( 'post', `rules/${ saved.id }/run/`, other ).expect(
				404
			);
			const paused = (
				await api( 'post', `rules/${ saved.id }/pause/` ).expect( 200 )
			).body.data;
			expect( paused ).toMatchObject( {
				enabled: false,
				next_fire_at: null,
			} );
			const listed = (
				await api( 'get', 'rules/?enabled=false' ).expect( 200 )
			).body;
			expect(
				listed.results.map( ( r: { id: number } ) => r.id )
			).toEqual( [ saved.id ] );
			await api( 'delete', `rules/${ saved.id }/` ).expect( 204 );
			await api( 'get', `rules/${ saved.id }/` ).expect( 404 );
		} );

		it( 'refuses a bad rule with the field to fix, and saves nothing', async () => {
			const before = await count(
				'SELECT count(*) AS n FROM automation_rules'
			);
			const badCron = await api( 'post', 'rules/' )
				.send(
					rule( {
						trigger: {
							kind: 'schedule',
							cron: '61 * * * *',
							timezone: 'UTC',
						},
					} )
				)
				.expect( 400 );
			expect( badCron.body.success ).toBe( false );
			expect( badCron.body.errors[ 'trigger.cron' ][ 0 ] ).toMatch(
				/not a cron expression/
			);
			const badZone = await api( 'post', 'rules/' )
				.send(
					rule( {
						trigger: {
							kind: 'schedule',
							cron: '0 6 * * *',
							timezone: 'Mars/Olympus',
						},
					} )
				)
				.expect( 400 );
			expect( JSON.stringify( badZone.body.errors ) ).toMatch(
				/time zone/
			);
			const foreignSector = await api( 'post', 'rules/' )
				.send( rule( { sector_id: other.sectorId } ) )
				.expect( 400 );
			expect( foreignSector.body.errors.sector_id[ 0 ] ).toMatch(
				/does not exist/
			);
			const noTop = await api( 'post', 'rules/' )
				.send(
					rule( {
						actions: [ { type: 'approve_ideas', mode: 'top' } ],
					} )
				)
				.expect( 400 );
			expect( noTop.body.errors[ 'actions.0.top_n' ] ).toBeDefined();
			expect(
				await count( 'SELECT count(*) AS n FROM automation_rules' )
			).toBe( before );
		} );
	} );

	describe( 'dry run', () => {
		it( 'prices the first step and names what later steps wait for, changing and charging nothing', async () => {
			await resetSector();
			const credits = await balance( cloud, tenant );
			const runsBefore = await count(
				'SELECT count(*) AS n FROM ai_task_runs'
			);
			const dry = (
				await api( 'post', 'rules/dry_run/' )
					.send(
						rule( {
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
								{
									type: 'generate_ideas',
									ideas_per_cluster: 1,
								},
							],
						} )
					)
					.expect( 200 )
			).body.data;
			expect( dry.steps[ 0 ] ).toMatchObject( {
				description: 'Cluster 6 keywords by the words they share',
				items: 6,
				credits: 0,
			} );
			expect( dry.steps[ 1 ] ).toMatchObject( { credits: null } );
			expect( dry.steps[ 1 ].description ).toMatch(
				/^Works on what step 1 \(cluster keywords\) makes$/
			);
			expect( await balance( cloud, tenant ) ).toBe( credits );
			expect(
				await count( 'SELECT count(*) AS n FROM ai_task_runs' )
			).toBe( runsBefore );
			expect(
				await count(
					'SELECT count(*) AS n FROM clusters WHERE sector_id = $1',
					[ tenant.sectorId ]
				)
			).toBe( 0 );
		} );
	} );

	describe( 'a schedule rule', () => {
		it( 'runs cluster → ideas → approve → tasks → content → optimize → links unattended; its credits equal its estimates', async () => {
			await resetSector();
			const credits = await balance( cloud, tenant );
			const saved = (
				await api( 'post', 'rules/' ).send( rule() ).expect( 201 )
			).body.data;
			const fired = await cloud.context.services.automationTriggers.tick(
				new Date( Date.parse( saved.next_fire_at ) + 1000 )
			);
			expect( fired ).toBe( 1 );
			const [ runId ] = (
				await api( 'get', `tasks/?rule_id=${ saved.id }` ).expect( 200 )
			).body.results.map( ( r: Run ) => r.id );
			const run = await settle( runId );
			expect( run.error ).toBeNull();
			expect( run.status ).toBe( 'succeeded' );
			expect( run.steps.map( ( s ) => s.status ) ).toEqual(
				Array( 7 ).fill( 'succeeded' )
			);
			const [ cluster, ideas, approve, tasks, content, optimize ] =
				run.steps;
			expect( cluster!.output ).toMatchObject( { kind: 'clusters' } );
			expect( cluster!.output.ids.length ).toBe( 2 );
			expect( ideas!.output.ids ).toHaveLength( 2 );
			expect( approve!.output.ids.sort() ).toEqual(
				ideas!.output.ids.sort()
			);
			expect( tasks!.output ).toMatchObject( { kind: 'tasks' } );
			expect( content!.output.ids ).toHaveLength( 2 );
			expect( optimize!.message ).toMatch(
				/2 drafts rewritten and accepted/
			);
			// Every credit the run spent was estimated before its step started, and charged once.
			const estimated = run.steps.reduce(
				( n, s ) => n + ( s.credits_estimated ?? 0 ),
				0
			);
			expect( run.credits_used ).toBe( estimated );
			expect( run.credits_used ).toBeGreaterThan( 0 );
			expect( credits - ( await balance( cloud, tenant ) ) ).toBe(
				run.credits_used
			);
			expect(
				await count(
					`SELECT count(*) AS n FROM content WHERE sector_id = $1`,
					[ tenant.sectorId ]
				)
			).toBe( 2 );
			// The rule shows what it spent this month, and the month's spend counts it.
			expect(
				( await api( 'get', `rules/${ saved.id }/` ).expect( 200 ) )
					.body.data.credits_this_month
			).toBe( run.credits_used );
			const spend = ( await api( 'get', 'spend/' ).expect( 200 ) ).body
				.data;
			expect( spend.by_rule ).toEqual( [
				{
					rule_id: saved.id,
					name: 'Daily pipeline',
					credits: run.credits_used,
					runs: 1,
				},
			] );
			// Run again: nothing new to do, nothing charged, nothing duplicated.
			const again = (
				await api( 'post', `rules/${ saved.id }/run/` ).expect( 202 )
			).body.data;
			const second = await settle( again.id );
			expect( second.status ).toBe( 'succeeded' );
			expect( second.steps[ 0 ]!.status ).toBe( 'skipped' );
			expect( second.credits_used ).toBe( 0 );
			expect(
				await count(
					`SELECT count(*) AS n FROM content WHERE sector_id = $1`,
					[ tenant.sectorId ]
				)
			).toBe( 2 );
		} );

		it( 'stops before the first step its cap cannot cover and charges nothing for it; resumed with a higher cap, it goes on', async () => {
			await resetSector();
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							caps: {
								per_run: 5,
								per_day: null,
								per_month: null,
							},
						} )
					)
					.expect( 201 )
			).body.data;
			const credits = await balance( cloud, tenant );
			const started = (
				await api( 'post', `rules/${ saved.id }/run/` ).expect( 202 )
			).body.data;
			const run = await settle( started.id );
			expect( run.status ).toBe( 'capped' );
			// Ideas cost 2 × 2 = 4 (within 5); content would take 4 more.
			expect( run.steps.map( ( s ) => s.status ) ).toEqual( [
				'succeeded',
				'succeeded',
				'succeeded',
				'succeeded',
				'capped',
				'pending',
				'pending',
			] );
			expect( run.steps[ 4 ]!.ai_run_ids ).toEqual( [] );
			expect( run.error ).toMatch(
				/Stopped before step 5 \(generate content\): it may cost 4 credits and the rule's cap of 5 credits per run has 1 left/
			);
			expect(
				await count(
					`SELECT count(*) AS n FROM ai_task_runs WHERE function_name = 'generate_content' AND origin_key LIKE $1`,
					[ `automation:${ run.id }:%` ]
				)
			).toBe( 0 );
			expect( credits - ( await balance( cloud, tenant ) ) ).toBe( 4 );
			await api( 'patch', `rules/${ saved.id }/` )
				.send( {
					caps: { per_run: 100, per_day: null, per_month: null },
				} )
				.expect( 200 );
			await api( 'post', `tasks/${ run.id }/resume/` ).expect( 200 );
			const resumed = await settle( run.id );
			expect( resumed.status ).toBe( 'succeeded' );
			expect(
				await count(
					`SELECT count(*) AS n FROM ai_task_runs WHERE function_name = 'generate_ideas' AND origin_key LIKE $1`,
					[ `automation:${ run.id }:%` ]
				)
			).toBe( 1 );
		} );

		it( 'fires a daily rule once after a six-hour outage, and not again until its next time', async () => {
			await resetSector();
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
							],
							trigger: {
								kind: 'schedule',
								cron: '0 6 * * *',
								timezone: 'UTC',
							},
						} )
					)
					.expect( 201 )
			).body.data;
			const due = Date.parse( saved.next_fire_at );
			const { automationTriggers } = cloud.context.services;
			// Everything was down from before the due time until six hours after it.
			const recovered = new Date( due + 6 * 3600_000 );
			expect( await automationTriggers.tick( recovered ) ).toBe( 1 );
			expect( await automationTriggers.tick( recovered ) ).toBe( 0 );
			expect(
				await automationTriggers.tick( new Date( due + 7 * 3600_000 ) )
			).toBe( 0 );
			const after = (
				await api( 'get', `rules/${ saved.id }/` ).expect( 200 )
			).body.data;
			expect( Date.parse( after.next_fire_at ) ).toBe(
				due + 24 * 3600_000
			);
			// An hourly rule over the same outage: once, not six times.
			const hourly = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							name: 'Hourly',
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
							],
							trigger: {
								kind: 'schedule',
								cron: '0 * * * *',
								timezone: 'UTC',
							},
						} )
					)
					.expect( 201 )
			).body.data;
			expect(
				await automationTriggers.tick(
					new Date( Date.parse( hourly.next_fire_at ) + 6 * 3600_000 )
				)
			).toBe( 1 );
			expect(
				await count(
					'SELECT count(*) AS n FROM automation_runs WHERE rule_id = $1',
					[ hourly.id ]
				)
			).toBe( 1 );
			// Let those runs finish before the next test resets the sector under them.
			for ( const run of ( await api( 'get', 'tasks/' ).expect( 200 ) )
				.body.results as Run[] ) {
				await settle( run.id );
			}
		} );
	} );

	describe( 'an event rule', () => {
		it( 'starts once per event, however often the event is delivered', async () => {
			await resetSector();
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							trigger: {
								kind: 'event',
								event: 'keywords.imported',
							},
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
							],
						} )
					)
					.expect( 201 )
			).body.data;
			expect( saved.next_fire_at ).toBeNull();
			const subscriber =
				cloud.context.services.automationTriggers.subscriber();
			const event = {
				id: 987654,
				type: 'keywords.imported' as const,
				account_id: tenant.accountId,
				payload: {
					site_id: tenant.siteId,
					sector_id: tenant.sectorId,
					import_id: 1,
				},
				created_at: new Date(),
			};
			await subscriber.handle( event );
			await subscriber.handle( event );
			// Another account's event on a site id it does not own starts nothing.
			await subscriber.handle( {
				...event,
				id: 987655,
				account_id: other.accountId,
			} );
			const runs = (
				await api( 'get', `tasks/?rule_id=${ saved.id }` ).expect( 200 )
			).body;
			expect( runs.count ).toBe( 1 );
			const run = await settle( runs.results[ 0 ].id );
			expect( run.status ).toBe( 'succeeded' );
			expect( run.steps[ 0 ]!.output.ids ).toHaveLength( 2 );
		} );
	} );

	describe( 'a status condition', () => {
		it( 'starts a content.published rule only for the post statuses it names, and is refused on other triggers', async () => {
			await resetSector();
			const refused = await api( 'post', 'rules/' )
				.send(
					rule( {
						conditions: { post_statuses: [ 'publish' ] },
						actions: [ { type: 'insert_links', max_links: 2 } ],
					} )
				)
				.expect( 400 );
			expect(
				refused.body.errors[ 'conditions.post_statuses' ][ 0 ]
			).toMatch( /only to rules that start when content is published/ );
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							trigger: {
								kind: 'event',
								event: 'content.published',
							},
							conditions: { post_statuses: [ 'publish' ] },
							actions: [ { type: 'insert_links', max_links: 2 } ],
						} )
					)
					.expect( 201 )
			).body.data;
			const subscriber =
				cloud.context.services.automationTriggers.subscriber();
			const published = ( id: number, status: string ) => ( {
				id,
				type: 'content.published' as const,
				account_id: tenant.accountId,
				payload: { site_id: tenant.siteId, content_id: 1, status },
				created_at: new Date(),
			} );
			await subscriber.handle( published( 887001, 'future' ) );
			expect(
				(
					await api( 'get', `tasks/?rule_id=${ saved.id }` ).expect(
						200
					)
				).body.count
			).toBe( 0 );
			await subscriber.handle( published( 887002, 'publish' ) );
			const runs = (
				await api( 'get', `tasks/?rule_id=${ saved.id }` ).expect( 200 )
			).body;
			expect( runs.count ).toBe( 1 );
			await settle( runs.results[ 0 ].id );
		} );
	} );

	describe( 'a step that fails', () => {
		it( 'is retried with backoff, fails the run after its last attempt (refunded), and resumes from that step', async () => {
			await resetSector();
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
								{
									type: 'generate_ideas',
									ideas_per_cluster: 1,
								},
							],
						} )
					)
					.expect( 201 )
			).body.data;
			openai.reset();
			openai.fallback( 'chat', {
				status: 500,
				message: 'Upstream broke',
			} );
			const credits = await balance( cloud, tenant );
			const started = (
				await api( 'post', `rules/${ saved.id }/run/` ).expect( 202 )
			).body.data;
			const { sequelize } = cloud.context.db;
			const stepTwo = async () =>
				( await sequelize.query(
					`SELECT status, attempts, next_attempt_at, error FROM automation_steps WHERE run_id = $1 AND position = 1`,
					{ bind: [ started.id ], plain: true }
				) ) as {
					status: string;
					attempts: number;
					next_attempt_at: Date | null;
					error: string | null;
				};
			for ( const attempt of [ 1, 2 ] ) {
				const waiting = await waitFor( async () => {
					await deliverEvents( cloud, 1_000 ).catch(
						() => undefined
					);
					await cloud.context.services.automationExecutor.reconcile();
					const step = await stepTwo();
					return step.status === 'pending' &&
						step.attempts === attempt
						? step
						: undefined;
				}, 30_000 );
				// Backoff: 30 s, then 60 s, from when the attempt's AI run failed.
				const [ failedRun ] = ( await sequelize.query(
					`SELECT finished_at FROM ai_task_runs WHERE origin_key LIKE $1`,
					{
						bind: [ `automation:${ started.id }:1:${ attempt }:%` ],
						type: QueryTypes.SELECT,
					}
				) ) as { finished_at: Date }[];
				const wait =
					waiting.next_attempt_at!.getTime() -
					new Date( failedRun!.finished_at ).getTime();
				expect( wait ).toBeGreaterThanOrEqual( attempt * 30_000 );
				// The step is marked when the run is collected: a loaded machine takes a moment.
				expect( wait ).toBeLessThan( attempt * 30_000 + 15_000 );
				expect( waiting.error ).toMatch( /Upstream broke|provider/i );
				await sequelize.query(
					`UPDATE automation_steps SET next_attempt_at = NOW() WHERE run_id = $1 AND position = 1`,
					{ bind: [ started.id ] }
				);
			}
			const failed = await settle( started.id );
			expect( failed.status ).toBe( 'failed' );
			expect( failed.error ).toMatch(
				/^Step 2 \(generate ideas\) failed 3 times: /
			);
			expect( failed.steps.map( ( s ) => s.status ) ).toEqual( [
				'succeeded',
				'failed',
			] );
			// Every failed AI run was refunded: nothing charged.
			expect( await balance( cloud, tenant ) ).toBe( credits );
			scriptProvider( openai );
			await api( 'post', `tasks/${ started.id }/resume/` ).expect( 200 );
			const resumed = await settle( started.id );
			expect( resumed.status ).toBe( 'succeeded' );
			expect( resumed.steps[ 1 ]!.output.ids ).toHaveLength( 2 );
			// The clustering step was not run again.
			expect(
				await count(
					`SELECT count(*) AS n FROM ai_task_runs WHERE function_name = 'auto_cluster' AND origin_key LIKE $1`,
					[ `automation:${ started.id }:%` ]
				)
			).toBe( 1 );
			await api( 'post', `tasks/${ started.id }/resume/` ).expect( 409 );
		} );
	} );

	describe( 'a worker that dies mid-step', () => {
		it( 'is picked up where it was: the AI run it started is found again, not started or charged twice', async () => {
			await resetSector();
			const saved = (
				await api( 'post', 'rules/' )
					.send(
						rule( {
							actions: [
								{ type: 'cluster_keywords', method: 'lexical' },
								{
									type: 'generate_ideas',
									ideas_per_cluster: 1,
								},
							],
						} )
					)
					.expect( 201 )
			).body.data;
			openai.reset();
			scriptProvider( openai, 3000 );
			const credits = await balance( cloud, tenant );
			const started = (
				await api( 'post', `rules/${ saved.id }/run/` ).expect( 202 )
			).body.data;
			const { sequelize } = cloud.context.db;
			// The ideas step started its AI run…
			await waitFor( async () => {
				// The reconciler alone moves the run on: no event round to miss the window in.

				await cloud.context.services.automationExecutor.reconcile();
				return ( await count(
					`SELECT count(*) AS n FROM automation_steps WHERE run_id = $1 AND position = 1 AND status = 'waiting'`,
					[ started.id ]
				) ) === 1
					? true
					: undefined;
			}, 30_000 );
			// …and the worker died before it recorded that: the step is as it was, the lease lapsed.
			await sequelize.query(
				`UPDATE automation_steps SET status = 'pending', attempts = 0, ai_run_ids = '{}' WHERE run_id = $1 AND position = 1`,
				{ bind: [ started.id ] }
			);
			await sequelize.query(
				`UPDATE automation_runs SET status = 'running', lease_until = NOW() - interval '1 second' WHERE id = $1`,
				{ bind: [ started.id ] }
			);
			const run = await settle( started.id );
			expect( run.status ).toBe( 'succeeded' );
			expect(
				await count(
					`SELECT count(*) AS n FROM ai_task_runs WHERE function_name = 'generate_ideas' AND origin_key LIKE $1`,
					[ `automation:${ started.id }:%` ]
				)
			).toBe( 1 );
			expect(
				await count(
					'SELECT count(*) AS n FROM content_ideas WHERE sector_id = $1',
					[ tenant.sectorId ]
				)
			).toBe( 2 );
			expect( credits - ( await balance( cloud, tenant ) ) ).toBe( 4 );
			expect( run.credits_used ).toBe( 4 );
		} );
	} );
} );
