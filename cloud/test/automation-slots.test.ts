import { publishSlots } from '../src/modules/automation/actions';

/**
 * Where an automation's publish step puts posts: at most `per_day` a day,
 * inside the rule's window in its time zone — today's share at once while
 * the window is open, every other share spread over its day's window.
 */

const publish = (
	fields: { per_day?: number; status?: 'draft' | 'pending' | 'publish' } = {}
) => ( {
	type: 'publish' as const,
	status: fields.status ?? ( 'publish' as const ),
	per_day: fields.per_day,
	window_start: '09:00',
	window_end: '17:00',
} );

const at = ( slots: ReturnType< typeof publishSlots > ) =>
	slots.map( ( s ) =>
		s.status === 'future'
			? `${ s.ids.join() }@${ s.date_gmt }`
			: `${ s.ids.join() }:${ s.status }`
	);

describe( 'publish slots', () => {
	it( 'publishes today’s share at once inside the window and spreads the rest over the next days’ windows', () => {
		// 11:00 in Berlin (UTC+1 in December).
		const slots = publishSlots(
			[ 1, 2, 3, 4, 5 ],
			publish( { per_day: 2 } ),
			'Europe/Berlin',
			new Date( '2026-12-07T10:00:00Z' )
		);
		expect( at( slots ) ).toEqual( [
			'1,2:publish',
			'3@2026-12-08T08:00:00.000Z',
			'4@2026-12-08T12:00:00.000Z',
			'5@2026-12-09T08:00:00.000Z',
		] );
	} );

	it( 'starts tomorrow once today’s window has closed, and spreads today’s share when it has not opened yet', () => {
		const evening = publishSlots(
			[ 1, 2, 3 ],
			publish( { per_day: 2 } ),
			'Europe/Berlin',
			new Date( '2026-12-07T18:00:00Z' )
		);
		expect( at( evening ) ).toEqual( [
			'1@2026-12-08T08:00:00.000Z',
			'2@2026-12-08T12:00:00.000Z',
			'3@2026-12-09T08:00:00.000Z',
		] );
		const morning = publishSlots(
			[ 1, 2 ],
			publish( { per_day: 2 } ),
			'Europe/Berlin',
			new Date( '2026-12-07T06:00:00Z' )
		);
		expect( at( morning ) ).toEqual( [
			'1@2026-12-07T08:00:00.000Z',
			'2@2026-12-07T12:00:00.000Z',
		] );
	} );

	it( 'keeps the window on the zone’s clock across a daylight-saving change', () => {
		// New York moves to EDT on 8 March 2026: 09:00 is 14:00Z the day before, 13:00Z after.
		const slots = publishSlots(
			[ 1, 2, 3 ],
			publish( { per_day: 1 } ),
			'America/New_York',
			new Date( '2026-03-07T20:00:00Z' )
		);
		expect( at( slots ) ).toEqual( [
			'1:publish',
			'2@2026-03-08T13:00:00.000Z',
			'3@2026-03-09T13:00:00.000Z',
		] );
	} );

	it( 'sends everything at once without a daily limit, or as drafts or for review', () => {
		const now = new Date( '2026-12-07T10:00:00Z' );
		expect(
			at( publishSlots( [ 1, 2, 3 ], publish(), 'UTC', now ) )
		).toEqual( [ '1,2,3:publish' ] );
		expect(
			at(
				publishSlots(
					[ 1, 2, 3 ],
					publish( { per_day: 1, status: 'draft' } ),
					'UTC',
					now
				)
			)
		).toEqual( [ '1,2,3:draft' ] );
	} );
} );
