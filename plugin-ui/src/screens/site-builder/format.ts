/**
 * External dependencies
 */
import type {
	BlueprintApplyReport,
	BlueprintApplyRun,
	BlueprintPageType,
	BlueprintVersion,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { RemovedMode } from '../../store/site-builder';

/**
 * Words of the Site Builder screen, kept pure so they are tested without a
 * browser.
 */

/** The page types in the order the type menu offers them. */
export const PAGE_TYPES: BlueprintPageType[] = [
	'home',
	'about',
	'services',
	'service',
	'landing',
	'blog',
	'contact',
	'custom',
];

/**
 * What a page of each type is for, as the type menu names it.
 * @param type
 */
export function pageTypeLabel( type: BlueprintPageType ): string {
	const labels = {
		home: __( 'Home page', 'igny8-bridge' ),
		about: __( 'About', 'igny8-bridge' ),
		services: __( 'Services overview', 'igny8-bridge' ),
		service: __( 'Service', 'igny8-bridge' ),
		contact: __( 'Contact', 'igny8-bridge' ),
		landing: __( 'Landing page', 'igny8-bridge' ),
		blog: __( 'Blog', 'igny8-bridge' ),
		custom: __( 'Other page', 'igny8-bridge' ),
	} satisfies Record< BlueprintPageType, string >;
	return labels[ type ];
}

export type ApplyAction = BlueprintApplyReport[ 'pages' ][ number ][ 'action' ];

/**
 * What an apply did to an item, in words.
 * @param action The report's action.
 */
export function actionLabel( action: ApplyAction ): string {
	const labels = {
		create: __( 'Created', 'igny8-bridge' ),
		update: __( 'Updated', 'igny8-bridge' ),
		unchanged: __( 'Unchanged', 'igny8-bridge' ),
		edited: __( 'Edited in WordPress, left as it is', 'igny8-bridge' ),
		offered: __( 'No longer in the blueprint, kept', 'igny8-bridge' ),
		draft: __( 'Moved to drafts', 'igny8-bridge' ),
		trash: __( 'Moved to the trash', 'igny8-bridge' ),
		link: __( 'Existing category, now tracked', 'igny8-bridge' ),
		conflict: __(
			'Left alone: another menu has this name',
			'igny8-bridge'
		),
	} satisfies Record< ApplyAction, string >;
	return labels[ action ];
}

/**
 * What happens to the pages no longer in the blueprint, for each choice.
 * @param mode The choice.
 */
export function removedLabel( mode: RemovedMode ): string {
	const labels = {
		keep: __( 'Keep them as they are', 'igny8-bridge' ),
		draft: __( 'Move them to drafts', 'igny8-bridge' ),
		trash: __( 'Move them to the trash', 'igny8-bridge' ),
	} satisfies Record< RemovedMode, string >;
	return labels[ mode ];
}

/**
 * Where an apply stands, in words.
 * @param status The apply's status.
 */
export function applyStatusLabel(
	status: BlueprintApplyRun[ 'status' ]
): string {
	const labels = {
		queued: __( 'Waiting to start', 'igny8-bridge' ),
		running: __( 'Applying', 'igny8-bridge' ),
		succeeded: __( 'Applied', 'igny8-bridge' ),
		failed: __( 'Failed', 'igny8-bridge' ),
	} satisfies Record< BlueprintApplyRun[ 'status' ], string >;
	return labels[ status ];
}

/**
 * Where a version came from, in words.
 * @param source The version's source.
 */
export function versionSourceLabel(
	source: BlueprintVersion[ 'source' ]
): string {
	const labels = {
		manual: __( 'Saved', 'igny8-bridge' ),
		ai: __( 'Generated with AI', 'igny8-bridge' ),
		revert: __( 'Reverted', 'igny8-bridge' ),
	} satisfies Record< BlueprintVersion[ 'source' ], string >;
	return labels[ source ];
}

/**
 * “3 pages”, “1 category”, “2 menus”.
 * @param counts            How many of each.
 * @param counts.pages      Pages.
 * @param counts.categories Categories.
 * @param counts.menus      Menus.
 */
export function structureCounts( counts: {
	pages: number;
	categories: number;
	menus: number;
} ): string {
	return [
		sprintf(
			/* translators: %d: number of pages. */
			_n( '%d page', '%d pages', counts.pages, 'igny8-bridge' ),
			counts.pages
		),
		sprintf(
			/* translators: %d: number of categories. */
			_n(
				'%d category',
				'%d categories',
				counts.categories,
				'igny8-bridge'
			),
			counts.categories
		),
		sprintf(
			/* translators: %d: number of menus. */
			_n( '%d menu', '%d menus', counts.menus, 'igny8-bridge' ),
			counts.menus
		),
	].join( ', ' );
}

/** One line of a plan or report: a page, a category or a menu. */
export interface ReportLine {
	kind: 'page' | 'category' | 'menu';
	key: string;
	action: ApplyAction;
	name: string;
	/** The page's slug, the menu's location … */
	detail: string;
	/** The page in WordPress, once it exists. */
	url: string | null;
}

/**
 * Every page, category and menu of a plan or report, in that order.
 * @param report The plan or report.
 */
export function reportLines( report: BlueprintApplyReport ): ReportLine[] {
	return [
		...report.pages.map( ( page ) => ( {
			kind: 'page' as const,
			key: page.key,
			action: page.action,
			name: page.title,
			detail: `/${ page.slug }/`,
			url: page.url || null,
		} ) ),
		...report.categories.map( ( category ) => ( {
			kind: 'category' as const,
			key: category.key,
			action: category.action,
			name: category.name,
			detail: category.slug,
			url: null,
		} ) ),
		...report.menus.map( ( menu ) => ( {
			kind: 'menu' as const,
			key: menu.key,
			action: menu.action,
			name: menu.name,
			detail: sprintf(
				/* translators: %d: number of menu items. */
				_n( '%d item', '%d items', menu.items, 'igny8-bridge' ),
				menu.items
			),
			url: null,
		} ) ),
	];
}

/**
 * What kind of item a line is, in words.
 * @param kind The kind.
 */
export function kindLabel( kind: ReportLine[ 'kind' ] ): string {
	switch ( kind ) {
		case 'page':
			return __( 'Page', 'igny8-bridge' );
		case 'category':
			return __( 'Category', 'igny8-bridge' );
		default:
			return __( 'Menu', 'igny8-bridge' );
	}
}

/**
 * The plan or report in one sentence: “4 to create, 1 to update, 20
 * unchanged.” (a plan) or “4 created, 1 updated, 20 unchanged.” (a report).
 * Zero counts are left out.
 * @param report The plan or report.
 */
export function reportSummary( report: BlueprintApplyReport ): string {
	const lines = reportLines( report );
	const count = ( ...actions: ApplyAction[] ) =>
		lines.filter( ( line ) => actions.includes( line.action ) ).length;
	const said: string[] = [];
	const say = ( n: number, text: ( count: number ) => string ) => {
		if ( n > 0 ) {
			said.push( text( n ) );
		}
	};
	if ( report.dry_run ) {
		say( count( 'create' ), ( n ) =>
			sprintf(
				/* translators: %d: number of pages, categories and menus. */
				_n( '%d to create', '%d to create', n, 'igny8-bridge' ),
				n
			)
		);
		say( count( 'update' ), ( n ) =>
			sprintf(
				/* translators: %d: number of pages, categories and menus. */
				_n( '%d to update', '%d to update', n, 'igny8-bridge' ),
				n
			)
		);
	} else {
		say( count( 'create' ), ( n ) =>
			sprintf(
				/* translators: %d: number of pages, categories and menus. */
				_n( '%d created', '%d created', n, 'igny8-bridge' ),
				n
			)
		);
		say( count( 'update' ), ( n ) =>
			sprintf(
				/* translators: %d: number of pages, categories and menus. */
				_n( '%d updated', '%d updated', n, 'igny8-bridge' ),
				n
			)
		);
	}
	say( count( 'edited' ), ( n ) =>
		sprintf(
			/* translators: %d: number of pages, categories and menus. */
			_n(
				'%d edited in WordPress',
				'%d edited in WordPress',
				n,
				'igny8-bridge'
			),
			n
		)
	);
	say( count( 'offered', 'draft', 'trash' ), ( n ) =>
		sprintf(
			/* translators: %d: number of pages. */
			_n(
				'%d no longer in the structure',
				'%d no longer in the structure',
				n,
				'igny8-bridge'
			),
			n
		)
	);
	say( count( 'link', 'conflict' ), ( n ) =>
		sprintf(
			/* translators: %d: number of categories and menus. */
			_n(
				'%d already in WordPress',
				'%d already in WordPress',
				n,
				'igny8-bridge'
			),
			n
		)
	);
	say( count( 'unchanged' ), ( n ) =>
		sprintf(
			/* translators: %d: number of pages, categories and menus. */
			_n( '%d unchanged', '%d unchanged', n, 'igny8-bridge' ),
			n
		)
	);
	if ( said.length === 0 ) {
		return __(
			'The site structure is empty: nothing to do.',
			'igny8-bridge'
		);
	}
	return sprintf(
		/* translators: %s: a list such as “4 to create, 20 unchanged”. */
		__( '%s.', 'igny8-bridge' ),
		said.join( ', ' )
	);
}

/**
 * A date and time in the person's locale.
 * @param stamp An ISO timestamp.
 */
export function when( stamp: string | null ): string {
	if ( ! stamp ) {
		return '—';
	}
	const date = new Date( stamp );
	return Number.isNaN( date.getTime() )
		? stamp
		: date.toLocaleString( undefined, {
				dateStyle: 'medium',
				timeStyle: 'short',
			} );
}
