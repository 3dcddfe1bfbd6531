/**
 * External dependencies
 */
import type {
	LinkerGraph,
	LinkerLink,
	LinkerPost,
	LinkerRebuildStatus,
	LinkerReport,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Card, CardBody, CardHeader } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import {
	EmptyState,
	ErrorNotice,
	Loading,
	ProgressBar,
} from '../../components/states';
import { label } from '../../labels';
import { postLinks } from '../../post-links';
import { safeUrl } from '../../safe-url';
import {
	fetchGraph,
	fetchRebuild,
	LINKER,
	startRebuild,
} from '../../store/linker';
import { linkCount, postCount } from './format';
import { LinkLimits } from './limits';

/** How often a running rebuild is asked where it stands. */
const POLL_MS = 1500;
/** Remembers a running rebuild across a reload of the screen. */
const REBUILD_KEY = 'igny8-linker-rebuild';
/** Rows of each report list shown before “and N more”. */
const SHOWN = 20;

/**
 * A post's title, or its number when it has none.
 * @param post A post of the index.
 */
export function postTitle( post: LinkerPost ): string {
	if ( post.title.trim() !== '' ) {
		return post.title;
	}
	return post.post_id !== null
		? sprintf(
				/* translators: %d: a WordPress post ID. */
				__( 'Post #%d (no title)', 'igny8-bridge' ),
				post.post_id
			)
		: __( '(no title)', 'igny8-bridge' );
}

/**
 * A post's title, linked to the block editor when it is a post of this site,
 * and a link to the post itself.
 * @param props          Component props.
 * @param props.post     A post of the index.
 * @param props.withView Whether to add the link to the post (lists do, tables have a row action).
 */
export function PostTitleLink( {
	post,
	withView = true,
}: {
	post: LinkerPost;
	withView?: boolean;
} ) {
	const edit = postLinks( {
		external_id: post.post_id === null ? null : String( post.post_id ),
	} )?.edit;
	const view = withView ? safeUrl( post.url ) : undefined;
	return (
		<span className="igny8-linker__post">
			{ edit ? (
				<a href={ edit }>{ postTitle( post ) }</a>
			) : (
				<strong>{ postTitle( post ) }</strong>
			) }
			{ view && (
				<>
					{ ' · ' }
					<a
						className="igny8-linker__view"
						href={ view }
						target="_blank"
						rel="noreferrer"
					>
						{ __( 'View', 'igny8-bridge' ) }
						<span className="screen-reader-text">
							{ sprintf(
								/* translators: %s: a post's title. */
								__(
									'“%s” (opens in a new tab)',
									'igny8-bridge'
								),
								postTitle( post )
							) }
						</span>
					</a>
				</>
			) }
		</span>
	);
}

/**
 * Starts a rebuild and follows it until it ends, resuming one that was
 * running when the page was reloaded.
 * @param onFinished Called once when a rebuild finishes.
 */
function useRebuild( onFinished: () => void ) {
	const [ status, setStatus ] = useState< LinkerRebuildStatus | null >(
		null
	);
	const [ error, setError ] = useState< string | null >( null );
	const [ starting, setStarting ] = useState( false );
	const finished = useRef( onFinished );
	finished.current = onFinished;
	const [ followed, setFollowed ] = useState< number | null >( () => {
		const saved = Number( window.sessionStorage.getItem( REBUILD_KEY ) );
		return Number.isInteger( saved ) && saved > 0 ? saved : null;
	} );

	useEffect( () => {
		if ( followed === null ) {
			return;
		}
		let live = true;
		let timer: ReturnType< typeof setTimeout > | undefined;
		const poll = async () => {
			try {
				const next = await fetchRebuild( followed );
				if ( ! live ) {
					return;
				}
				setStatus( next );
				if ( next.status === 'queued' || next.status === 'running' ) {
					timer = setTimeout( poll, POLL_MS );
					return;
				}
				window.sessionStorage.removeItem( REBUILD_KEY );
				setFollowed( null );
				if ( next.status === 'finished' ) {
					finished.current();
					announce(
						__(
							'The link index was rebuilt; the figures below are up to date.',
							'igny8-bridge'
						)
					);
				}
			} catch ( failure ) {
				if ( live ) {
					window.sessionStorage.removeItem( REBUILD_KEY );
					setFollowed( null );
					setError(
						errorMessage(
							failure,
							__(
								'Could not follow the rebuild. Reload the page to see the index as it is now.',
								'igny8-bridge'
							)
						)
					);
				}
			}
		};
		poll();
		return () => {
			live = false;
			clearTimeout( timer );
		};
	}, [ followed ] );

	const start = async () => {
		setStarting( true );
		setError( null );
		try {
			const next = await startRebuild();
			setStatus( next );
			window.sessionStorage.setItem( REBUILD_KEY, String( next.id ) );
			setFollowed( next.id );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__(
						'Could not start the rebuild. Try again.',
						'igny8-bridge'
					)
				)
			);
		} finally {
			setStarting( false );
		}
	};
	const running =
		starting ||
		followed !== null ||
		status?.status === 'queued' ||
		status?.status === 'running';
	return { status, error, running, start };
}

