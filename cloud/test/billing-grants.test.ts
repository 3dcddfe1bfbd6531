import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Op, QueryTypes } from 'sequelize';
import { GRANTS_JOB, grantKey, monthOf } from '../src/modules/billing/grants';
import { periodicTasks } from '../src/jobs/periodic';
import { Scheduler } from '../src/jobs/scheduler';
import type { JobEvent } from '../src/queue';
import { addTenant, type Tenant } from './fixtures';
import { startTestCloud, waitFor, type TestCloud } from './support';

/**
 * Monthly plan grants: once per account and calendar month (the ledger's
 * idempotency key), to active and trial accounts on an active plan that
 * grants something; everyone else is skipped.
 */

const CLI = path.resolve( __dirname, '../src/cli.ts' );
const NOW = new Date( '2025-02-14T10:00:00Z' );

describe( 'monthly plan grants', () => {
	let cloud: TestCloud;
	let agency: Tenant;
	let starter: Tenant;
	let trial: Tenant;
	let suspended: Tenant;
	let retired: Tenant;
	let nothing: Tenant;

	async function onPlan(
		name: string,
		plan: {
			slug: string;
			monthly_credits: number;
			is_active: boolean;
		}
	) {
		const row = await cloud.context.models.Plan.create( {
			name: plan.slug,
			slug: plan.slug,
			max_sites: 5,
			max_sectors_per_site: 5,
			monthly_credits: plan.monthly_credits,
			is_active: plan.is_active,
		} );
		return addTenant( cloud, name, row.slug );
	}

	const balances = async () => {
		const rows = await cloud.context.models.Account.findAll( {
			order: [ [ 'id', 'ASC' ] ],
		} );
		return Object.fromEntries( rows.map( ( r ) => [ r.id, r.credits ] ) );
	};
	const grantsOf = ( tenant: Tenant ) =>
		cloud.context.models.CreditTransaction.findAll( {
			where: { account_id: tenant.accountId, type: 'grant' },
			order: [ [ 'id', 'ASC' ] ],
		} );

	beforeAll( async () => {
		// The test drives the scheduler itself (below).
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'bee' },
			{},
			{ scheduler: false }
		);
		agency = await addTenant( cloud, 'Grant Agency', 'agency' );
		starter = await addTenant( cloud, 'Grant Starter', 'starter' );
		trial = await addTenant( cloud, 'Grant Trial', 'growth' );
		await cloud.context.models.Account.update(
			{ status: 'trial' },
			{ where: { id: trial.accountId } }
		);
		suspended = await addTenant( cloud, 'Grant Suspended', 'growth' );
		retired = await onPlan( 'Grant Retired', {
			slug: 'retired',
			monthly_credits: 700,
			is_active: false,
		} );
		nothing = await onPlan( 'Grant Nothing', {
			slug: 'pay-as-you-go',
			monthly_credits: 0,
			is_active: true,
		} );
		// Suspended after sign-up (signing in needs an active account).
		await cloud.context.models.Account.update(
			{ status: 'suspended' },
			{ where: { id: suspended.accountId } }
		);
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( "grants each eligible account its plan's credits for the month, once however often it runs", async () => {
		const grants = cloud.context.services.grants;
		const before = await balances();
		const first = await grants.grantMonth( '2025-01', NOW );
		expect( first ).toEqual( {
			month: '2025-01',
			granted: 3,
			credits: 25_000 + 1_000 + 5_000,
			already: 0,
			skipped: 3,
		} );
		const after = await balances();
		expect( after[ agency.accountId ] ).toBe(
			before[ agency.accountId ] + 25_000
		);
		expect( after[ starter.accountId ] ).toBe(
			before[ starter.accountId ] + 1_000
		);
		expect( after[ trial.accountId ] ).toBe(
			before[ trial.accountId ] + 5_000
		);
		for ( const skipped of [ suspended, retired, nothing ] ) {
			expect( after[ skipped.accountId ] ).toBe(
				before[ skipped.accountId ]
			);
			expect( await grantsOf( skipped ) ).toHaveLength( 0 );
		}
		const [ entry ] = await grantsOf( agency );
		expect( entry ).toMatchObject( {
			amount: 25_000,
			idempotency_key: grantKey( agency.accountId, '2025-01' ),
			description: 'Agency plan: monthly credits for 2025-01',
		} );

		// Again, and twice at once: nothing more.
		const again = await Promise.all( [
			grants.grantMonth( '2025-01', NOW ),
			grants.grantMonth( '2025-01', NOW ),
		] );
		for ( const report of again ) {
			expect( report ).toMatchObject( {
				granted: 0,
				credits: 0,
				already: 3,
			} );
		}
		expect( await balances() ).toEqual( after );
		expect( await grantsOf( agency ) ).toHaveLength( 1 );
	} );

	it( 'grants again in a new month', async () => {
		const before = await balances();
		const report = await cloud.context.services.grants.grantMonth(
			'2025-02',
			NOW
		);
		expect( report ).toMatchObject( { granted: 3, already: 0 } );
		const after = await balances();
		expect( after[ agency.accountId ] ).toBe(
			before[ agency.accountId ] + 25_000
		);
		expect(
			( await grantsOf( agency ) ).map( ( t ) => t.idempotency_key )
		).toEqual( [
			grantKey( agency.accountId, '2025-01' ),
			grantKey( agency.accountId, '2025-02' ),
		] );
	} );

	it( 'refuses a month that has not started, or is not a month', async () => {
		const grants = cloud.context.services.grants;
		await expect( grants.grantMonth( '2025-03', NOW ) ).rejects.toThrow(
			'Invalid month.'
		);
		await expect( grants.grantMonth( '2025-13', NOW ) ).rejects.toThrow(
			'Invalid month.'
		);
	} );

	it( 'runs as a queue job the scheduler enqueues once an hour, however many schedulers run', async () => {
		const month = monthOf( new Date() );
		const events: JobEvent[] = [];
		const off = cloud.context.queue.onEvent( ( event ) => {
			if ( event.type === GRANTS_JOB ) {
				events.push( event );
			}
		} );
		const task = periodicTasks( cloud.context.services, 30 ).filter(
			( each ) => each.name === 'billing.grants'
		);
		expect( task ).toHaveLength( 1 );
		// Two scheduler processes (hot standbys of each other) check at the same moment.
		const schedulers = [ 1, 2 ].map(
			() =>
				new Scheduler(
					cloud.context.db.sequelize,
					cloud.context.logger,
					task
				)
		);
		try {
			await Promise.all( schedulers.map( ( each ) => each.check() ) );
			await Promise.all( schedulers.map( ( each ) => each.check() ) );
			await waitFor( () =>
				events.some( ( e ) => e.kind === 'succeeded' )
					? true
					: undefined
			);
		} finally {
			off();
		}
		const [ claims ] = await cloud.context.db.sequelize.query< {
			runs: string;
		} >( "SELECT runs FROM scheduler_tasks WHERE name = 'billing.grants'", {
			type: QueryTypes.SELECT,
		} );
		expect( Number( claims!.runs ) ).toBe( 1 );
		const succeeded = events.filter( ( e ) => e.kind === 'succeeded' );
		expect( succeeded ).toHaveLength( 1 );
		expect( succeeded[ 0 ]!.id ).toBe(
			`billing-grants-${ new Date().toISOString().slice( 0, 13 ) }`
		);
		expect(
			await cloud.context.models.CreditTransaction.count( {
				where: {
					type: 'grant',
					idempotency_key: { [ Op.like ]: `grant:%:${ month }` },
				},
			} )
		).toBe( 3 );
	} );

	it( 'is an admin CLI command (grant-monthly --month), idempotent too', () => {
		const cli = ( ...args: string[] ) =>
			spawnSync( process.execPath, [ '--import', 'tsx', CLI, ...args ], {
				env: {
					PATH: process.env.PATH,
					DATABASE_URL: cloud.context.config.databaseUrl,
					IGNY8_DATA_DIR: cloud.context.config.dataDir,
					LOG_LEVEL: 'silent',
				},
				encoding: 'utf8',
				timeout: 60_000,
			} );
		const first = cli( 'grant-monthly', '--month', '2024-12', '--json' );
		expect( first.stderr ).toBe( '' );
		expect( first.status ).toBe( 0 );
		expect( JSON.parse( first.stdout ) ).toMatchObject( {
			month: '2024-12',
			granted: 3,
			skipped: 3,
		} );
		const second = cli( 'grant-monthly', '--month', '2024-12' );
		expect( second.status ).toBe( 0 );
		expect( second.stdout ).toContain(
			'2024-12: 0 account(s) granted 0 credits; 3 already had'
		);
		const bad = cli( 'grant-monthly', '--month', 'december' );
		expect( bad.status ).toBe( 1 );
		expect( bad.stderr ).toContain( 'YYYY-MM' );
	} );
} );
