import request from 'supertest';
import { addTenant, bearer, type Tenant } from './fixtures';
import { startTestCloud, type TestCloud } from './support';
import { addWriterContent } from './writer-fixtures';

/**
 * The filters of wp-admin's IGNY8 → Activity lists: AI runs by status,
 * function and the day they started; publishing records by status and day.
 * A bad value is refused with 400 in the error envelope, never ignored.
 */

const DAY = 86_400_000;
const day = ( time: number ) => new Date( time ).toISOString().slice( 0, 10 );

describe.each( [ 'pglite' ] as const )( 'activity filters (%s)', ( db ) => {
	let cloud: TestCloud;
	let tenant: Tenant;
	const now = Date.now();

	beforeAll( async () => {
		cloud = await startTestCloud(
			{ db, queue: 'inline' },
			{},
			{ workers: false }
		);
		tenant = await addTenant( cloud, 'Activity Co' );
		const { models } = cloud.context;
		const scope = {
			account_id: tenant.accountId,
			site_id: tenant.siteId,
			sector_id: tenant.sectorId,
		};
		// Run 0: ideas, failed, 10 days ago; run 1: content, succeeded, 2 days
		// ago at 23:59 UTC; run 2: ideas, queued, now. Records alike.
		const times = [
			now - 10 * DAY,
			Date.parse( `${ day( now - 2 * DAY ) }T23:59:00Z` ),
			now,
		];
		const runs = [
			[ 'generate_ideas', 'failed' ],
			[ 'generate_content', 'succeeded' ],
			[ 'generate_ideas', 'queued' ],
		] as const;
		const records = [ 'failed', 'published', 'queued' ] as const;
		for ( const [ i, time ] of times.entries() ) {
			const at = new Date( time );
			await models.AiTaskRun.create( {
				...scope,
				function_name: runs[ i ]![ 0 ],
				status: runs[ i ]![ 1 ],
				input: { n: i },
				output_summary: null,
				error: null,
				created_by: null,
				started_at: null,
				finished_at: null,
				created_at: at,
				updated_at: at,
			} as never );
			// One record per draft: a draft has one record in flight at a time.
			const writer = await addWriterContent(
				cloud,
				tenant,
				`Post ${ i }`
			);
			await models.PublishingRecord.create( {
				...scope,
				content_id: writer.contentId,
				task_id: writer.taskId,
				status: records[ i ],
				created_at: at,
				updated_at: at,
			} as never );
		}
		// PGlite's boot takes long on a loaded CI machine, as in the other suites that boot one.
	}, 120_000 );
	afterAll( async () => {
		await cloud?.stop();
	} );

	const list = async (
		path: string,
		query: Record< string, string | number >
	) => {
		const response = await request( cloud.app )
			.get( path )
			.query( { site_id: tenant.siteId, ordering: 'id', ...query } )
			.set( bearer( tenant.owner ) )
			.expect( 200 );
		return response.body.results as Array< Record< string, unknown > >;
	};

	it( 'filters AI runs by status, function and the day they were added', async () => {
		const runs = '/api/v1/system/ai-runs/';
		const runStatuses = async ( query: Record< string, string > ) =>
			( await list( runs, query ) ).map( ( run ) => run.status );
		expect( await runStatuses( {} ) ).toEqual( [
			'failed',
			'succeeded',
			'queued',
		] );
		expect( await runStatuses( { status: 'queued' } ) ).toEqual( [
			'queued',
		] );
		expect(
			await runStatuses( { function_name: 'generate_ideas' } )
		).toEqual( [ 'failed', 'queued' ] );
		expect(
			await runStatuses( { created_after: day( now - 2 * DAY ) } )
		).toEqual( [ 'succeeded', 'queued' ] );
		expect(
			await runStatuses( {
				created_after: day( now - 2 * DAY ),
				created_before: day( now - 2 * DAY ),
			} )
		).toEqual( [ 'succeeded' ] );
		expect(
			await runStatuses( {
				function_name: 'generate_ideas',
				created_before: day( now - DAY ),
			} )
		).toEqual( [ 'failed' ] );
	} );

	it( 'filters publishing records by status and the day they were added', async () => {
		const records = '/api/v1/publisher/publishing-records/';
		const statuses = async ( query: Record< string, string > ) =>
			( await list( records, query ) ).map( ( record ) => record.status );
		expect( await statuses( {} ) ).toEqual( [
			'failed',
			'published',
			'queued',
		] );
		expect( await statuses( { status: 'published' } ) ).toEqual( [
			'published',
		] );
		expect(
			await statuses( { created_before: day( now - 2 * DAY ) } )
		).toEqual( [ 'failed', 'published' ] );
		expect( await statuses( { created_after: day( now + DAY ) } ) ).toEqual(
			[]
		);
	} );

	it.each( [
		[ '/api/v1/system/ai-runs/', 'status', 'in_progress' ],
		[ '/api/v1/system/ai-runs/', 'function_name', 'make_coffee' ],
		[ '/api/v1/system/ai-runs/', 'created_after', 'last week' ],
		[ '/api/v1/system/ai-runs/', 'created_before', '2026-02-30' ],
		[ '/api/v1/publisher/publishing-records/', 'status', 'lost' ],
		[
			'/api/v1/publisher/publishing-records/',
			'created_after',
			'2026-1-5',
		],
		[
			'/api/v1/publisher/publishing-records/',
			'created_before',
			"2026-01-05' OR 1=1",
		],
	] )(
		'refuses %s with a bad %s (%s) in the error envelope',
		async ( path, field, value ) => {
			const response = await request( cloud.app )
				.get( path )
				.query( { [ field ]: value } )
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
