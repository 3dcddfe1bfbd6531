import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { startFakeOpenAI, type FakeOpenAI } from '@igny8/test-harness';
import { SiteCreditCapError } from '../src/modules/billing';
import { AI_ENV, grant } from './ai-support';
import {
	addContent,
	addTenant,
	addUser,
	bearer,
	type Actor,
	type Tenant,
} from './fixtures';
import { addSecondSite, as, siteSession } from './security-support';
import {
	deliverEvents,
	startTestCloud,
	waitFor,
	type TestCloud,
} from './support';

/**
 * Per-site monthly credit caps over a real PostgreSQL: set and read through
 * the API by the account's managers (another account's sites invisible and
 * unchangeable), enforced where every AI run and automation step reserves —
 * a refused reservation charges and writes nothing, refunds give room back,
 * last month's spending does not count, and reservations racing for the
 * last room never both pass. An automation run that meets the cap stops as
 * capped, saying so.
 */

jest.setTimeout( 120_000 );

let cloud: TestCloud;
let openai: FakeOpenAI;
let tenant: Tenant;
let other: Tenant;
const people: Record< 'admin' | 'editor' | 'viewer', Actor > = {} as never;
let n = 0;

const credits = () => cloud.context.services.credits;
const sql = < T extends object >(
	query: string,
	replacements: Record< string, unknown > = {}
) =>
	cloud.context.db.sequelize.query< T >( query, {
		replacements,
		type: QueryTypes.SELECT,
	} );
const ledgerRows = async ( accountId: number ) =>
	Number(
		(
			await sql< { n: number } >(
				'SELECT count(*)::int AS n FROM credit_transactions WHERE account_id = :accountId',
				{ accountId }
			)
		)[ 0 ]!.n
	);

/** A fresh site of the tenant's account (each case its own month of spending). */
async function newSite( name = `Capped site ${ ++n }` ): Promise< number > {
	const response = await request( cloud.app )
		.post( '/api/v1/auth/sites/' )
		.set( bearer( tenant.owner ) )
		.send( { name } )
		.expect( 201 );
	return response.body.data.id as number;
}

const setCap = (
	siteId: number,
	monthlyCap: number | null,
	who = tenant.owner
) =>
	request( cloud.app )
		.put( `/api/v1/billing/site-caps/${ siteId }/` )
		.set( bearer( who ) )
		.send( { monthly_cap: monthlyCap } );

const reserve = ( siteId: number, jobId: string, amount: number ) =>
	credits().reserve( {
		accountId: tenant.accountId,
		jobId,
		amount,
		siteId,
		functionName: 'generate_ideas',
		description: 'Ideas',
	} );

async function capsOf( actor: Actor | string ) {
	const response = await request( cloud.app )
		.get( '/api/v1/billing/site-caps/' )
		.set( typeof actor === 'string' ? as( actor ) : bearer( actor ) )
		.expect( 200 );
	return response.body.data as {
		month: string;
		month_start: string;
		resets_at: string;
		sites: {
			site_id: number;
			site_name: string;
			monthly_cap: number | null;
			used: number;
			remaining: number | null;
			set_by: number | null;
			set_at: string | null;
		}[];
	};
}

const usedOf = async ( siteId: number ) =>
	( await capsOf( tenant.owner ) ).sites.find(
		( s ) => s.site_id === siteId
	)!;

beforeAll( async () => {
	openai = await startFakeOpenAI();
	openai.fallback( 'chat', {
		content: {
			ideas: [
				{
					title: 'Capped idea',
					description: 'One idea.',
					content_type: 'post',
					target_word_count: 800,
					suggested_keywords: [ 'capped' ],
				},
			],
		},
	} );
	// Many connections: reservations must really race.
	cloud = await startTestCloud(
		{ db: 'postgres', queue: 'inline' },
		{ ...AI_ENV( openai ), DATABASE_POOL_MAX: '20' }
	);
	tenant = await addTenant( cloud, 'Caps Agency' );
	other = await addTenant( cloud, 'Caps Elsewhere' );
	people.admin = await addUser( cloud, tenant.accountId, 'admin' );
	people.editor = await addUser( cloud, tenant.accountId, 'editor' );
	people.viewer = await addUser( cloud, tenant.accountId, 'viewer' );
	await grant( cloud, tenant, 10_000 );
	await grant( cloud, other, 100 );
} );

