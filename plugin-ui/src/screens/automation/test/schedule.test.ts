/**
 * Internal dependencies
 */
import { actionDetails, actionsSummary, triggerText } from '../format';
import {
	cronFromSchedule,
	describeCron,
	isTimeZone,
	scheduleFromCron,
} from '../schedule';

describe( 'a rule’s trigger in words', () => {
	it.each( [
		[ '0 6 * * *', 'Europe/Berlin', 'Every day at 06:00 (Europe/Berlin)' ],
		[ '30 9 * * 1', 'UTC', 'Every Monday at 09:30 (UTC)' ],
		[ '15 * * * *', 'UTC', 'Every hour at :15 (UTC)' ],
		[
			'0 22 1 * *',
			'America/New_York',
			'Day 1 of every month at 22:00 (America/New_York)',
		],
		[ '0 6 * * 1-5', 'UTC', 'Every weekday at 06:00 (UTC)' ],
		[ '0 6 * * 1,4', 'UTC', 'Every Monday and Thursday at 06:00 (UTC)' ],
		[ '*/15 * * * *', 'UTC', 'Every 15 minutes (UTC)' ],
		[ '5 */6 * * *', 'UTC', 'Every 6 hours, at :05 past (UTC)' ],
		[ '0 6 1-7 * 1', 'UTC', 'On the schedule “0 6 1-7 * 1” (UTC)' ],
	] )( '%s in %s reads “%s”', ( cron, timezone, words ) => {
		expect( triggerText( { kind: 'schedule', cron, timezone } ) ).toBe(
			words
		);
	} );

	it( 'names the event of an event rule', () => {
		expect(
			triggerText( { kind: 'event', event: 'keywords.imported' } )
		).toBe( 'When keywords are imported' );
		expect(
			triggerText( { kind: 'event', event: 'content.published' } )
		).toBe( 'When a post is published' );
	} );

	it( 'says Sunday for a 7 in the day-of-week field, as cron allows', () => {
		expect( describeCron( '0 8 * * 7' ) ).toBe( 'Every Sunday at 08:00' );
	} );
} );

describe( 'the builder’s schedule and cron', () => {
	it.each( [ '0 6 * * *', '45 * * * *', '30 9 * * 3', '0 22 28 * *' ] )(
		'reads %s as a simple repeat and writes it back unchanged',
		( cron ) => {
			const schedule = scheduleFromCron( cron );
			expect( schedule.repeat ).not.toBe( 'custom' );
			expect( cronFromSchedule( schedule ) ).toBe( cron );
		}
	);

	it( 'keeps anything else as a custom expression', () => {
		for ( const cron of [ '0 6 * * 1-5', '0 6 29 * *', '0 6 * 1 *' ] ) {
			const schedule = scheduleFromCron( cron );
			expect( schedule.repeat ).toBe( 'custom' );
			expect( cronFromSchedule( schedule ) ).toBe( cron );
		}
	} );

	it( 'knows IANA time zones, not offsets', () => {
		expect( isTimeZone( 'Europe/Berlin' ) ).toBe( true );
		expect( isTimeZone( '+02:00' ) ).toBe( false );
		expect( isTimeZone( 'Mars/Olympus' ) ).toBe( false );
	} );
} );

describe( 'a rule’s steps in words', () => {
	it( 'chains the steps’ names in order', () => {
		expect(
			actionsSummary( [
				{
					type: 'cluster_keywords',
					method: 'lexical',
					min_cluster_size: 2,
				},
				{ type: 'generate_ideas', ideas_per_cluster: 3 },
				{ type: 'create_tasks' },
				{
					type: 'publish',
					status: 'publish',
					window_start: '09:00',
					window_end: '17:00',
				},
			] )
		).toBe(
			'Cluster keywords → Generate ideas → Create writing tasks → Publish'
		);
	} );

	it( 'says each step’s options', () => {
		expect(
			actionDetails( { type: 'approve_ideas', mode: 'top', top_n: 5 } )
		).toBe( 'The top 5 ideas by search volume' );
		expect(
			actionDetails( {
				type: 'publish',
				status: 'pending',
				per_day: 2,
				window_start: '09:00',
				window_end: '17:00',
			} )
		).toBe( 'Pending review; 2 a day between 09:00 and 17:00' );
		expect( actionDetails( { type: 'insert_links', max_links: 1 } ) ).toBe(
			'Up to 1 link per post'
		);
	} );
} );
