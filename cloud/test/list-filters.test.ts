import request from 'supertest';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';

/**
 * The list filters the wp-admin lists offer beyond the seed's: the day a
 * row was added (whole UTC days, both ends included) on ideas, tasks and
 * content — a bad value is refused with 400 in the error envelope, never
 * ignored or passed to SQL.
 */

const DAY = 86_400_000;
const day = ( time: number ) => new Date( time ).toISOString().slice( 0, 10 );

describe.each( [ 'pglite' ] as const )( 'list filters (%s)', ( db ) => {
	let cloud: TestCloud;
	let tenant: Tenant;
	const LISTS = [
		[ 'ideas', '/api/v1/planner/ideas/' ],
		[ 'tasks', '/api/v1/writer/tasks/' ],
		[ 'content', '/api/v1/writer/content/' ],
	] as const;

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db, queue: 'inline' },
			{},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Filters Co' );
		const { models } = cloud.context;
		const scope = {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
		};
		// Three rows of each: added 10 days ago, 2 days ago (at 23:59 UTC), today.
		const now = Date.now();
		const twoDaysAgoLate = Date.parse(
			`${ day( now - 2 * DAY ) }T23:59:00Z`
		);
		const times = [ now - 10 * DAY, twoDaysAgoLate, now ];
		for ( const [ i, time ] of times.entries() ) {
			const at = new Date( time );
			await models.Idea.create( {
				...scope,
				title: `Idea ${ i }`,
				created_at: at,
				updated_at: at,
			} as never );
			await models.Task.create( {
				...scope,
				title: `Task ${ i }`,
				created_at: at,
				updated_at: at,
			} as never );
			await models.Content.create( {
				...scope,
				title: `Content ${ i }`,
				content_html: '<p>x</p>',
				created_at: at,
				updated_at: at,
			} as never );
		}
	}, 120_000 ); // A PGlite boot on a loaded 2-core CI machine can take over 30 s.
	afterAll( async () => {
		await cloud?.stop();
	} );

	const titles = async (
		path: string,
		query: Record< string, string | number >
	) => {
		const response = await request( cloud.app )
			.get( path )
			.query( { sector_id: tenant.sectorId, ordering: 'id', ...query } )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		return ( response.body.results as Array< { title: string } > ).map(
			( row ) => row.title.replace( /^\w+ /, '' )
		);
	};

	it.each( LISTS )(
		'filters %s by the day they were added, both ends included',
		async ( _, path ) => {
			const now = Date.now();
			expect( await titles( path, {} ) ).toEqual( [ '0', '1', '2' ] );
			expect(
				await titles( path, { created_after: day( now - 2 * DAY ) } )
			).toEqual( [ '1', '2' ] );
			expect(
				await titles( path, { created_before: day( now - 2 * DAY ) } )
			).toEqual( [ '0', '1' ] );
			expect(
				await titles( path, {
					created_after: day( now - 2 * DAY ),
					created_before: day( now - 2 * DAY ),
				} )
			).toEqual( [ '1' ] );
			expect(
				await titles( path, { created_after: day( now + DAY ) } )
			).toEqual( [] );
		}
	);

	it.each(
		LISTS.flatMap( ( [ name, path ] ) =>
			[
				[ 'created_after', 'last week' ],
				[ 'created_after', '2026-02-30' ],
				[ 'created_before', '2026-1-5' ],
				[ 'created_before', "2026-01-05' OR 1=1" ],
			].map( ( [ field, value ] ) => [ name, path, field!, value! ] )
		)
	)(
		'refuses %s with a bad date (%s %s = %s) in the error envelope',
		async ( _, path, field, value ) => {
			const response = await request( cloud.app )
				.get( path )
				.query( { sector_id: tenant.sectorId, [ field ]: value } )
				.set( bearer( tenant.owner ) )
				.expect( 400 );
			expect( response.body ).toMatchObject( {
				success: false,
				errors: { [ field ]: expect.any( Array ) },
			} );
			expect( typeof response.body.request_id ).toBe( 'string' );
		}
	);
} );