afterAll( async () => {
	await cloud?.stop();
	await openai?.close();
} );

describe( 'setting and reading caps', () => {
	it( 'lists every site of the account with its cap or none and what it used this month (UTC)', async () => {
		const siteId = await newSite( 'Listed site' );
		await reserve( siteId, 'listed-1', 7 );
		await credits().settle( 'listed-1', 5 );
		const set = await setCap( siteId, 40 ).expect( 200 );
		expect( set.body.data ).toMatchObject( {
			site_id: siteId,
			site_name: 'Listed site',
			monthly_cap: 40,
			used: 5,
			remaining: 35,
			set_by: tenant.owner.id,
		} );
		expect( set.body.message ).toBe(
			'Listed site may spend 40 credits a month (UTC).'
		);
		const one = await request( cloud.app )
			.get( '/api/v1/billing/site-caps/' )
			.query( { site_id: siteId } )
			.set( bearer( people.editor ) )
			.expect( 200 );
		expect(
			one.body.data.sites.map( ( s: { site_id: number } ) => s.site_id )
		).toEqual( [ siteId ] );
		const caps = await capsOf( people.viewer );
		const now = new Date();
		const month = now.toISOString().slice( 0, 7 );
		expect( caps.month ).toBe( month );
		expect( caps.month_start ).toBe( `${ month }-01T00:00:00.000Z` );
		expect( new Date( caps.resets_at ).getUTCDate() ).toBe( 1 );
		expect( Date.parse( caps.resets_at ) ).toBeGreaterThan( now.getTime() );
		// Every site of the account, and only those.
		const ids = (
			await cloud.context.models.Site.findAll( {
				where: { account_id: tenant.accountId },
			} )
		).map( ( s ) => s.id );
		expect( caps.sites.map( ( s ) => s.site_id ).sort() ).toEqual(
			ids.sort()
		);
		expect(
			caps.sites.find( ( s ) => s.site_id === tenant.siteId )
		).toMatchObject( { monthly_cap: null, remaining: null, set_by: null } );
		expect(
			caps.sites.find( ( s ) => s.site_id === siteId )
		).toMatchObject( { monthly_cap: 40, used: 5, remaining: 35 } );
	} );

	it( 'is idempotent, and null removes the cap', async () => {
		const siteId = await newSite();
		const first = ( await setCap( siteId, 25 ).expect( 200 ) ).body.data;
		const again = ( await setCap( siteId, 25, people.admin ).expect( 200 ) )
			.body.data;
		// The same value again changes nothing, not even who set it and when.
		expect( again ).toEqual( first );
		const raised = (
			await setCap( siteId, 30, people.admin ).expect( 200 )
		).body.data;
		expect( raised ).toMatchObject( {
			monthly_cap: 30,
			set_by: people.admin.id,
		} );
		const removed = await setCap( siteId, null ).expect( 200 );
		expect( removed.body.data ).toMatchObject( {
			monthly_cap: null,
			remaining: null,
			set_by: null,
			set_at: null,
		} );
		expect( removed.body.message ).toMatch( /has no monthly cap now/ );
		await setCap( siteId, null ).expect( 200 );
		// Each change is in the audit log once, with who made it; repeats are not.
		expect(
			await sql(
				`SELECT actor_user_id, details FROM audit_log
				 WHERE action = 'site.credit_cap_set' AND site_id = :siteId ORDER BY id`,
				{ siteId }
			)
		).toEqual( [
			{ actor_user_id: tenant.owner.id, details: { from: null, to: 25 } },
			{ actor_user_id: people.admin.id, details: { from: 25, to: 30 } },
			{ actor_user_id: tenant.owner.id, details: { from: 30, to: null } },
		] );
		expect(
			await sql(
				'SELECT * FROM site_credit_caps WHERE site_id = :siteId',
				{
					siteId,
				}
			)
		).toEqual( [] );
	} );

	it( 'refuses bad input with the field to fix, and changes nothing', async () => {
		const siteId = await newSite();
		await setCap( siteId, 10 ).expect( 200 );
		const before = await sql(
			'SELECT * FROM site_credit_caps ORDER BY site_id'
		);
		for ( const [ body, message ] of [
			[ { monthly_cap: 0 }, /at least 1 credit/ ],
			[ { monthly_cap: -5 }, /at least 1 credit/ ],
			[ { monthly_cap: 2.5 }, /whole number/ ],
			[ { monthly_cap: '20' }, /whole number/ ],
			[ { monthly_cap: 1e12 }, /at most/ ],
			[ {}, /whole number|required/ ],
			[ { monthly_cap: 5, extra: 1 }, /not a recognised field/ ],
		] as const ) {
			const response = await request( cloud.app )
				.put( `/api/v1/billing/site-caps/${ siteId }/` )
				.set( bearer( tenant.owner ) )
				.send( body );
			expect( {
				status: response.status,
				code: response.body.code,
				success: response.body.success,
			} ).toEqual( {
				status: 400,
				code: 'validation_error',
				success: false,
			} );
			expect( JSON.stringify( response.body.errors ) ).toMatch( message );
		}
		await request( cloud.app )
			.put( '/api/v1/billing/site-caps/not-a-site/' )
			.set( bearer( tenant.owner ) )
			.send( { monthly_cap: 5 } )
			.expect( 400 );
		expect(
			await sql( 'SELECT * FROM site_credit_caps ORDER BY site_id' )
		).toEqual( before );
	} );

	it( 'lets owners and admins set a cap; editors and viewers only read it', async () => {
		const siteId = await newSite();
		await setCap( siteId, 50, people.admin ).expect( 200 );
		for ( const who of [ people.editor, people.viewer ] ) {
			const refused = await setCap( siteId, 1, who ).expect( 403 );
			expect( refused.body.code ).toBe( 'permission_denied' );
			expect( refused.body.error ).toMatch( `(${ who.role })` );
			const clear = await setCap( siteId, null, who ).expect( 403 );
			expect( clear.body.code ).toBe( 'permission_denied' );
			expect(
				( await capsOf( who ) ).sites.find(
					( s ) => s.site_id === siteId
				)!.monthly_cap
			).toBe( 50 );
		}
	} );

	it( 'keeps another account’s sites invisible and unchangeable (404, as for a site that does not exist)', async () => {
		await request( cloud.app )
			.put( `/api/v1/billing/site-caps/${ other.siteId }/` )
			.set( bearer( other.owner ) )
			.send( { monthly_cap: 9 } )
			.expect( 200 );
		const theirs = await setCap( other.siteId, 1 );
		const missing = await setCap( 987654321, 1 );
		expect( { status: theirs.status, body: theirs.body.error } ).toEqual( {
			status: 404,
			body: missing.body.error,
		} );
		expect( theirs.body.code ).toBe( 'not_found' );
		await setCap( other.siteId, null ).expect( 404 );
		expect(
			( await capsOf( tenant.owner ) ).sites.some(
				( s ) => s.site_id === other.siteId
			)
		).toBe( false );
		expect(
			await sql(
				'SELECT monthly_cap FROM site_credit_caps WHERE site_id = :siteId',
				{ siteId: other.siteId }
			)
		).toEqual( [ { monthly_cap: 9 } ] );
		const filtered = await request( cloud.app )
			.get( '/api/v1/billing/site-caps/' )
			.query( { site_id: other.siteId } )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( filtered.body.data.sites ).toEqual( [] );
		// Their cap is theirs: it never touches this account's reservations.
		expect(
			( await capsOf( other.owner ) ).sites.map( ( s ) => s.site_id )
		).toEqual( [ other.siteId ] );
	} );

	it( 'shows a WordPress site’s session only its own site, and lets it change nothing', async () => {
		const second = await addSecondSite(
			cloud,
			tenant,
			'https://caps-second.test'
		);
		const session = await siteSession( cloud, second.apiKey, 'admin' );
		const caps = await capsOf( session );
		expect( caps.sites.map( ( s ) => s.site_id ) ).toEqual( [
			second.siteId,
		] );
		const put = await request( cloud.app )
			.put( `/api/v1/billing/site-caps/${ second.siteId }/` )
			.set( as( session ) )
			.send( { monthly_cap: 1 } );
		expect( put.status ).toBeGreaterThanOrEqual( 401 );
		expect( put.status ).toBeLessThanOrEqual( 403 );
		expect(
			await sql(
				'SELECT * FROM site_credit_caps WHERE site_id = :siteId',
				{
					siteId: second.siteId,
				}
			)
		).toEqual( [] );
	} );
} );

