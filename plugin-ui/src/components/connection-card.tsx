/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	Spinner,
} from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Connection } from '../api/connection';
import { useConnection } from '../hooks/use-connection';
import { ConnectionDetails } from './connection-details';

export interface ConnectionCardProps {
	connection: Connection | null;
	isLoading: boolean;
	requestError: string | null;
	onRefresh: () => void;
}

function NotConfigured( { connection }: { connection: Connection } ) {
	const missing: string[] = [];
	if ( ! connection.cloud_url ) {
		missing.push( __( 'the IGNY8 cloud URL', 'igny8-bridge' ) );
	}
	if ( ! connection.api_key_set ) {
		missing.push( __( "this site's API key", 'igny8-bridge' ) );
	}
	return (
		<Notice status="warning" isDismissible={ false }>
			<p>
				<strong>
					{ __( 'IGNY8 is not configured yet.', 'igny8-bridge' ) }
				</strong>
			</p>
			<p>
				{ __(
					"To connect this site, ask your IGNY8 administrator for the cloud URL and this site's API key, and save both in the plugin's settings.",
					'igny8-bridge'
				) }
			</p>
			{ missing.length > 0 && (
				<>
					<p>{ __( 'Missing:', 'igny8-bridge' ) }</p>
					<ul className="igny8-connection__missing">
						{ missing.map( ( item ) => (
							<li key={ item }>{ item }</li>
						) ) }
					</ul>
				</>
			) }
		</Notice>
	);
}

function Reachable( { connection }: { connection: Connection } ) {
	return (
		<>
			<Notice status="success" isDismissible={ false }>
				{ __(
					'Connected: the IGNY8 cloud is reachable.',
					'igny8-bridge'
				) }
			</Notice>
			<ConnectionDetails
				rows={ [
					{
						label: __( 'Cloud URL', 'igny8-bridge' ),
						value: connection.cloud_url,
					},
					{
						label: __( 'Cloud version', 'igny8-bridge' ),
						value: connection.cloud?.version ?? null,
					},
					{
						label: __( 'Status', 'igny8-bridge' ),
						value: connection.cloud?.status ?? null,
					},
					{
						label: __( 'Database mode', 'igny8-bridge' ),
						value: connection.cloud?.db_mode ?? null,
					},
					{
						label: __( 'Queue driver', 'igny8-bridge' ),
						value: connection.cloud?.queue_driver ?? null,
					},
				] }
			/>
		</>
	);
}

function Unreachable( { connection }: { connection: Connection } ) {
	return (
		<>
			<Notice status="error" isDismissible={ false }>
				<p>
					<strong>
						{ __(
							'The IGNY8 cloud could not be reached.',
							'igny8-bridge'
						) }
					</strong>
				</p>
				{ connection.error && <p>{ connection.error }</p> }
			</Notice>
			<ConnectionDetails
				rows={ [
					{
						label: __( 'Cloud URL', 'igny8-bridge' ),
						value: connection.cloud_url,
					},
				] }
			/>
		</>
	);
}

function Status( { connection }: { connection: Connection } ) {
	if ( ! connection.configured ) {
		return <NotConfigured connection={ connection } />;
	}
	return connection.reachable ? (
		<Reachable connection={ connection } />
	) : (
		<Unreachable connection={ connection } />
	);
}

/**
 * The "Cloud connection" card: whether the site is configured, and whether
 * the cloud answers.
 *
 * @param props Component props.
 */
export function ConnectionCard( props: ConnectionCardProps ) {
	const { connection, isLoading, requestError, onRefresh } = props;
	return (
		<Card className="igny8-connection">
			<CardHeader>
				<h2 className="igny8-connection__title">
					{ __( 'Cloud connection', 'igny8-bridge' ) }
				</h2>
				<Button
					variant="secondary"
					onClick={ onRefresh }
					disabled={ isLoading }
					accessibleWhenDisabled
					__next40pxDefaultSize
				>
					{ __( 'Check again', 'igny8-bridge' ) }
				</Button>
			</CardHeader>
			<CardBody>
				{ isLoading && (
					<p className="igny8-connection__loading">
						<Spinner />{ ' ' }
						{ __( 'Checking the connection…', 'igny8-bridge' ) }
					</p>
				) }
				{ ! isLoading && requestError && (
					<Notice status="error" isDismissible={ false }>
						{ requestError }
					</Notice>
				) }
				{ ! isLoading && ! requestError && connection && (
					<Status connection={ connection } />
				) }
			</CardBody>
		</Card>
	);
}

/**
 * The card, fed by the plugin's connection route (checked on mount and on "Check again").
 */
export function ConnectionStatus() {
	const { connection, isLoading, requestError, refresh } = useConnection();
	return (
		<ConnectionCard
			connection={ connection }
			isLoading={ isLoading }
			requestError={ requestError }
			onRefresh={ refresh }
		/>
	);
}
