/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * A rule's schedule, both ways: the cron expression the cloud keeps (five
 * fields: minute hour day-of-month month day-of-week) and what the builder
 * offers a person (every hour, day, week or month at a time; anything else
 * is written as cron). Only plain numbers are read as a time: a list, a
 * range or a step is a custom schedule, said in words where a common one
 * ("every weekday", "every 15 minutes") and quoted as cron otherwise.
 */

export type Repeat = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'custom';

export interface Schedule {
	repeat: Repeat;
	/** 0–59. */
	minute: number;
	/** 0–23. */
	hour: number;
	/** 0 (Sunday) – 6. */
	weekday: number;
	/** 1–28 (every month has them). */
	monthDay: number;
	/** The expression itself, for `custom`. */
	cron: string;
}

export const DEFAULT_SCHEDULE: Schedule = {
	repeat: 'daily',
	minute: 0,
	hour: 6,
	weekday: 1,
	monthDay: 1,
	cron: '0 6 * * *',
};

/** The days of the month every month has: a monthly schedule never skips one. */
export const LAST_MONTH_DAY = 28;

/**
 * A plain whole number within bounds, or null.
 * @param field A cron field.
 * @param min   The smallest value it may have.
 * @param max   The largest.
 */
function plain( field: string | undefined, min: number, max: number ) {
	if ( field === undefined || ! /^\d{1,2}$/.test( field ) ) {
		return null;
	}
	const value = Number( field );
	return value >= min && value <= max ? value : null;
}

/**
 * The builder's view of a cron expression; `custom` when it is none of the
 * simple repeats.
 * @param cron The rule's expression.
 */
export function scheduleFromCron( cron: string ): Schedule {
	const text = cron.trim().replace( /\s+/g, ' ' );
	const custom: Schedule = { ...DEFAULT_SCHEDULE, repeat: 'custom', cron };
	const fields = text.split( ' ' );
	if ( fields.length !== 5 ) {
		return custom;
	}
	const [ m, h, dom, mon, dow ] = fields;
	const minute = plain( m, 0, 59 );
	if ( minute === null || mon !== '*' ) {
		return custom;
	}
	if ( h === '*' && dom === '*' && dow === '*' ) {
		return { ...DEFAULT_SCHEDULE, repeat: 'hourly', minute, cron: text };
	}
	const hour = plain( h, 0, 23 );
	if ( hour === null ) {
		return custom;
	}
	const base = { ...DEFAULT_SCHEDULE, minute, hour, cron: text };
	if ( dom === '*' && dow === '*' ) {
		return { ...base, repeat: 'daily' };
	}
	const weekday = plain( dow, 0, 7 );
	if ( dom === '*' && weekday !== null ) {
		// Cron lets Sunday be 7 as well as 0.
		return { ...base, repeat: 'weekly', weekday: weekday % 7 };
	}
	const monthDay = plain( dom, 1, LAST_MONTH_DAY );
	if ( dow === '*' && monthDay !== null ) {
		return { ...base, repeat: 'monthly', monthDay };
	}
	return custom;
}

/**
 * The cron expression of a schedule made in the builder.
 * @param schedule The builder's choice.
 */
export function cronFromSchedule( schedule: Schedule ): string {
	const { minute, hour } = schedule;
	switch ( schedule.repeat ) {
		case 'hourly':
			return `${ minute } * * * *`;
		case 'daily':
			return `${ minute } ${ hour } * * *`;
		case 'weekly':
			return `${ minute } ${ hour } * * ${ schedule.weekday }`;
		case 'monthly':
			return `${ minute } ${ hour } ${ schedule.monthDay } * *`;
		default:
			return schedule.cron.trim().replace( /\s+/g, ' ' );
	}
}

/**
 * `06:00`: a time of day as the schedule reads it (24 hours, so the words
 * mean the same in every locale and match the time field).
 * @param hour   0–23.
 * @param minute 0–59.
 */
export function clock( hour: number, minute: number ): string {
	return `${ String( hour ).padStart( 2, '0' ) }:${ String( minute ).padStart(
		2,
		'0'
	) }`;
}

/** The days of the week, Sunday first as cron counts them. */
export function weekdayNames(): string[] {
	return [
		__( 'Sunday', 'igny8-bridge' ),
		__( 'Monday', 'igny8-bridge' ),
		__( 'Tuesday', 'igny8-bridge' ),
		__( 'Wednesday', 'igny8-bridge' ),
		__( 'Thursday', 'igny8-bridge' ),
		__( 'Friday', 'igny8-bridge' ),
		__( 'Saturday', 'igny8-bridge' ),
	];
}

/**
 * Words joined as the page's language lists them: “Monday and Thursday”.
 * @param words The words.
 */
function listOf( words: string[] ): string {
	const lang = document.documentElement.lang || undefined;
	try {
		return new Intl.ListFormat( lang, {
			style: 'long',
			type: 'conjunction',
		} ).format( words );
	} catch {
		return words.join( ', ' );
	}
}

/**
 * A custom expression in words, when it is a common one; null otherwise.
 * @param fields The five fields.
 */