/**
 * “Rebuild index”, and the rebuild's progress while it runs.
 * @param props         Component props.
 * @param props.rebuild The rebuild's state (useRebuild).
 * @param props.primary Whether the button is the screen's main action.
 */
function RebuildControl( {
	rebuild,
	primary = false,
}: {
	rebuild: ReturnType< typeof useRebuild >;
	primary?: boolean;
} ) {
	const { status, error, running, start } = rebuild;
	const percent =
		status && status.total > 0 ? ( status.done / status.total ) * 100 : 0;
	return (
		<div className="igny8-linker__rebuild">
			<Button
				variant={ primary ? 'primary' : 'secondary' }
				onClick={ start }
				isBusy={ running }
				disabled={ running }
				accessibleWhenDisabled
				__next40pxDefaultSize
			>
				{ running
					? __( 'Rebuilding…', 'igny8-bridge' )
					: __( 'Rebuild index', 'igny8-bridge' ) }
			</Button>
			{ status && running && (
				<div className="igny8-linker__progress" role="status">
					<ProgressBar
						percent={ percent }
						label={ __(
							'Rebuilding the link index',
							'igny8-bridge'
						) }
					/>
					<span>
						{ status.total > 0
							? sprintf(
									/* translators: 1: posts done, 2: posts in all. */
									__(
										'%1$s of %2$s posts indexed',
										'igny8-bridge'
									),
									status.done.toLocaleString(),
									status.total.toLocaleString()
								)
							: label( 'linkerRebuild', status.status ) }
					</span>
				</div>
			) }
			{ status?.status === 'failed' && (
				<ErrorNotice
					message={
						status.error ??
						__( 'The rebuild failed. Try again.', 'igny8-bridge' )
					}
				/>
			) }
			{ error && <ErrorNotice message={ error } /> }
		</div>
	);
}

/**
 * One figure of the report; with `href`, a link to the posts it counts.
 * @param props       Component props.
 * @param props.title What it counts.
 * @param props.value The figure.
 * @param props.href  Where the counted posts are listed.
 * @param props.alert Whether a figure above zero needs attention.
 */
function Figure( {
	title,
	value,
	href,
	alert = false,
}: {
	title: string;
	value: string;
	href?: string;
	alert?: boolean;
} ) {
	return (
		<div
			className={
				alert ? 'igny8-linker__figure is-alert' : 'igny8-linker__figure'
			}
		>
			<dt>{ title }</dt>
			<dd>{ href ? <a href={ href }>{ value }</a> : value }</dd>
		</div>
	);
}

/**
 * A broken link or a link to an old address: where it is, what it says and
 * where it points.
 * @param props      Component props.
 * @param props.link The link.
 */
function LinkRow( { link }: { link: LinkerLink } ) {
	return (
		<li className="igny8-linker__link">
			<PostTitleLink post={ link.source } />
			<span className="igny8-linker__link-detail">
				{ sprintf(
					/* translators: 1: the link's text, 2: the address it points to. */
					__( '“%1$s” → %2$s', 'igny8-bridge' ),
					link.anchor,
					link.href
				) }
			</span>
			<span className="igny8-status" data-status={ link.state }>
				{ label( 'linkState', link.state ) }
			</span>
			{ link.target && link.state === 'redirect' && (
				<span className="igny8-linker__link-detail">
					{ sprintf(
						/* translators: %s: a post's title. */
						__( 'Now at “%s”', 'igny8-bridge' ),
						postTitle( link.target )
					) }
				</span>
			) }
		</li>
	);
}

/**
 * One kind of problem link (broken, or to an old address) as a card: what
 * it means, the first links with their posts, and how many more there are.
 * @param props       Component props.
 * @param props.title The card's heading, with the count.
 * @param props.links The links the report listed.
 * @param props.total How many there are in all.
 * @param props.none  What the card says when there are none.
 * @param props.hint  What such links mean and what to do.
 */
function ProblemLinksCard( {
	title,
	links,
	total,
	none,
	hint,
}: {
	title: string;
	links: LinkerLink[];
	total: number;
	none: string;
	hint: string;
} ) {
	return (
		<Card size="small">
			<CardHeader>
				<h2>{ title }</h2>
			</CardHeader>
			<CardBody>
				{ links.length === 0 ? (
					<p>{ none }</p>
				) : (
					<>
						<p className="igny8-linker__hint">{ hint }</p>
						<ul className="igny8-linker__list">
							{ links.slice( 0, SHOWN ).map( ( link, index ) => (
								<LinkRow
									key={ `${ link.source.document_id }-${ index }` }
									link={ link }
								/>
							) ) }
						</ul>
						<More count={ total } />
					</>
				) }
			</CardBody>
		</Card>
	);
}

