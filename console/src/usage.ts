/**
 * External dependencies
 */
import type { Usage } from '@igny8/shared-types';

export interface DayUsage {
	day: string;
	/** Credits spent that day, all functions. */
	total: number;
	jobs: number;
	/** Credits per AI function (the chart's stacked series). */
	[ fn: `fn:${ string }` ]: number;
}

const DAY_MS = 86_400_000;

/**
 * Every day from `from` to `to` (YYYY-MM-DD, UTC, inclusive).
 * @param from The first day.
 * @param to   The last day.
 */
export function daysBetween( from: string, to: string ): string[] {
	const days: string[] = [];
	for (
		let t = Date.parse( `${ from }T00:00:00Z` );
		t <= Date.parse( `${ to }T00:00:00Z` );
		t += DAY_MS
	) {
		days.push( new Date( t ).toISOString().slice( 0, 10 ) );
	}
	return days;
}

/**
 * The chart's data: one entry per day of the range (days without usage are
 * zero, so gaps show), each with its total and its credits per function.
 * @param usage The cloud's `/billing/usage/` answer.
 */
export function dailyUsage( usage: Usage ): {
	days: DayUsage[];
	functions: string[];
} {
	const functions = new Set< string >();
	const byDay = new Map< string, DayUsage >(
		daysBetween( usage.from, usage.to ).map( ( day ) => [
			day,
			{ day, total: 0, jobs: 0 },
		] )
	);
	for ( const row of usage.rows ) {
		const entry = byDay.get( row.day ) ?? {
			day: row.day,
			total: 0,
			jobs: 0,
		};
		const fn = row.function_name ?? 'other';
		functions.add( fn );
		entry.total += row.credits;
		entry.jobs += row.jobs;
		entry[ `fn:${ fn }` ] = ( entry[ `fn:${ fn }` ] ?? 0 ) + row.credits;
		byDay.set( row.day, entry );
	}
	return {
		days: [ ...byDay.values() ].sort( ( a, b ) =>
			a.day.localeCompare( b.day )
		),
		functions: [ ...functions ].sort(),
	};
}

/**
 * `YYYY-MM-DD` of today and of `days - 1` days before (UTC): a range of `days` days.
 * @param days How many days.
 * @param now  Today (tests pass a fixed date).
 */
export function lastDays(
	days: number,
	now = new Date()
): {
	from: string;
	to: string;
} {
	const to = now.toISOString().slice( 0, 10 );
	const from = new Date( Date.parse( to ) - ( days - 1 ) * DAY_MS )
		.toISOString()
		.slice( 0, 10 );
	return { from, to };
}

export interface SiteUsage {
	/** Null: credits the ledger names no site for. */
	site_id: number | null;
	/** Credits spent in the range, all functions. */
	total: number;
	jobs: number;
	/** Credits per AI function (the chart's stacked series). */
	[ fn: `fn:${ string }` ]: number;
}

/**
 * The range's credits per site, each stacked by AI function, most spent
 * first: the same rows as the daily chart, added up by site instead of day,
 * so both charts and the ledger agree to the credit.
 * @param usage The cloud's `/billing/usage/` answer.
 */
export function siteUsage( usage: Usage ): {
	sites: SiteUsage[];
	functions: string[];
} {
	const functions = new Set< string >();
	const bySite = new Map< number | null, SiteUsage >();
	for ( const row of usage.rows ) {
		const entry = bySite.get( row.site_id ) ?? {
			site_id: row.site_id,
			total: 0,
			jobs: 0,
		};
		const fn = row.function_name ?? 'other';
		functions.add( fn );
		entry.total += row.credits;
		entry.jobs += row.jobs;
		entry[ `fn:${ fn }` ] = ( entry[ `fn:${ fn }` ] ?? 0 ) + row.credits;
		bySite.set( row.site_id, entry );
	}
	return {
		sites: [ ...bySite.values() ]
			.filter( ( site ) => site.total !== 0 || site.jobs > 0 )
			.sort(
				( a, b ) =>
					b.total - a.total ||
					( a.site_id ?? Infinity ) - ( b.site_id ?? Infinity )
			),
		functions: [ ...functions ].sort(),
	};
}