describe( 'enforcing caps where credits are reserved', () => {
	it( 'passes a reservation under the cap and refuses one over it with the numbers, charging and writing nothing', async () => {
		const siteId = await newSite( 'Garden Blog' );
		await setCap( siteId, 10 ).expect( 200 );
		await reserve( siteId, 'under-1', 6 );
		await reserve( siteId, 'under-2', 4 );
		expect( ( await usedOf( siteId ) ).used ).toBe( 10 );
		const balance = await credits().balance( tenant.accountId );
		const rows = await ledgerRows( tenant.accountId );
		const refusal = await reserve( siteId, 'over-1', 1 ).catch(
			( error: unknown ) => error
		);
		expect( refusal ).toBeInstanceOf( SiteCreditCapError );
		expect( ( refusal as SiteCreditCapError ).status ).toBe( 402 );
		expect( ( refusal as SiteCreditCapError ).code ).toBe(
			'site_credit_cap_reached'
		);
		expect( ( refusal as Error ).message ).toBe(
			"“Garden Blog” has reached its monthly credit cap: the cap is 10 credits, the site has used 10 this month (UTC calendar month, 0 left) and this needs 1. Nothing was charged. An owner or admin can raise the site's cap in the IGNY8 console (Credits & usage), or wait until the 1st (00:00 UTC), when the month starts over."
		);
		expect( await credits().balance( tenant.accountId ) ).toBe( balance );
		expect( await ledgerRows( tenant.accountId ) ).toBe( rows );
		// A repeat of a job that did reserve answers its reservation, cap or not.
		expect( ( await reserve( siteId, 'under-1', 6 ) )!.amount ).toBe( -6 );
		expect( await ledgerRows( tenant.accountId ) ).toBe( rows );
		// Raising the cap makes room at once; another site of the account is not held to it.
		await setCap( siteId, 11 ).expect( 200 );
		await reserve( siteId, 'over-1', 1 );
		await reserve( tenant.siteId, 'elsewhere-1', 50 );
		// Free work (nothing reserved) is never refused.
		expect( await reserve( siteId, 'free-1', 0 ) ).toBeNull();
	} );

	it( 'refuses an AI job over the cap through the API with the envelope and its own code, before any provider call', async () => {
		const site = await addSecondSite(
			cloud,
			tenant,
			'https://caps-ai.test'
		);
		const content = await addContent( cloud, site );
		const input = {
			cluster_ids: [ content.clusterId ],
			ideas_per_cluster: 1,
		};
		const estimate = (
			await request( cloud.app )
				.post( '/api/v1/billing/estimate/' )
				.set( bearer( tenant.owner ) )
				.send( { function: 'generate_ideas', input } )
				.expect( 200 )
		).body.data.credits as number;
		expect( estimate ).toBeGreaterThan( 1 );
		await setCap( site.siteId, estimate - 1 ).expect( 200 );
		const balance = await credits().balance( tenant.accountId );
		const rows = await ledgerRows( tenant.accountId );
		const calls = openai.requests.length;
		const response = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( people.editor ) )
			.send( { ids: [ content.clusterId ], ideas_per_cluster: 1 } );
		expect( {
			status: response.status,
			success: response.body.success,
			code: response.body.code,
		} ).toEqual( {
			status: 402,
			success: false,
			code: 'site_credit_cap_reached',
		} );
		expect( response.body.error ).toContain(
			`the cap is ${ estimate - 1 } credits, the site has used 0 this month`
		);
		expect( response.body.error ).toContain( `this needs ${ estimate }` );
		expect( response.body.error ).toMatch(
			/raise the site's cap in the IGNY8 console \(Credits & usage\), or wait until the 1st/
		);
		expect( await credits().balance( tenant.accountId ) ).toBe( balance );
		expect( await ledgerRows( tenant.accountId ) ).toBe( rows );
		expect( openai.requests.length ).toBe( calls );
		// The same from WordPress (a site session): the cloud's words reach wp-admin as they are.
		const session = await siteSession( cloud, site.apiKey, 'editor' );
		const fromWordPress = await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( as( session ) )
			.send( { ids: [ content.clusterId ], ideas_per_cluster: 1 } )
			.expect( 402 );
		expect( fromWordPress.body.error ).toBe( response.body.error );
		// With room for it, the same job runs.
		await setCap( site.siteId, estimate ).expect( 200 );
		await request( cloud.app )
			.post( '/api/v1/planner/clusters/generate_ideas/' )
			.set( bearer( people.editor ) )
			.send( { ids: [ content.clusterId ], ideas_per_cluster: 1 } )
			.expect( 202 );
	} );

	it( 'gives the room back when a run is refunded or settles below its reservation', async () => {
		const siteId = await newSite();
		await setCap( siteId, 10 ).expect( 200 );
		await reserve( siteId, 'refund-1', 10 );
		await expect( reserve( siteId, 'refund-2', 3 ) ).rejects.toBeInstanceOf(
			SiteCreditCapError
		);
		await credits().refund( 'refund-1', 'Failed' );
		expect( ( await usedOf( siteId ) ).used ).toBe( 0 );
		await reserve( siteId, 'refund-2', 8 );
		await credits().settle( 'refund-2', 5 );
		expect( await usedOf( siteId ) ).toMatchObject( {
			used: 5,
			remaining: 5,
		} );
		await reserve( siteId, 'refund-3', 5 );
		await expect( reserve( siteId, 'refund-4', 1 ) ).rejects.toBeInstanceOf(
			SiteCreditCapError
		);
	} );

	it( 'starts each UTC month fresh: last month’s spending does not count', async () => {
		const siteId = await newSite();
		// 90 credits spent at 23:59 UTC on the last day of last month (the ledger only ever gets rows added).
		await sql(
			`INSERT INTO credit_transactions (account_id, type, amount, balance_after, job_id, site_id, function_name, description, created_at)
			 VALUES (:accountId, 'reserve', -90, 0, 'last-month-1', :siteId, 'generate_content', 'Last month',
			         date_trunc('month', NOW() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - INTERVAL '1 minute')`,
			{ accountId: tenant.accountId, siteId }
		);
		await setCap( siteId, 20 ).expect( 200 );
		expect( ( await usedOf( siteId ) ).used ).toBe( 0 );
		await reserve( siteId, 'this-month-1', 20 );
		expect( ( await usedOf( siteId ) ).used ).toBe( 20 );
		await expect(
			reserve( siteId, 'this-month-2', 1 )
		).rejects.toBeInstanceOf( SiteCreditCapError );
		// The usage chart's per-site figures for this month are the same numbers.
		const today = new Date().toISOString().slice( 0, 10 );
		const usage = await request( cloud.app )
			.get( '/api/v1/billing/usage/' )
			.query( {
				site_id: siteId,
				from: `${ today.slice( 0, 7 ) }-01`,
				to: today,
			} )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( usage.body.data.total_credits ).toBe( 20 );
	} );

	it( 'lets exactly one of two reservations racing for the last room through', async () => {
		for ( let round = 0; round < 5; round++ ) {
			const siteId = await newSite();
			await setCap( siteId, 10 ).expect( 200 );
			await reserve( siteId, `race-${ round }-base`, 7 );
			const rows = await ledgerRows( tenant.accountId );
			const outcomes = await Promise.allSettled( [
				reserve( siteId, `race-${ round }-a`, 3 ),
				reserve( siteId, `race-${ round }-b`, 3 ),
			] );
			expect( outcomes.map( ( o ) => o.status ).sort() ).toEqual( [
				'fulfilled',
				'rejected',
			] );
			const refused = outcomes.find(
				( o ): o is PromiseRejectedResult => o.status === 'rejected'
			)!;
			expect( refused.reason ).toBeInstanceOf( SiteCreditCapError );
			expect( await ledgerRows( tenant.accountId ) ).toBe( rows + 1 );
			expect( ( await usedOf( siteId ) ).used ).toBe( 10 );
		}
	} );

	it( 'lets exactly the room through when many reservations race, inside callers’ transactions too', async () => {
		const siteId = await newSite();
		await setCap( siteId, 25 ).expect( 200 );
		const { sequelize } = cloud.context.db;
		const outcomes = await Promise.allSettled(
			Array.from( { length: 40 }, ( _, i ) =>
				i % 2
					? reserve( siteId, `many-${ i }`, 1 )
					: // As the AI engine reserves: inside the run's own transaction.
						sequelize.transaction( ( transaction ) =>
							credits().reserve(
								{
									accountId: tenant.accountId,
									jobId: `many-${ i }`,
									amount: 1,
									siteId,
									functionName: 'generate_ideas',
									description: 'Ideas',
								},
								transaction
							)
						)
			)
		);
		expect(
			outcomes.filter( ( o ) => o.status === 'fulfilled' )
		).toHaveLength( 25 );
		expect(
			outcomes
				.filter(
					( o ): o is PromiseRejectedResult => o.status === 'rejected'
				)
				.every( ( o ) => o.reason instanceof SiteCreditCapError )
		).toBe( true );
		expect( await usedOf( siteId ) ).toMatchObject( {
			used: 25,
			remaining: 0,
		} );
	} );
} );

