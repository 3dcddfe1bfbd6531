import request from 'supertest';
import { InsufficientCreditsError } from '../src/modules/billing/credits';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

describe( 'the credit ledger', () => {
	let cloud: TestCloud;
	let tenant: Tenant;

	beforeAll( async () => {
		// Many connections: reservations must really race.
		cloud = await startTestCloud(
			{ db: 'postgres', queue: 'inline' },
			{ DATABASE_POOL_MAX: '20' }
		);
		tenant = await addTenant( cloud, 'Ledger Co' );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const credits = () => cloud.context.services.credits;
	const setBalance = ( accountId: number, value: number ) =>
		cloud.context.models.Account.update(
			{ credits: value },
			{ where: { id: accountId } }
		);
	const ledgerSum = async ( accountId: number ) =>
		( await cloud.context.models.CreditTransaction.sum( 'amount', {
			where: { account_id: accountId },
		} ) ) ?? 0;

	it( 'lets exactly 50 of 200 concurrent reservations through a balance that covers 50', async () => {
		const other = await addTenant( cloud, 'Race Co' );
		await credits().add(
			other.accountId,
			50,
			'topup',
			'Initial credits',
			'race-topup'
		);
		const outcomes = await Promise.allSettled(
			Array.from( { length: 200 }, ( _, i ) =>
				credits().reserve( {
					accountId: other.accountId,
					jobId: `race-${ i }`,
					amount: 1,
					description: 'race',
				} )
			)
		);
		const ok = outcomes.filter( ( o ) => o.status === 'fulfilled' );
		const refused = outcomes.filter(
			( o ): o is PromiseRejectedResult => o.status === 'rejected'
		);
		expect( ok ).toHaveLength( 50 );
		expect( refused ).toHaveLength( 150 );
		expect(
			refused.every(
				( r ) => r.reason instanceof InsufficientCreditsError
			)
		).toBe( true );
		expect( await credits().balance( other.accountId ) ).toBe( 0 );
		// The ledger explains the balance to the credit.
		expect( await ledgerSum( other.accountId ) ).toBe( 0 );
		const balances = (
			await cloud.context.models.CreditTransaction.findAll( {
				where: { account_id: other.accountId, type: 'reserve' },
			} )
		)
			.map( ( t ) => t.balance_after )
			.sort( ( a, b ) => a - b );
		expect( balances ).toEqual(
			Array.from( { length: 50 }, ( _, i ) => i )
		);
	} );

	it( 'settles at the actual cost, returning the rest, once however often it is called', async () => {
		await setBalance( tenant.accountId, 0 );
		await credits().add(
			tenant.accountId,
			100,
			'topup',
			'Top-up',
			'settle-topup'
		);
		await credits().reserve( {
			accountId: tenant.accountId,
			jobId: 'job-settle',
			amount: 30,
			functionName: 'generate_content',
			siteId: tenant.siteId,
			description: 'Generate 1 article',
		} );
		expect( await credits().balance( tenant.accountId ) ).toBe( 70 );
		const settled = await credits().settle( 'job-settle', 12 );
		expect( settled ).toMatchObject( {
			type: 'settle',
			amount: 18,
			balance_after: 88,
		} );
		await credits().settle( 'job-settle', 12 );
		await credits().refund( 'job-settle' );
		expect( await credits().balance( tenant.accountId ) ).toBe( 88 );
		// Above the reservation, the cost is capped at what was reserved.
		await credits().reserve( {
			accountId: tenant.accountId,
			jobId: 'job-over',
			amount: 10,
			description: 'x',
		} );
		expect( await credits().settle( 'job-over', 25 ) ).toMatchObject( {
			amount: 0,
			balance_after: 78,
		} );
	} );

	it( 'refunds a failed job in full, and a retried reservation never charges twice', async () => {
		await setBalance( tenant.accountId, 40 );
		await credits().reserve( {
			accountId: tenant.accountId,
			jobId: 'job-fail',
			amount: 15,
			description: 'x',
		} );
		await credits().reserve( {
			accountId: tenant.accountId,
			jobId: 'job-fail',
			amount: 15,
			description: 'x (retried)',
		} );
		expect( await credits().balance( tenant.accountId ) ).toBe( 25 );
		expect( await credits().refund( 'job-fail' ) ).toMatchObject( {
			type: 'refund',
			amount: 15,
			balance_after: 40,
		} );
		await credits().refund( 'job-fail' );
		expect( await credits().balance( tenant.accountId ) ).toBe( 40 );
	} );

	it( 'lets only one of a racing settle and refund close a job', async () => {
		await setBalance( tenant.accountId, 100 );
		for ( let i = 0; i < 10; i++ ) {
			await credits().reserve( {
				accountId: tenant.accountId,
				jobId: `race-close-${ i }`,
				amount: 10,
				description: 'x',
			} );
			await Promise.all( [
				credits().settle( `race-close-${ i }`, 4 ),
				credits().refund( `race-close-${ i }` ),
			] );
			const closers = await cloud.context.models.CreditTransaction.count(
				{
					where: {
						job_id: `race-close-${ i }`,
						type: [ 'settle', 'refund' ],
					},
				}
			);
			expect( closers ).toBe( 1 );
		}
		// Each job cost either 4 (settled) or 0 (refunded); never a double return.
		const balance = await credits().balance( tenant.accountId );
		expect( balance ).toBeLessThanOrEqual( 100 );
		expect( ( 100 - balance ) % 4 ).toBe( 0 );
	} );

	it( 'refuses a reservation the balance cannot cover with a 402-class error that says how much is missing', async () => {
		await setBalance( tenant.accountId, 5 );
		const attempt = credits().reserve( {
			accountId: tenant.accountId,
			jobId: 'job-big',
			amount: 6,
			description: 'x',
		} );
		await expect( attempt ).rejects.toMatchObject( {
			status: 402,
			code: 'insufficient_credits',
			message:
				'Not enough credits: this needs 6, the account has 5. Top up or lower the amount of work.',
		} );
		expect( await credits().balance( tenant.accountId ) ).toBe( 5 );
		expect(
			await cloud.context.models.CreditTransaction.count( {
				where: { job_id: 'job-big' },
			} )
		).toBe( 0 );
	} );

	it( 'keeps the ledger append-only', async () => {
		const row = await cloud.context.models.CreditTransaction.findOne( {
			where: { account_id: tenant.accountId },
		} );
		await expect(
			cloud.context.db.sequelize.query(
				`UPDATE credit_transactions SET amount = 1000 WHERE id = ${ row!.id }`
			)
		).rejects.toThrow( /append-only/ );
	} );

	it( 'serves balance, transactions and usage by day, function and site', async () => {
		const fresh = await addTenant( cloud, 'Usage Co' );
		await credits().add(
			fresh.accountId,
			500,
			'topup',
			'Welcome credits',
			'usage-topup'
		);
		await credits().reserve( {
			accountId: fresh.accountId,
			jobId: 'u1',
			amount: 40,
			functionName: 'generate_content',
			siteId: fresh.siteId,
			description: 'a',
		} );
		await credits().settle( 'u1', 25 );
		await credits().reserve( {
			accountId: fresh.accountId,
			jobId: 'u2',
			amount: 10,
			functionName: 'generate_ideas',
			siteId: fresh.siteId,
			description: 'b',
		} );
		await credits().refund( 'u2' );
		await credits().reserve( {
			accountId: fresh.accountId,
			jobId: 'u3',
			amount: 8,
			functionName: 'generate_ideas',
			siteId: fresh.siteId,
			description: 'c',
		} );
		await credits().settle( 'u3', 8 );

		const balance = await request( cloud.app )
			.get( '/api/v1/billing/balance/' )
			.set( bearer( fresh.owner ) )
			.expect( 200 );
		expect( balance.body.data ).toMatchObject( {
			credits: 500 - 25 - 8,
			plan: { slug: 'agency' },
		} );

		const ledger = await request( cloud.app )
			.get( '/api/v1/billing/transactions/?page_size=3' )
			.set( bearer( fresh.owner ) )
			.expect( 200 );
		expect( ledger.body.count ).toBe( 7 );
		expect(
			ledger.body.results.map(
				( t: { type: string; amount: number } ) => [ t.type, t.amount ]
			)
		).toEqual( [
			[ 'settle', 0 ],
			[ 'reserve', -8 ],
			[ 'refund', 10 ],
		] );

		const usage = await request( cloud.app )
			.get( '/api/v1/billing/usage/' )
			.set( bearer( fresh.owner ) )
			.expect( 200 );
		const today = new Date().toISOString().slice( 0, 10 );
		expect( usage.body.data.total_credits ).toBe( 33 );
		expect( usage.body.data.rows ).toEqual( [
			{
				day: today,
				function_name: 'generate_content',
				site_id: fresh.siteId,
				jobs: 1,
				credits: 25,
			},
			{
				day: today,
				function_name: 'generate_ideas',
				site_id: fresh.siteId,
				jobs: 2,
				credits: 8,
			},
		] );
		// Another account sees none of it.
		const theirs = await request( cloud.app )
			.get( '/api/v1/billing/transactions/' )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		expect(
			theirs.body.results.some( ( t: { job_id: string } ) =>
				[ 'u1', 'u2', 'u3' ].includes( t.job_id )
			)
		).toBe( false );
	} );
} );
