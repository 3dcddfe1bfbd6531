/**
 * External dependencies
 */
import type { AuditEntry, Role, Site, User } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	SearchControl,
	SelectControl,
	TextControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Page } from '../api/client';
import { Link } from '../components/link';
import { functionLabel } from '../labels';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Pager } from '../components/pager';
import { Table, formatTime } from '../components/table';
import { mayReadAudit, roleLabel } from '../roles';
import { useSession } from '../session';

const PAGE_SIZE = 25;

/** What each recorded action is called here; an action this console does not know yet keeps its name. */
const ACTION_LABELS: Record< string, string > = {
	'user.created': __( 'Added a person' ),
	'user.role_changed': __( 'Changed a role' ),
	'user.removed': __( 'Removed a person' ),
	'user.restored': __( 'Restored a person' ),
	'invite.created': __( 'Invited someone' ),
	'invite.revoked': __( 'Withdrew an invite' ),
	'invite.accepted': __( 'Accepted an invite' ),
	'account.renamed': __( 'Renamed the account' ),
	'site.created': __( 'Added a site' ),
	'site.updated': __( 'Changed a site' ),
	'site.deleted': __( 'Deleted a site' ),
	'site.credit_cap_set': __( 'Changed a site’s monthly credit cap' ),
	'sector.deleted': __( 'Deleted a sector' ),
	'api_key.created': __( 'Created an API key' ),
	'api_key.revoked': __( 'Revoked an API key' ),
	'api_key.rotated': __( 'Rotated the site’s API key' ),
	'integration.connected': __( 'Connected WordPress' ),
	'integration.updated': __( 'Changed a connection' ),
	'integration.disconnected': __( 'Removed a connection' ),
	'settings.ai_updated': __( 'Changed the AI settings' ),
	'prompt.updated': __( 'Changed a prompt' ),
	'prompt.reset': __( 'Reset a prompt' ),
	'author_profile.deleted': __( 'Deleted an author profile' ),
	'strategy.deleted': __( 'Deleted a strategy' ),
	'automation.rule_deleted': __( 'Deleted an automation rule' ),
};

/** The kinds of action the filter offers: each is every action whose name starts with it. */
const KINDS: Array< { value: string; label: string } > = [
	{ value: 'user.', label: __( 'People and roles' ) },
	{ value: 'invite.', label: __( 'Invites' ) },
	{ value: 'api_key.', label: __( 'API keys' ) },
	{ value: 'site.', label: __( 'Sites' ) },
	{ value: 'integration.', label: __( 'WordPress connections' ) },
	{ value: 'settings.', label: __( 'AI settings' ) },
	{ value: 'prompt.', label: __( 'Prompts' ) },
	{ value: 'author_profile.', label: __( 'Author profiles' ) },
	{ value: 'strategy.', label: __( 'Strategies' ) },
	{ value: 'sector.', label: __( 'Sectors' ) },
	{ value: 'automation.', label: __( 'Automation rules' ) },
	{ value: 'account.', label: __( 'Account' ) },
];

/** Settings named in `details.fields`, in words. */
const FIELD_LABELS: Record< string, string > = {
	name: __( 'name' ),
	slug: __( 'slug' ),
	domain: __( 'domain' ),
	industry_id: __( 'industry' ),
	status: __( 'status' ),
	wordpress_url: __( 'WordPress address' ),
	wordpress_username: __( 'WordPress username' ),
	wordpress_password: __( 'WordPress password' ),
	is_active: __( 'on/off' ),
	sync_enabled: __( 'sync' ),
	config_json: __( 'connection settings' ),
	text_model: __( 'text model' ),
	image_model: __( 'image model' ),
	image_provider: __( 'image provider' ),
	function_models: __( 'models per function' ),
	temperature: __( 'temperature' ),
	max_tokens: __( 'length limit' ),
	base_url: __( 'AI endpoint' ),
	api_key: __( 'own API key' ),
	structured_output: __( 'structured output' ),
};

const capText = ( value: unknown ): string =>
	typeof value === 'number'
		? sprintf(
				/* translators: %d: credits a month. */
				_n( '%d credit', '%d credits', value ),
				value
			)
		: __( 'no cap' );