function commonCustom( fields: string[] ): string | null {
	const [ m, h, dom, mon, dow ] = fields;
	const every = /^\*\/(\d{1,2})$/;
	if ( mon !== '*' || dom !== '*' ) {
		return null;
	}
	const minutes = every.exec( m ?? '' );
	if ( minutes && h === '*' && dow === '*' ) {
		const n = Number( minutes[ 1 ] );
		return sprintf(
			/* translators: %d: a number of minutes. */
			_n( 'Every %d minute', 'Every %d minutes', n, 'igny8-bridge' ),
			n
		);
	}
	const minute = plain( m, 0, 59 );
	if ( minute === null ) {
		return null;
	}
	const hours = every.exec( h ?? '' );
	if ( hours && dow === '*' ) {
		const n = Number( hours[ 1 ] );
		return sprintf(
			/* translators: 1: a number of hours, 2: minutes past the hour, e.g. 05. */
			_n(
				'Every %1$d hour, at %2$s past',
				'Every %1$d hours, at %2$s past',
				n,
				'igny8-bridge'
			),
			n,
			`:${ String( minute ).padStart( 2, '0' ) }`
		);
	}
	const hour = plain( h, 0, 23 );
	if ( hour === null ) {
		return null;
	}
	const at = clock( hour, minute );
	if ( dow === '1-5' ) {
		return sprintf(
			/* translators: %s: a time of day, e.g. 06:00. */
			__( 'Every weekday at %s', 'igny8-bridge' ),
			at
		);
	}
	if ( dow === '0,6' || dow === '6,0' || dow === '6,7' ) {
		return sprintf(
			/* translators: %s: a time of day, e.g. 06:00. */
			__( 'Every Saturday and Sunday at %s', 'igny8-bridge' ),
			at
		);
	}
	if ( dow && /^[0-7](,[0-7])+$/.test( dow ) ) {
		const names = weekdayNames();
		return sprintf(
			/* translators: 1: a day of the week or a list of them, e.g. “Monday” or “Monday and Thursday”, 2: a time of day, e.g. 06:00. */
			__( 'Every %1$s at %2$s', 'igny8-bridge' ),
			listOf(
				dow.split( ',' ).map( ( day ) => names[ Number( day ) % 7 ]! )
			),
			at
		);
	}
	return null;
}

/**
 * A cron expression in words, without its time zone: “Every day at 06:00”.
 * An expression the words do not cover is quoted.
 * @param cron The rule's expression.
 */
export function describeCron( cron: string ): string {
	const schedule = scheduleFromCron( cron );
	const at = () => clock( schedule.hour, schedule.minute );
	switch ( schedule.repeat ) {
		case 'hourly':
			return sprintf(
				/* translators: %s: minutes past the hour, e.g. :15. */
				__( 'Every hour at %s', 'igny8-bridge' ),
				`:${ String( schedule.minute ).padStart( 2, '0' ) }`
			);
		case 'daily':
			return sprintf(
				/* translators: %s: a time of day, e.g. 06:00. */
				__( 'Every day at %s', 'igny8-bridge' ),
				at()
			);
		case 'weekly':
			return sprintf(
				/* translators: 1: a day of the week or a list of them, e.g. “Monday” or “Monday and Thursday”, 2: a time of day, e.g. 06:00. */
				__( 'Every %1$s at %2$s', 'igny8-bridge' ),
				weekdayNames()[ schedule.weekday ] ?? '',
				at()
			);
		case 'monthly':
			return sprintf(
				/* translators: 1: a day of the month (1–28), 2: a time of day, e.g. 06:00. */
				__( 'Day %1$d of every month at %2$s', 'igny8-bridge' ),
				schedule.monthDay,
				at()
			);
	}
	const text = cron.trim().replace( /\s+/g, ' ' );
	return (
		commonCustom( text.split( ' ' ) ) ??
		sprintf(
			/* translators: %s: a cron expression, e.g. “0 6 * * 1-5”. */
			__( 'On the schedule “%s”', 'igny8-bridge' ),
			text
		)
	);
}

/**
 * Whether a custom expression has five fields of cron's characters (the
 * cloud checks the rest and says what is wrong).
 * @param cron What the person typed.
 */
export function looksLikeCron( cron: string ): boolean {
	const fields = cron.trim().split( /\s+/ );
	return (
		fields.length === 5 &&
		fields.every( ( field ) => /^[\d*,\-/A-Za-z?]+$/.test( field ) )
	);
}

/**
 * Whether a time zone name is one this browser knows (an IANA name such as
 * “Europe/Berlin”); an offset such as “+02:00” is not.
 * @param zone The name.
 */
export function isTimeZone( zone: string ): boolean {
	if ( ! zone || ! /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test( zone ) ) {
		return false;
	}
	try {
		new Intl.DateTimeFormat( 'en', { timeZone: zone } );
		return true;
	} catch {
		return false;
	}
}

/**
 * The time zone a new schedule starts in: the site's, when it has a name;
 * else this browser's; else UTC.
 * @param site The site's (WordPress's `timezone_string`, or an offset).
 */
export function defaultTimeZone( site: string | undefined ): string {
	if ( site && isTimeZone( site ) ) {
		return site;
	}
	const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
	return browser && isTimeZone( browser ) ? browser : 'UTC';
}

/** Every time zone this browser knows, for the builder's list. */
export function timeZoneNames(): string[] {
	const intl = Intl as unknown as {
		supportedValuesOf?: ( key: string ) => string[];
	};
	try {
		const names = intl.supportedValuesOf?.( 'timeZone' ) ?? [];
		return names.includes( 'UTC' ) ? names : [ 'UTC', ...names ];
	} catch {
		return [ 'UTC' ];
	}
}
