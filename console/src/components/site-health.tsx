/**
 * External dependencies
 */
import type {
	SiteAttention,
	SiteHealth,
	SiteHealthList,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { useSession } from '../session';
import { ATTENTION_LABELS } from '../sites-data';
import { ErrorNotice, Loading, useLoad } from './states';
import { formatTime } from './table';

/*
 * A site's health as the Sites page's cells and the site page's panel show
 * it, from `GET /integration/site-health/`: each figure in words, with what
 * to do next where something needs attention.
 */

/** What to do about each reason, in the site page's words. */
const ATTENTION_NEXT: Record< SiteAttention, string > = {
	sync_failed: __(
		'The last sync of its posts failed. Check that the site is up and IGNY8 Bridge is connected, then sync again.'
	),
	dead_letters: __(
		'The plugin holds events it could not deliver. In the site’s wp-admin, open IGNY8 → Settings → Connection and press “Retry dead letters”.'
	),
	publish_failures: __(
		'Some drafts could not be published after every retry. Check the site is reachable, then publish them again from IGNY8.'
	),
	publish_conflicts: __(
		'Some posts were edited in WordPress since IGNY8 last published them, so nothing was overwritten. Review them and publish with “force” to replace them.'
	),
	broken_links: __(
		'Internal links point to addresses that are no published post. Fix them on the Linker screen in wp-admin.'
	),
	old_plugin: __(
		'The site runs an older IGNY8 Bridge. Update the plugin in the site’s wp-admin (Plugins).'
	),
};

/**
 * The reasons a site needs attention, as short labels; “OK” when none.
 * @param props        The props.
 * @param props.health The site's health.
 */
export function AttentionBadges( { health }: { health: SiteHealth } ) {
	if ( health.attention.length === 0 ) {
		return (
			<span className="igny8c-badge is-connected" data-attention="">
				{ __( 'OK' ) }
			</span>
		);
	}
	return (
		<ul
			className="igny8c-attention"
			data-attention={ health.attention.join( ' ' ) }
		>
			{ health.attention.map( ( reason ) => (
				<li key={ reason } className="igny8c-badge is-sync_failed">
					{ ATTENTION_LABELS[ reason ] }
				</li>
			) ) }
		</ul>
	);
}

/**
 * Figures stacked one per line.
 * @param props          The props.
 * @param props.children The figures.
 */
function Lines( { children }: { children: React.ReactNode } ) {
	return <span className="igny8c-lines">{ children }</span>;
}

export function VersionsCell( { health }: { health: SiteHealth } ) {
	const old = health.attention.includes( 'old_plugin' );
	if ( ! health.wordpress_version && ! health.plugin_version ) {
		return <span className="igny8c-muted">{ __( 'Not reported' ) }</span>;
	}
	return (
		<Lines>
			<span>
				{ sprintf(
					/* translators: %s: a WordPress version, e.g. 6.6.2. */
					__( 'WordPress %s' ),
					health.wordpress_version ?? '—'
				) }
			</span>
			<span className={ old ? 'igny8c-warning' : undefined }>
				{ sprintf(
					/* translators: %s: the IGNY8 Bridge plugin's version, e.g. 0.1.0. */
					__( 'Bridge %s' ),
					health.plugin_version ?? '—'
				) }
				{ old && ` (${ __( 'update available' ) })` }
			</span>
		</Lines>
	);
}

export function OutboxCell( { health }: { health: SiteHealth } ) {
	const { outbox } = health;
	if ( ! outbox ) {
		return (
			<span className="igny8c-muted">
				{ health.connection?.key_id
					? __( 'Not reported (older plugin)' )
					: '—' }
			</span>
		);
	}
	const dead = outbox.dead + outbox.rejected;
	return (
		<Lines>
			<span data-outbox-pending={ outbox.pending }>
				{ sprintf(
					/* translators: %d: events waiting in the plugin's outbox. */
					_n( '%d waiting', '%d waiting', outbox.pending ),
					outbox.pending
				) }
			</span>
			<span
				data-dead-letters={ dead }
				className={ dead > 0 ? 'igny8c-warning' : undefined }
			>
				{ sprintf(
					/* translators: %d: events the plugin gave up on or the cloud refused. */
					_n( '%d dead letter', '%d dead letters', dead ),
					dead
				) }
			</span>
			<span className="igny8c-muted igny8c-small">
				{ sprintf(
					/* translators: %s: when the site last reported, a date and time. */
					__( 'as of %s' ),
					formatTime( health.health_reported_at )
				) }
			</span>
		</Lines>
	);
}

export function PublishingCell( { health }: { health: SiteHealth } ) {
	const { failed, conflicts } = health.publishing;
	if ( failed === 0 && conflicts === 0 ) {
		return <span className="igny8c-muted">{ __( 'No problems' ) }</span>;
	}
	return (
		<Lines>
			<span
				data-publish-failed={ failed }
				className={ failed > 0 ? 'igny8c-warning' : undefined }
			>
				{ sprintf(
					/* translators: %d: publications that failed. */
					_n( '%d failed', '%d failed', failed ),
					failed
				) }
			</span>
			<span
				data-publish-conflicts={ conflicts }
				className={ conflicts > 0 ? 'igny8c-warning' : undefined }
			>
				{ sprintf(
					/* translators: %d: publications refused because the post was edited in WordPress. */
					_n( '%d conflict', '%d conflicts', conflicts ),
					conflicts
				) }
			</span>
		</Lines>
	);
}

export function LinksCell( { health }: { health: SiteHealth } ) {
	const { links } = health;
	if ( ! links ) {
		return (
			<span className="igny8c-muted">{ __( 'Not indexed yet' ) }</span>
		);
	}
	return (
		<Lines>
			<span data-orphans={ links.orphans }>
				{ sprintf(
					/* translators: %d: posts no other post links to. */
					_n( '%d orphan', '%d orphans', links.orphans ),
					links.orphans
				) }
			</span>
			<span
				data-broken={ links.broken }
				className={ links.broken > 0 ? 'igny8c-warning' : undefined }
			>
				{ sprintf(
					/* translators: %d: internal links to addresses that are no published post. */
					_n( '%d broken', '%d broken', links.broken ),
					links.broken
				) }
			</span>
		</Lines>
	);
}

export function ScoreCell( { health }: { health: SiteHealth } ) {
	return health.optimizer_score === null ? (
		<span className="igny8c-muted">{ __( 'None yet' ) }</span>
	) : (
		<span data-score={ health.optimizer_score }>
			{ sprintf(
				/* translators: %d: an average score out of 100. */
				__( '%d / 100' ),
				health.optimizer_score
			) }
		</span>
	);
}

/**
 * The site page's health panel: what the site's plugin last reported and
 * what each module counts for it, and for each problem what to do next.
 * @param props        The props.
 * @param props.siteId The site.
 */
export function SiteHealthPanel( { siteId }: { siteId: number } ) {
	const { client } = useSession();
	const [ loaded, reload ] = useLoad(
		() =>
			client.get< SiteHealthList >( '/integration/site-health/', {
				site_id: siteId,
			} ),
		[ client, siteId ]
	);
	return (
		<section
			className="igny8c-site-health"
			aria-labelledby="igny8c-site-health"
		>
			<h2 id="igny8c-site-health">{ __( 'Health' ) }</h2>
			{ loaded.state === 'loading' && (
				<Loading label={ __( 'Loading the site’s health…' ) } />
			) }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' && loaded.value.sites[ 0 ] && (
				<HealthFacts health={ loaded.value.sites[ 0 ] } />
			) }
		</section>
	);
}