const asRole = ( value: unknown ): string =>
	typeof value === 'string' ? roleLabel( value as Role ) : '';

/**
 * What changed, in one line: a role from → to, the settings changed, the role an invite carries.
 * @param entry The audit entry.
 */
export function describeChange( entry: AuditEntry ): string {
	const { details } = entry;
	if ( entry.action === 'site.credit_cap_set' ) {
		return sprintf(
			/* translators: 1: the monthly cap before, 2: after; each a number of credits or "no cap". */
			__( 'Cap: %1$s → %2$s' ),
			capText( details.from ),
			capText( details.to )
		);
	}
	if ( details.from !== undefined && details.to !== undefined ) {
		return entry.action === 'user.role_changed'
			? sprintf(
					/* translators: 1: the role before, 2: the role after, e.g. "Editor → Admin". */
					__( '%1$s → %2$s' ),
					asRole( details.from ),
					asRole( details.to )
				)
			: sprintf(
					/* translators: 1: the name before, 2: the name after. */
					__( '“%1$s” → “%2$s”' ),
					String( details.from ),
					String( details.to )
				);
	}
	const parts: string[] = [];
	if ( typeof details.role === 'string' ) {
		parts.push(
			sprintf(
				/* translators: %s: a role, e.g. Editor. */
				__( 'Role: %s' ),
				asRole( details.role )
			)
		);
	}
	if ( Array.isArray( details.fields ) && details.fields.length ) {
		parts.push(
			sprintf(
				/* translators: %s: the settings changed, e.g. "name, WordPress password". */
				__( 'Changed: %s' ),
				details.fields
					.map(
						( field ) => FIELD_LABELS[ String( field ) ] ?? field
					)
					.join( ', ' )
			)
		);
	}
	if ( details.from_name !== undefined && details.to_name !== undefined ) {
		parts.push(
			sprintf(
				/* translators: 1: the name before, 2: the name after. */
				__( '“%1$s” → “%2$s”' ),
				String( details.from_name ),
				String( details.to_name )
			)
		);
	}
	if ( details.own_key === 'set' ) {
		parts.push( __( 'own API key saved' ) );
	} else if ( details.own_key === 'removed' ) {
		parts.push( __( 'own API key removed' ) );
	}
	if ( typeof details.replaced_key_id === 'number' ) {
		parts.push(
			sprintf(
				/* translators: %d: the id of the key the new one replaced. */
				__( 'Replaces key #%d' ),
				details.replaced_key_id
			)
		);
	}
	return parts.join( '; ' ) || '—';
}

/**
 * Who acted, in words: a person's email, a WordPress user, a site's key, or IGNY8 itself.
 * @param entry The audit entry.
 */
function actorText( entry: AuditEntry ): string {
	const { actor } = entry;
	switch ( actor.type ) {
		case 'user':
			return actor.email ?? actor.name ?? `#${ actor.user_id }`;
		case 'wordpress_user':
			return sprintf(
				/* translators: %s: the WordPress user's name and login. */
				__( '%s (in WordPress)' ),
				actor.name ?? ''
			);
		case 'site_key':
			return sprintf(
				/* translators: %s: the key's name and prefix. */
				__( 'The site, with key %s' ),
				actor.name ?? `#${ actor.api_key_id }`
			);
		default:
			return __( 'IGNY8 (automatic)' );
	}
}

/**
 * What was changed, in words: its name when it was changed, or what it is.
 * @param entry The audit entry.
 */
function targetText( entry: AuditEntry ): string {
	const label = entry.target_label;
	switch ( entry.target_type ) {
		case 'ai_settings':
			return __( 'AI settings' );
		case 'prompt':
			return label ? functionLabel( label ) : '—';
		case 'integration':
			return label === 'wordpress' ? __( 'WordPress' ) : ( label ?? '—' );
	}
	if ( label ) {
		return label;
	}
	return entry.target_id ? `#${ entry.target_id }` : '—';
}

