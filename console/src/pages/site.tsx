/**
 * External dependencies
 */
import type {
	AiRun,
	Integration,
	PublishingRecord,
	Site,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { functionLabel } from '../labels';
import type { Page } from '../api/client';
import { ConnectionBadge } from '../components/connection';
import { Link, SafeUrl } from '../components/link';
import { SiteActions } from '../components/site-actions';
import { SiteCapFact } from '../components/site-caps';
import { SiteHealthPanel } from '../components/site-health';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Table, formatTime } from '../components/table';
import { mayManageSites } from '../roles';
import { useSession } from '../session';
import { connectionOf } from '../sites-data';
import { SiteApiKeys } from './site-api-keys';

const RECENT = 10;

export default function SitePage( { id }: { id: number } ) {
	const { client, user } = useSession();
	// What a disconnect did: said here, as the site's actions go with it.
	const [ disconnected, setDisconnected ] = useState< string | null >( null );
	const [ loaded, reload ] = useLoad( async () => {
		const [ site, integrations, runs, records ] = await Promise.all( [
			client.get< Site >( `/auth/sites/${ id }/` ),
			client.list< Integration >( '/integration/integrations/', {
				site_id: id,
				platform: 'wordpress',
			} ),
			client.list< AiRun >( '/system/ai-runs/', {
				site_id: id,
				page_size: RECENT,
			} ),
			client.list< PublishingRecord >( '/publisher/publishing-records/', {
				site_id: id,
				page_size: RECENT,
			} ),
		] );
		return { site, integration: integrations.results[ 0 ], runs, records };
	}, [ client, id ] );

	if ( loaded.state === 'loading' ) {
		return <Loading label={ __( 'Loading the site…' ) } />;
	}
	if ( loaded.state === 'error' ) {
		return (
			<>
				<p>
					<Link to="/sites">{ __( '← All sites' ) }</Link>
				</p>
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			</>
		);
	}
	const { site, integration, runs, records } = loaded.value;
	const connection = connectionOf( integration );

	return (
		<>
			<p>
				<Link to="/sites">{ __( '← All sites' ) }</Link>
			</p>
			<h1>{ site.name }</h1>
			<dl className="igny8c-facts">
				<div>
					<dt>{ __( 'URL' ) }</dt>
					<dd>
						<SafeUrl url={ site.wordpress_url } />
					</dd>
				</div>
				<div>
					<dt>{ __( 'Connection' ) }</dt>
					<dd>
						<ConnectionBadge connection={ connection } />
					</dd>
				</div>
				<div>
					<dt>{ __( 'Last sync' ) }</dt>
					<dd>
						{ integration?.last_sync_at
							? formatTime( integration.last_sync_at )
							: __( 'Never' ) }
					</dd>
				</div>
				<div>
					<dt>{ __( 'Structure updated' ) }</dt>
					<dd>
						{ formatTime(
							integration?.last_structure_update_at ?? null
						) }
					</dd>
				</div>
				<SiteCapFact siteId={ site.id } />
			</dl>
			{ integration?.sync_error && (
				<Notice status="warning" isDismissible={ false }>
					{ sprintf(
						/* translators: %s: the error the last sync ended with. */
						__( 'The last sync failed: %s' ),
						integration.sync_error
					) }
				</Notice>
			) }
			{ ! integration && disconnected && (
				<Notice
					status="success"
					onRemove={ () => setDisconnected( null ) }
				>
					{ disconnected }
				</Notice>
			) }
			{ ! integration && (
				<Empty title={ __( 'This site has not connected yet.' ) }>
					<p>
						{ __(
							'Install the IGNY8 Bridge plugin on the WordPress site, create an API key below and paste it into the plugin’s IGNY8 → Settings.'
						) }
					</p>
				</Empty>
			) }
			{ integration && mayManageSites( user.role ) && (
				<SiteActions
					integration={ integration }
					onChanged={ reload }
					onDisconnected={ ( message ) => {
						setDisconnected( message );
						reload();
					} }
				/>
			) }

			<SiteHealthPanel siteId={ site.id } />

			<SiteApiKeys
				// Anew when the key in use changes (a disconnect revokes it): the list reloads.
				key={ integration?.key_id ?? 'none' }
				siteId={ site.id }
				keyInUse={ integration?.key_id ?? null }
				onConnected={ reload }
			/>

			<h2>{ __( 'Recent AI runs' ) }</h2>
			<RecentRuns runs={ runs } />
			<h2>{ __( 'Publishing' ) }</h2>
			<RecentRecords records={ records } />
		</>
	);
}

function RecentRuns( { runs }: { runs: Page< AiRun > } ) {
	if ( runs.count === 0 ) {
		return (
			<Empty title={ __( 'No AI runs for this site yet.' ) }>
				<p>
					{ __(
						'Runs appear here when someone clusters keywords, generates ideas, drafts or images for this site in wp-admin or through the API.'
					) }
				</p>
			</Empty>
		);
	}
	return (
		<>
			<Table< AiRun >
				caption={ __( 'Recent AI runs' ) }
				items={ runs.results }
				columns={ [
					{
						id: 'function',
						label: __( 'Function' ),
						render: ( run ) => functionLabel( run.function_name ),
					},
					{
						id: 'status',
						label: __( 'Status' ),
						render: ( run ) => run.status,
					},
					{
						id: 'credits',
						label: __( 'Credits' ),
						render: ( run ) => run.credits_charged,
					},
					{
						id: 'started',
						label: __( 'Started' ),
						render: ( run ) =>
							formatTime( run.started_at ?? run.created_at ),
					},
					{
						id: 'error',
						label: __( 'Error' ),
						render: ( run ) => run.error ?? '—',
					},
				] }
			/>
			{ runs.count > runs.results.length && (
				<p className="igny8c-muted">
					{ sprintf(
						/* translators: 1: runs shown, 2: all runs. */
						__( 'The latest %1$d of %2$d runs.' ),
						runs.results.length,
						runs.count
					) }
				</p>
			) }
		</>
	);
}

function RecentRecords( { records }: { records: Page< PublishingRecord > } ) {
	if ( records.count === 0 ) {
		return (
			<Empty title={ __( 'Nothing published to this site yet.' ) }>
				<p>
					{ __(
						'Publish a reviewed draft from wp-admin or the API; each push is recorded here.'
					) }
				</p>
			</Empty>
		);
	}
	return (
		<Table< PublishingRecord >
			caption={ __( 'Publishing records' ) }
			items={ records.results }
			columns={ [
				{
					id: 'content',
					label: __( 'Content' ),
					render: ( record ) => `#${ record.content_id }`,
				},
				{
					id: 'status',
					label: __( 'Status' ),
					render: ( record ) => record.status,
				},
				{
					id: 'post',
					label: __( 'Post' ),
					render: ( record ) => <SafeUrl url={ record.post_url } />,
				},
				{
					id: 'attempts',
					label: __( 'Attempts' ),
					render: ( record ) => record.attempts,
				},
				{
					id: 'error',
					label: __( 'Last error' ),
					render: ( record ) => record.last_error ?? '—',
				},
				{
					id: 'updated',
					label: __( 'Updated' ),
					render: ( record ) => formatTime( record.updated_at ),
				},
			] }
		/>
	);
}
