import request from 'supertest';
import { apiRoutes } from '../src/app';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * What a list costs the database: every list route (a GET without path
 * parameters that answers a page of `results`), called as the account owner,
 * counted at the driver. Authentication, scoping, the page and its count.
 */
const BUDGET = 3;

describe( 'queries per list request', () => {
	let cloud: TestCloud;
	let tenant: Tenant;
	let queries = 0;

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		tenant = await addTenant( cloud, 'Budget Co' );
		// Rows in the lists, with what they join: a cluster with keywords, an
		// idea, a task, content with an image, a credit movement.
		await addWriterContent( cloud, tenant, 'Budget' );
		await cloud.context.services.credits.add(
			tenant.accountId,
			5,
			'grant',
			'Budget credits',
			'budget-grant'
		);
		cloud.context.db.sequelize.addHook( 'beforeQuery', () => {
			queries += 1;
		} );
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( `stays within ${ BUDGET } queries on every list route`, async () => {
		const lists = apiRoutes( cloud.context ).filter(
			( route ) => route.method === 'get' && ! route.path.includes( ':' )
		);
		const costs: Record< string, number > = {};
		const rows: Record< string, number > = {};
		for ( const route of lists ) {
			// Warm: the first call of a route may load settings once.
			await request( cloud.app )
				.get( `/api/v1${ route.path }` )
				.set( bearer( tenant.owner ) );
			queries = 0;
			const response = await request( cloud.app )
				.get( `/api/v1${ route.path }` )
				.set( bearer( tenant.owner ) );
			if (
				response.status === 200 &&
				Array.isArray( response.body.results )
			) {
				costs[ route.path ] = queries;
				rows[ route.path ] = response.body.results.length;
			}
		}
		expect( Object.keys( costs ).length ).toBeGreaterThan( 15 );
		// Most lists hold rows, so the count covers what a page joins.
		expect(
			Object.values( rows ).filter( ( n ) => n > 0 ).length
		).toBeGreaterThanOrEqual( 8 );
		expect(
			Object.entries( costs ).filter( ( [ , n ] ) => n > BUDGET )
		).toEqual( [] );
	} );
} );