/**
 * One fact of the panel.
 * @param props          The props.
 * @param props.id       Its name, for tests and styles.
 * @param props.label    What it is.
 * @param props.children Its value.
 */
function Fact( {
	id,
	label,
	children,
}: {
	id: string;
	label: string;
	children: React.ReactNode;
} ) {
	return (
		<div data-fact={ id }>
			<dt>{ label }</dt>
			<dd>{ children }</dd>
		</div>
	);
}

function HealthFacts( { health }: { health: SiteHealth } ) {
	return (
		<>
			<dl className="igny8c-facts">
				<Fact id="versions" label={ __( 'Versions' ) }>
					<VersionsCell health={ health } />
				</Fact>
				<Fact id="php" label={ __( 'PHP' ) }>
					{ health.php_version ?? (
						<span className="igny8c-muted">
							{ __( 'Not reported' ) }
						</span>
					) }
				</Fact>
				<Fact id="outbox" label={ __( 'Outbox' ) }>
					<OutboxCell health={ health } />
				</Fact>
				<Fact id="publishing" label={ __( 'Publishing' ) }>
					<PublishingCell health={ health } />
				</Fact>
				<Fact id="links" label={ __( 'Internal links' ) }>
					<LinksCell health={ health } />
				</Fact>
				<Fact id="score" label={ __( 'Average optimizer score' ) }>
					<ScoreCell health={ health } />
				</Fact>
			</dl>
			{ health.attention.length === 0 ? (
				<p className="igny8c-muted" data-attention="">
					{ __( 'Nothing needs attention on this site.' ) }
				</p>
			) : (
				<ul
					className="igny8c-attention-list"
					data-attention={ health.attention.join( ' ' ) }
				>
					{ health.attention.map( ( reason ) => (
						<li key={ reason }>
							<strong>{ ATTENTION_LABELS[ reason ] }:</strong>{ ' ' }
							{ ATTENTION_NEXT[ reason ] }
						</li>
					) ) }
				</ul>
			) }
		</>
	);
}