describe( 'an automation run that meets the site’s cap', () => {
	type Run = {
		id: number;
		status: string;
		error: string | null;
		steps: {
			status: string;
			message: string | null;
			ai_run_ids: number[];
		}[];
	};
	let site: Tenant;
	let ruleId: number;

	const settle = ( runId: number ) =>
		waitFor( async () => {
			await deliverEvents( cloud, 1_000 ).catch( () => undefined );
			await cloud.context.services.automationExecutor.reconcile();
			const run = (
				await request( cloud.app )
					.get( `/api/v1/automation/tasks/${ runId }/` )
					.set( bearer( tenant.owner ) )
					.expect( 200 )
			).body.data as Run;
			return [ 'succeeded', 'failed', 'capped', 'cancelled' ].includes(
				run.status
			)
				? run
				: undefined;
		}, 90_000 );
	const start = async () =>
		(
			await request( cloud.app )
				.post( `/api/v1/automation/rules/${ ruleId }/run/` )
				.set( bearer( tenant.owner ) )
				.expect( 202 )
		).body.data.id as number;
	const ideaRuns = async () =>
		Number(
			(
				await sql< { n: number } >(
					`SELECT count(*)::int AS n FROM ai_task_runs WHERE site_id = :siteId AND function_name = 'generate_ideas'`,
					{ siteId: site.siteId }
				)
			)[ 0 ]!.n
		);

	beforeAll( async () => {
		site = await addSecondSite(
			cloud,
			tenant,
			'https://caps-automation.test'
		);
		// A cluster without ideas: what the rule's one step works on.
		const keyword = await request( cloud.app )
			.post( '/api/v1/planner/keywords/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: site.sectorId,
				keyword: 'capped shoes',
				search_volume: 10,
			} )
			.expect( 201 );
		await request( cloud.app )
			.post( '/api/v1/planner/clusters/' )
			.set( bearer( tenant.owner ) )
			.send( {
				sector_id: site.sectorId,
				name: 'Capped shoes',
				keyword_ids: [ keyword.body.data.id ],
			} )
			.expect( 201 );
		// Per-item prices only: one idea costs exactly 2.
		await cloud.context.db.sequelize.query(
			`UPDATE ai_function_prices SET credits_per_1k_tokens = 0, credits_per_item = 2, min_credits = 0
			 WHERE function_name = 'generate_ideas'`
		);
		ruleId = (
			await request( cloud.app )
				.post( '/api/v1/automation/rules/' )
				.set( bearer( tenant.owner ) )
				.send( {
					name: 'Ideas under a site cap',
					site_id: site.siteId,
					sector_id: site.sectorId,
					// Started by hand only (the scheduler does not run here).
					trigger: {
						kind: 'schedule',
						cron: '0 6 1 1 *',
						timezone: 'UTC',
					},
					actions: [
						{ type: 'generate_ideas', ideas_per_cluster: 1 },
					],
				} )
				.expect( 201 )
		).body.data.id;
	} );

	it( 'stops as capped before the step, saying which cap and what to do, and charges nothing', async () => {
		await setCap( site.siteId, 1 ).expect( 200 );
		const balance = await credits().balance( tenant.accountId );
		const runs = await ideaRuns();
		const run = await settle( await start() );
		expect( run.status ).toBe( 'capped' );
		expect( run.steps.map( ( s ) => s.status ) ).toEqual( [ 'capped' ] );
		expect( run.error ).toBe(
			"Stopped before step 1 (generate ideas): it may cost 2 credits and the site's monthly cap of 1 credits has 1 left this month (UTC calendar month; 0 used). Nothing was charged for this step; an owner or admin can raise the site's cap in the IGNY8 console (Credits & usage), or wait until the 1st, then resume the run."
		);
		expect( run.steps[ 0 ]!.message ).toBe( run.error );
		expect( await credits().balance( tenant.accountId ) ).toBe( balance );
		expect( await ideaRuns() ).toBe( runs );
		// The dry run says the same before anything starts.
		const dry = await request( cloud.app )
			.post( `/api/v1/automation/rules/${ ruleId }/dry_run/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect( dry.body.data.cap_problem ).toMatch(
			/site's monthly cap of 1 credits/
		);
	} );

	it( 'stops as capped, not in a retry loop, when the reservation itself is refused; resumed under a raised cap, it goes on', async () => {
		await setCap( site.siteId, 1 ).expect( 200 );
		const { automationExecutor } = cloud.context.services;
		const deps = (
			automationExecutor as unknown as {
				deps: { siteRoom?: unknown };
			}
		 ).deps;
		const check = deps.siteRoom;
		// Another run took the room between the step's check and its reservation.
		deps.siteRoom = async () => null;
		let run: Run;
		const balance = await credits().balance( tenant.accountId );
		try {
			run = await settle( await start() );
		} finally {
			deps.siteRoom = check;
		}
		expect( run.status ).toBe( 'capped' );
		expect( run.steps[ 0 ]!.status ).toBe( 'capped' );
		expect( run.error ).toMatch(
			/^Stopped at step 1 \(generate ideas\): “Second site” has reached its monthly credit cap: the cap is 1 credits, the site has used 0 this month .* and this needs 2\. Nothing was charged\..* Then resume the run\.$/
		);
		expect( await credits().balance( tenant.accountId ) ).toBe( balance );
		const steps = await sql< {
			attempts: number;
			next_attempt_at: Date | null;
		} >(
			'SELECT attempts, next_attempt_at FROM automation_steps WHERE run_id = :runId',
			{ runId: run.id }
		);
		// Not counted as a failed try, no retry waiting.
		expect( steps ).toEqual( [ { attempts: 0, next_attempt_at: null } ] );

		await setCap( site.siteId, 100 ).expect( 200 );
		await request( cloud.app )
			.post( `/api/v1/automation/tasks/${ run.id }/resume/` )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		const resumed = await settle( run.id );
		expect( resumed.status ).toBe( 'succeeded' );
		expect( ( await usedOf( site.siteId ) ).used ).toBe( 2 );
	} );
} );
