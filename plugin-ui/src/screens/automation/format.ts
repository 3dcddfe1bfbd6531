/**
 * External dependencies
 */
import type {
	AutomationAction,
	AutomationOutputKind,
	AutomationRule,
	AutomationTrigger,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { getBootData, type ScreenId } from '../../boot';
import { label } from '../../labels';
import { safeUrl } from '../../safe-url';
import { describeCron } from './schedule';

/**
 * e.g. “3 credits”.
 * @param count How many.
 */
export function creditCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of credits. */
		_n( '%s credit', '%s credits', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * e.g. “4 runs”.
 * @param count How many.
 */
export function runCount( count: number ): string {
	return sprintf(
		/* translators: %s: a number of automation runs. */
		_n( '%s run', '%s runs', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * e.g. “2 rules”.
 * @param count How many.
 */
export function ruleCount( count: number ): string {
	return sprintf(
		/* translators: %s: a number of automation rules. */
		_n( '%s rule', '%s rules', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * When a rule starts, in words: “Every day at 06:00 (Europe/Berlin)”, “When
 * keywords are imported”.
 * @param trigger The rule's trigger.
 */
export function triggerText( trigger: AutomationTrigger ): string {
	if ( trigger.kind === 'event' ) {
		return label( 'automationEvent', trigger.event );
	}
	return sprintf(
		/* translators: 1: a schedule (e.g. “Every day at 06:00”) or a date and time, 2: a time zone, e.g. Europe/Berlin. */
		__( '%1$s (%2$s)', 'igny8-bridge' ),
		describeCron( trigger.cron ),
		trigger.timezone
	);
}

/**
 * A rule's steps in order: “Cluster keywords → Generate ideas → Publish”.
 * @param actions The rule's actions.
 */
export function actionsSummary( actions: AutomationAction[] ): string {
	return actions
		.map( ( action ) => label( 'automationAction', action.type ) )
		.join( ' → ' );
}

/**
 * An action's options in a few words (empty when it has none worth saying):
 * “3 ideas per cluster”, “up to 3 links per post”.
 * @param action The action.
 */
export function actionDetails( action: AutomationAction ): string {
	switch ( action.type ) {
		case 'cluster_keywords':
			return sprintf(
				/* translators: 1: a clustering method, 2: a number of keywords. */
				__( '%1$s; clusters of %2$d keywords or more', 'igny8-bridge' ),
				label( 'clusterMethod', action.method ),
				action.min_cluster_size
			);
		case 'generate_ideas':
			return sprintf(
				/* translators: %d: a number of ideas. */
				_n(
					'%d idea per cluster',
					'%d ideas per cluster',
					action.ideas_per_cluster,
					'igny8-bridge'
				),
				action.ideas_per_cluster
			);
		case 'approve_ideas':
			return action.mode === 'top' && action.top_n
				? sprintf(
						/* translators: %d: a number of ideas. */
						_n(
							'The top %d idea by search volume',
							'The top %d ideas by search volume',
							action.top_n,
							'igny8-bridge'
						),
						action.top_n
					)
				: label( 'automationApproveMode', action.mode );
		case 'generate_images':
			return sprintf(
				/* translators: %d: a number of images. */
				_n(
					'Featured image and %d in the text',
					'Featured image and %d in the text',
					action.in_article_images,
					'igny8-bridge'
				),
				action.in_article_images
			);
		case 'optimize':
			return sprintf(
				/* translators: %d: a score out of 100. */
				__( 'Drafts scoring below %d', 'igny8-bridge' ),
				action.min_score
			);
		case 'insert_links':
			return sprintf(
				/* translators: %d: a number of links. */
				_n(
					'Up to %d link per post',
					'Up to %d links per post',
					action.max_links,
					'igny8-bridge'
				),
				action.max_links
			);
		case 'publish': {
			const status = label( 'postStatus', action.status );
			return action.per_day
				? sprintf(
						/* translators: 1: a post status, e.g. Published, 2: posts per day, 3: and 4: times of day, e.g. 09:00. */
						__(
							'%1$s; %2$d a day between %3$s and %4$s',
							'igny8-bridge'
						),
						status,
						action.per_day,
						action.window_start,
						action.window_end
					)
				: status;
		}
	}
	return '';
}

/**
 * What a step made or touched, counted: “12 keywords”, “3 drafts”.
 * @param kind  What it is.
 * @param count How many.
 */
export function outputCount(
	kind: AutomationOutputKind,
	count: number
): string {
	const n = count.toLocaleString();
	switch ( kind ) {
		case 'keywords':
			return sprintf(
				/* translators: %s: number of keywords. */
				_n( '%s keyword', '%s keywords', count, 'igny8-bridge' ),
				n
			);
		case 'clusters':
			return sprintf(
				/* translators: %s: number of keyword clusters. */
				_n( '%s cluster', '%s clusters', count, 'igny8-bridge' ),
				n
			);
		case 'ideas':
			return sprintf(
				/* translators: %s: number of content ideas. */
				_n( '%s idea', '%s ideas', count, 'igny8-bridge' ),
				n
			);
		case 'tasks':
			return sprintf(
				/* translators: %s: number of writing tasks. */
				_n( '%s task', '%s tasks', count, 'igny8-bridge' ),
				n
			);
		case 'content':
			return sprintf(
				/* translators: %s: a number of drafts. */
				_n( '%s draft', '%s drafts', count, 'igny8-bridge' ),
				n
			);
		case 'images':
			return sprintf(
				/* translators: %s: number of images. */
				_n( '%s image', '%s images', count, 'igny8-bridge' ),
				n
			);
		case 'revisions':
			return sprintf(
				/* translators: %s: a number of AI revisions. */
				_n(
					'%s AI revision',
					'%s AI revisions',
					count,
					'igny8-bridge'
				),
				n
			);
		case 'links':
			return sprintf(
				/* translators: %s: a number of internal links. */
				_n( '%s link', '%s links', count, 'igny8-bridge' ),
				n
			);
		case 'publishing_records':
			return sprintf(
				/* translators: %s: a number of posts sent to WordPress. */
				_n(
					'%s post sent to WordPress',
					'%s posts sent to WordPress',
					count,
					'igny8-bridge'
				),
				n
			);
	}
	return n;
}

/** The screen where each kind of output is listed (and its tab, if any). */
const OUTPUT_SCREEN: Record<
	AutomationOutputKind,
	{ screen: ScreenId; tab?: string }
> = {
	keywords: { screen: 'keywords' },
	clusters: { screen: 'clusters' },
	ideas: { screen: 'ideas' },
	tasks: { screen: 'tasks' },
	content: { screen: 'content' },
	images: { screen: 'images' },
	revisions: { screen: 'optimizer' },
	links: { screen: 'linker', tab: 'posts' },
	publishing_records: { screen: 'activity', tab: 'publishing' },
};

/**
 * Where a step's output can be looked at, or null when this site has no
 * such screen.
 * @param kind What the step made or touched.
 */
export function outputLink( kind: AutomationOutputKind ): string | null {
	const target = OUTPUT_SCREEN[ kind ];
	const page = target && getBootData().pages[ target.screen ];
	if ( ! page ) {
		return null;
	}
	return (
		safeUrl(
			target.tab ? addQueryArgs( page, { tab: target.tab } ) : page
		) ?? null
	);
}

/**
 * A time as the person's locale writes it; a dash for none.
 * @param value An ISO time or null.
 */
export function when( value: string | null | undefined ): string {
	return value ? new Date( value ).toLocaleString() : '—';
}

/**
 * The calendar month the spend covers (`2026-12`), as the locale names it:
 * “December 2026”.
 * @param month `YYYY-MM`.
 */
export function monthName( month: string ): string {
	const match = /^(\d{4})-(\d{2})$/.exec( month );
	if ( ! match ) {
		return month;
	}
	return new Date(
		Date.UTC( Number( match[ 1 ] ), Number( match[ 2 ] ) - 1, 1 )
	).toLocaleDateString( undefined, {
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC',
	} );
}

/**
 * When a rule starts next, in words.
 * @param rule The rule.
 */
export function nextRunText( rule: AutomationRule ): string {
	if ( ! rule.enabled ) {
		return __( 'Paused', 'igny8-bridge' );
	}
	if ( rule.trigger.kind === 'event' ) {
		return __( 'When the event happens', 'igny8-bridge' );
	}
	return rule.next_fire_at
		? sprintf(
				/* translators: 1: a schedule (e.g. “Every day at 06:00”) or a date and time, 2: a time zone, e.g. Europe/Berlin. */
				__( '%1$s (%2$s)', 'igny8-bridge' ),
				whenIn( rule.next_fire_at, rule.trigger.timezone ),
				rule.trigger.timezone
			)
		: '—';
}

/**
 * A time as the person's locale writes it, on the clock of a time zone
 * (a schedule's, so its next run reads as the schedule says it).
 * @param value An ISO time.
 * @param zone  An IANA time zone.
 */
export function whenIn( value: string, zone: string ): string {
	const date = new Date( value );
	try {
		return date.toLocaleString( undefined, {
			timeZone: zone,
			dateStyle: 'medium',
			timeStyle: 'short',
		} );
	} catch {
		return date.toLocaleString();
	}
}