export default function AuditPage() {
	const { client, user: me } = useSession();
	const allowed = mayReadAudit( me.role );
	const [ kind, setKind ] = useState( '' );
	const [ person, setPerson ] = useState( '' );
	const [ siteId, setSiteId ] = useState( '' );
	const [ from, setFrom ] = useState( '' );
	const [ to, setTo ] = useState( '' );
	const [ search, setSearch ] = useState( '' );
	const [ query, setQuery ] = useState( '' );
	const [ page, setPage ] = useState( 1 );

	// The search box asks the cloud once typing pauses.
	useEffect( () => {
		const timer = setTimeout( () => {
			setQuery( search );
			setPage( 1 );
		}, 300 );
		return () => clearTimeout( timer );
	}, [ search ] );

	const [ choices, reloadChoices ] = useLoad(
		async () =>
			allowed
				? Promise.all( [
						client.all< User >( '/auth/users/', {
							ordering: 'email',
						} ),
						client.all< Site >( '/auth/sites/' ),
					] )
				: ( [ [], [] ] as [ User[], Site[] ] ),
		[ client, allowed ]
	);
	const [ log, reloadLog ] = useLoad(
		async () =>
			allowed
				? client.list< AuditEntry >( '/system/audit-log/', {
						action: kind,
						actor_user_id: person,
						site_id: siteId,
						from,
						to,
						search: query,
						page,
						page_size: PAGE_SIZE,
					} )
				: { count: 0, results: [] },
		[ client, allowed, kind, person, siteId, from, to, query, page ]
	);

	if ( ! allowed ) {
		return (
			<>
				<h1>{ __( 'Audit log' ) }</h1>
				<Empty
					title={ __(
						'Only owners and admins can see the audit log.'
					) }
				>
					<p>
						{ sprintf(
							/* translators: %s: the person's role, e.g. Editor. */
							__(
								'Your role is %s. Ask an owner or admin of the account if you need to know who changed something.'
							),
							roleLabel( me.role )
						) }
					</p>
					<Link to="/sites">{ __( 'Go to your sites' ) }</Link>
				</Empty>
			</>
		);
	}

	const sites = choices.state === 'ready' ? choices.value[ 1 ] : [];
	const people = choices.state === 'ready' ? choices.value[ 0 ] : [];
	const siteName = ( entry: AuditEntry ): string => {
		if ( entry.site_id === null ) {
			return '—';
		}
		const site = sites.find( ( s ) => s.id === entry.site_id );
		if ( site ) {
			return site.name;
		}
		if ( choices.state !== 'ready' ) {
			return `#${ entry.site_id }`;
		}
		// Gone since: a site's own entries still know its name.
		return entry.target_type === 'site' && entry.target_label
			? sprintf(
					/* translators: %s: the name of a site that no longer exists. */
					__( '%s (deleted)' ),
					entry.target_label
				)
			: sprintf(
					/* translators: %d: the id of a site that no longer exists. */
					__( 'Deleted site #%d' ),
					entry.site_id
				);
	};
	const filtered = Boolean( kind || person || siteId || from || to || query );
	const change = ( set: ( value: string ) => void ) => ( value: string ) => {
		set( value );
		setPage( 1 );
	};

	return (
		<>
			<h1>{ __( 'Audit log' ) }</h1>
			<p className="igny8c-muted">
				{ __(
					'Who changed what in your account: roles, invites, API keys, sites, connections, AI settings and deletions.'
				) }
			</p>
			{ choices.state === 'error' && (
				<ErrorNotice
					error={ choices.error }
					onRetry={ reloadChoices }
				/>
			) }
			<div className="igny8c-filters">
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'What' ) }
					value={ kind }
					options={ [
						{ value: '', label: __( 'Everything' ) },
						...KINDS,
					] }
					onChange={ change( setKind ) }
				/>
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Who' ) }
					value={ person }
					options={ [
						{ value: '', label: __( 'Everyone' ) },
						...people.map( ( p ) => ( {
							value: String( p.id ),
							label: p.email,
						} ) ),
					] }
					onChange={ change( setPerson ) }
				/>
				<SelectControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Site' ) }
					value={ siteId }
					options={ [
						{ value: '', label: __( 'All sites' ) },
						...sites.map( ( site ) => ( {
							value: String( site.id ),
							label: site.name,
						} ) ),
					] }
					onChange={ change( setSiteId ) }
				/>
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					type="date"
					label={ __( 'From' ) }
					value={ from }
					max={ to || undefined }
					onChange={ change( setFrom ) }
				/>
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					type="date"
					label={ __( 'To' ) }
					value={ to }
					min={ from || undefined }
					onChange={ change( setTo ) }
				/>
				<SearchControl
					__nextHasNoMarginBottom
					label={ __( 'Search the log' ) }
					placeholder={ __( 'Email, site or name' ) }
					value={ search }
					onChange={ setSearch }
				/>
			</div>
			{ log.state === 'loading' && (
				<Loading label={ __( 'Loading the audit log…' ) } />
			) }
			{ log.state === 'error' && (
				<ErrorNotice error={ log.error } onRetry={ reloadLog } />
			) }
			{ log.state === 'ready' && (
				<Entries
					log={ log.value }
					page={ page }
					onPage={ setPage }
					siteName={ siteName }
					filtered={ filtered }
					onClear={ () => {
						setKind( '' );
						setPerson( '' );
						setSiteId( '' );
						setFrom( '' );
						setTo( '' );
						setSearch( '' );
						setQuery( '' );
						setPage( 1 );
					} }
				/>
			) }
		</>
	);
}