/**
 * “and 12 more”, when a list shows only its first rows.
 * @param props       Component props.
 * @param props.count How many there are in all.
 * @param props.href  Where all of them are listed.
 */
function More( { count, href }: { count: number; href?: string } ) {
	if ( count <= SHOWN ) {
		return null;
	}
	const text = sprintf(
		/* translators: %s: a number. */
		__( 'and %s more', 'igny8-bridge' ),
		( count - SHOWN ).toLocaleString()
	);
	return (
		<p className="igny8-linker__more">
			{ href ? <a href={ href }>{ text }</a> : text }
		</p>
	);
}

/**
 * The report's body: figures, orphans, broken links and links to redirects.
 * @param props         Component props.
 * @param props.report  The report.
 * @param props.postsOf The Posts tab's URL for a filter.
 */
function Report( {
	report,
	postsOf,
}: {
	report: LinkerReport;
	postsOf: ( filter?: string ) => string;
} ) {
	const { totals } = report;
	return (
		<>
			<dl className="igny8-linker__figures">
				<Figure
					title={ __( 'Posts indexed', 'igny8-bridge' ) }
					value={ totals.posts.toLocaleString() }
					href={ postsOf() }
				/>
				<Figure
					title={ __( 'Internal links', 'igny8-bridge' ) }
					value={ totals.internal_links.toLocaleString() }
				/>
				<Figure
					title={ __( 'Orphans', 'igny8-bridge' ) }
					value={ totals.orphans.toLocaleString() }
					href={ postsOf( 'orphans' ) }
					alert={ totals.orphans > 0 }
				/>
				<Figure
					title={ __( 'Broken links', 'igny8-bridge' ) }
					value={ totals.broken.toLocaleString() }
					alert={ totals.broken > 0 }
				/>
				<Figure
					title={ __( 'Links to redirects', 'igny8-bridge' ) }
					value={ totals.redirects.toLocaleString() }
					alert={ totals.redirects > 0 }
				/>
				<Figure
					title={ __( 'Open suggestions', 'igny8-bridge' ) }
					value={ totals.open_suggestions.toLocaleString() }
					href={ postsOf( 'with_suggestions' ) }
				/>
				<Figure
					title={ __( 'Last indexed', 'igny8-bridge' ) }
					value={
						report.indexed_at
							? new Date( report.indexed_at ).toLocaleString()
							: __( 'Never', 'igny8-bridge' )
					}
				/>
			</dl>
			<div className="igny8-linker__lists">
				<Card size="small">
					<CardHeader>
						<h2>
							{ sprintf(
								/* translators: %s: e.g. “3 posts”. */
								__( 'Orphans: %s', 'igny8-bridge' ),
								postCount( totals.orphans )
							) }
						</h2>
					</CardHeader>
					<CardBody>
						{ report.orphans.length === 0 ? (
							<p>
								{ __(
									'Every post has at least one link to it. Well done.',
									'igny8-bridge'
								) }
							</p>
						) : (
							<>
								<p className="igny8-linker__hint">
									{ __(
										'No other post links to these, so readers and search engines hardly find them. On the Posts tab, review the suggestions of the posts that mention their topics.',
										'igny8-bridge'
									) }
								</p>
								<ul className="igny8-linker__list">
									{ report.orphans
										.slice( 0, SHOWN )
										.map( ( post ) => (
											<li key={ post.document_id }>
												<PostTitleLink post={ post } />
											</li>
										) ) }
								</ul>
								<More
									count={ totals.orphans }
									href={ postsOf( 'orphans' ) }
								/>
							</>
						) }
					</CardBody>
				</Card>
				<ProblemLinksCard
					title={ sprintf(
						/* translators: %s: e.g. “3 links”. */
						__( 'Broken links: %s', 'igny8-bridge' ),
						linkCount( totals.broken )
					) }
					links={ report.broken }
					total={ totals.broken }
					none={ __(
						'No internal link points to a missing or unpublished post.',
						'igny8-bridge'
					) }
					hint={ __(
						'These links lead nowhere. Open the post and fix or remove the link.',
						'igny8-bridge'
					) }
				/>
				<ProblemLinksCard
					title={ sprintf(
						/* translators: %s: e.g. “3 links”. */
						__( 'Links to redirects: %s', 'igny8-bridge' ),
						linkCount( totals.redirects )
					) }
					links={ report.redirects }
					total={ totals.redirects }
					none={ __(
						'No internal link uses an old address.',
						'igny8-bridge'
					) }
					hint={ __(
						'These links use an address the post had before; they work through a redirect. Update them to the current address.',
						'igny8-bridge'
					) }
				/>
			</div>
		</>
	);
}

