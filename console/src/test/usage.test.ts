/**
 * Internal dependencies
 */
import { daysBetween, dailyUsage, lastDays, siteUsage } from '../usage';
import { toCsv } from '../csv';

describe( 'dailyUsage', () => {
	const usage = {
		from: '2025-03-01',
		to: '2025-03-04',
		total_credits: 17,
		rows: [
			{
				day: '2025-03-01',
				function_name: 'generate_content',
				site_id: 1,
				jobs: 2,
				credits: 10,
			},
			{
				day: '2025-03-01',
				function_name: 'generate_images',
				site_id: 1,
				jobs: 1,
				credits: 4,
			},
			{
				day: '2025-03-03',
				function_name: 'generate_content',
				site_id: 2,
				jobs: 1,
				credits: 3,
			},
		],
	};

	it( 'has one entry per day of the range, zero where nothing was spent', () => {
		const { days } = dailyUsage( usage );
		expect( days.map( ( d ) => [ d.day, d.total ] ) ).toEqual( [
			[ '2025-03-01', 14 ],
			[ '2025-03-02', 0 ],
			[ '2025-03-03', 3 ],
			[ '2025-03-04', 0 ],
		] );
	} );

	it( 'stacks each function so the stacks add up to the day and the days to the total', () => {
		const { days, functions } = dailyUsage( usage );
		expect( functions ).toEqual( [
			'generate_content',
			'generate_images',
		] );
		expect( days[ 0 ] ).toMatchObject( {
			'fn:generate_content': 10,
			'fn:generate_images': 4,
			jobs: 3,
		} );
		for ( const day of days ) {
			const stacked = functions.reduce(
				( sum, fn ) => sum + ( day[ `fn:${ fn }` ] ?? 0 ),
				0
			);
			expect( stacked ).toBe( day.total );
		}
		expect( days.reduce( ( sum, d ) => sum + d.total, 0 ) ).toBe(
			usage.total_credits
		);
	} );

	it( 'counts days inclusively in UTC', () => {
		expect( daysBetween( '2025-02-27', '2025-03-01' ) ).toEqual( [
			'2025-02-27',
			'2025-02-28',
			'2025-03-01',
		] );
		expect( lastDays( 7, new Date( '2025-03-10T23:30:00Z' ) ) ).toEqual( {
			from: '2025-03-04',
			to: '2025-03-10',
		} );
	} );
} );

describe( 'siteUsage', () => {
	const usage = {
		from: '2025-03-01',
		to: '2025-03-04',
		total_credits: 20,
		rows: [
			{
				day: '2025-03-01',
				function_name: 'generate_content',
				site_id: 1,
				jobs: 2,
				credits: 10,
			},
			{
				day: '2025-03-02',
				function_name: 'generate_images',
				site_id: 2,
				jobs: 1,
				credits: 4,
			},
			{
				day: '2025-03-03',
				function_name: 'generate_content',
				site_id: 2,
				jobs: 1,
				credits: 3,
			},
			{
				day: '2025-03-03',
				function_name: 'generate_ideas',
				site_id: null,
				jobs: 1,
				credits: 3,
			},
		],
	};

	it( 'adds the range up per site, stacked by function, most spent first, to the total', () => {
		const { sites, functions } = siteUsage( usage );
		expect( functions ).toEqual( [
			'generate_content',
			'generate_ideas',
			'generate_images',
		] );
		expect( sites.map( ( s ) => [ s.site_id, s.total, s.jobs ] ) ).toEqual(
			[
				[ 1, 10, 2 ],
				[ 2, 7, 2 ],
				[ null, 3, 1 ],
			]
		);
		expect( sites[ 1 ] ).toMatchObject( {
			'fn:generate_images': 4,
			'fn:generate_content': 3,
		} );
		expect( sites.reduce( ( sum, s ) => sum + s.total, 0 ) ).toBe(
			usage.total_credits
		);
	} );
} );

describe( 'toCsv', () => {
	it( 'quotes every field and defuses what a spreadsheet would run as a formula', () => {
		expect(
			toCsv(
				[ 'a', 'b' ],
				[
					[ '=SUM(A1)', 'say "hi"' ],
					[ -5, null ],
				]
			)
		).toBe( '"a","b"\r\n"\'=SUM(A1)","say ""hi"""\r\n"-5",""\r\n' );
	} );
} );