function Entries( {
	log,
	page,
	onPage,
	siteName,
	filtered,
	onClear,
}: {
	log: Page< AuditEntry >;
	page: number;
	onPage: ( page: number ) => void;
	siteName: ( entry: AuditEntry ) => string;
	filtered: boolean;
	onClear: () => void;
} ) {
	if ( log.count === 0 ) {
		return filtered ? (
			<Empty title={ __( 'No changes match these filters.' ) }>
				<Button variant="secondary" onClick={ onClear }>
					{ __( 'Clear the filters' ) }
				</Button>
			</Empty>
		) : (
			<Empty title={ __( 'Nothing has been changed yet.' ) }>
				<p>
					{ __(
						'When someone changes a role, invites a person, creates or revokes an API key, adds, changes or deletes a site, connects WordPress, changes the AI settings or deletes something, it appears here with who did it and when.'
					) }
				</p>
			</Empty>
		);
	}
	const pages = Math.max( 1, Math.ceil( log.count / PAGE_SIZE ) );
	return (
		<>
			<p className="igny8c-count">
				{ sprintf(
					/* translators: %d: how many changes match the filters. */
					_n(
						'%d change, newest first',
						'%d changes, newest first',
						log.count
					),
					log.count
				) }
			</p>
			<Table< AuditEntry >
				caption={ __( 'Changes to your account, newest first' ) }
				items={ log.results }
				rowLabel={ ( entry ) => entry.action }
				columns={ [
					{
						id: 'when',
						label: __( 'When' ),
						render: ( entry ) => (
							<time dateTime={ entry.created_at }>
								{ formatTime( entry.created_at ) }
							</time>
						),
					},
					{
						id: 'who',
						label: __( 'Who' ),
						render: actorText,
					},
					{
						id: 'what',
						label: __( 'What' ),
						render: ( entry ) =>
							ACTION_LABELS[ entry.action ] ?? entry.action,
					},
					{
						id: 'target',
						label: __( 'Target' ),
						render: targetText,
					},
					{
						id: 'site',
						label: __( 'Site' ),
						render: siteName,
					},
					{
						id: 'details',
						label: __( 'Details' ),
						render: describeChange,
					},
				] }
			/>
			{ pages > 1 && (
				<Pager
					label={ __( 'Audit log pages' ) }
					page={ page }
					pages={ pages }
					summary={ sprintf(
						/* translators: 1: this page, 2: how many pages. */
						__( 'Page %1$d of %2$d' ),
						page,
						pages
					) }
					onPage={ onPage }
				/>
			) }
		</>
	);
}