/**
 * Posts aimed at one keyword (their focus keyphrase, target keyword or
 * cluster): they split its searches between them. Read again with the report.
 * @param props        Component props.
 * @param props.report The report it follows (a new one after a rebuild or an apply).
 */
function CompetingPosts( { report }: { report: LinkerReport } ) {
	const [ groups, setGroups ] = useState<
		LinkerGraph[ 'cannibalization' ] | null
	>( null );
	const [ error, setError ] = useState< string | null >( null );
	useEffect( () => {
		let live = true;
		fetchGraph().then(
			( graph ) => live && setGroups( graph.cannibalization ),
			( failure: unknown ) =>
				live &&
				setError(
					errorMessage(
						failure,
						'Could not load the posts that compete for a keyword.'
					)
				)
		);
		return () => {
			live = false;
		};
	}, [ report ] );
	return (
		<Card size="small" className="igny8-linker__competing">
			<CardHeader>
				<h2>
					{ groups === null
						? __( 'Posts competing for a keyword', 'igny8-bridge' )
						: sprintf(
								/* translators: %s: number of keywords. */
								_n(
									'Posts competing for a keyword: %s keyword',
									'Posts competing for a keyword: %s keywords',
									groups.length,
									'igny8-bridge'
								),
								groups.length.toLocaleString()
							) }
				</h2>
			</CardHeader>
			<CardBody>
				{ error && <p>{ error }</p> }
				{ ! error && groups === null && (
					<Loading label={ __( 'Loading…', 'igny8-bridge' ) } />
				) }
				{ groups?.length === 0 && (
					<p>
						{ __(
							'No two posts are aimed at the same keyword.',
							'igny8-bridge'
						) }
					</p>
				) }
				{ !! groups?.length && (
					<>
						<p className="igny8-linker__hint">
							{ __(
								'These posts are aimed at the same keyword and split its searches. Merge them, or give one another keyword and link it to the other.',
								'igny8-bridge'
							) }
						</p>
						<ul className="igny8-linker__list">
							{ groups.slice( 0, SHOWN ).map( ( group ) => (
								<li key={ group.keyword }>
									<strong>“{ group.keyword }”</strong>
									{ ': ' }
									{ group.posts.map( ( post, index ) => (
										<span key={ post.document_id }>
											{ index > 0 && ', ' }
											<PostTitleLink
												post={ post }
												withView={ false }
											/>
										</span>
									) ) }
								</li>
							) ) }
						</ul>
					</>
				) }
			</CardBody>
		</Card>
	);
}

/**
 * Linker → Overview: the site's link report and the index's rebuild.
 * @param props           Component props.
 * @param props.postsOf   The Posts tab's URL for a filter.
 * @param props.canEdit   Whether the user may rebuild the index.
 * @param props.canManage Whether the user may change the link limits.
 */
export function OverviewTab( {
	postsOf,
	canEdit,
	canManage,
}: {
	postsOf: ( filter?: string ) => string;
	canEdit: boolean;
	canManage: boolean;
} ) {
	const { report, error } = useSelect( ( select ) => {
		const linker = select( LINKER ) as any;
		return {
			report: linker.getReport() as LinkerReport | null,
			error: linker.getReportError() as string | null,
		};
	}, [] );
	const { invalidate } = useDispatch( LINKER ) as any;
	const rebuild = useRebuild( () => invalidate() );

	if ( error && ! report ) {
		return <ErrorNotice message={ error } onRetry={ () => invalidate() } />;
	}
	if ( ! report ) {
		return (
			<Loading
				label={ __( 'Loading the link report…', 'igny8-bridge' ) }
			/>
		);
	}
	if ( report.totals.posts === 0 ) {
		return (
			<EmptyState
				title={ __(
					'No posts indexed yet — rebuild the index or publish a post.',
					'igny8-bridge'
				) }
			>
				<p>
					{ __(
						'The Linker reads every post IGNY8 knows from this site: the drafts it wrote and the posts site sync brought in. Rebuilding reads them all now; after that, each post you publish or update is indexed by itself.',
						'igny8-bridge'
					) }
				</p>
				{ canEdit && <RebuildControl rebuild={ rebuild } primary /> }
			</EmptyState>
		);
	}
	return (
		<div className="igny8-linker__overview">
			{ canEdit && <RebuildControl rebuild={ rebuild } /> }
			<Report report={ report } postsOf={ postsOf } />
			<CompetingPosts report={ report } />
			{ canManage && <LinkLimits /> }
		</div>
	);
}
