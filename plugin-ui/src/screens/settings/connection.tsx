/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	TextControl,
	Modal,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ConnectionStatus } from '../../components/connection-card';
import { ErrorNotice } from '../../components/states';
import type { SiteSettings } from '../../store/settings/site';
import {
	ReadOnlyNotice,
	useSiteSettings,
	useSubmit,
	WithSiteSettings,
} from './shared';

/**
 * What the last "Test connection" found, and what to do about it.
 * @param props      Component props.
 * @param props.site The settings.
 */
function LastTest( { site }: { site: SiteSettings } ) {
	const { connection } = site;
	if ( ! connection.key_set || ! connection.cloud_url ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ __(
					'Not connected: enter the cloud URL and this site’s key from your IGNY8 account, then save.',
					'igny8-bridge'
				) }
			</Notice>
		);
	}
	if ( connection.connected ) {
		return (
			<Notice status="success" isDismissible={ false }>
				{ connection.checked_at
					? sprintf(
							/* translators: %s: date and time of the last successful test. */
							__(
								'The last connection test passed (%s).',
								'igny8-bridge'
							),
							new Date( connection.checked_at ).toLocaleString()
						)
					: __( 'The last connection test passed.', 'igny8-bridge' ) }
			</Notice>
		);
	}
	if ( connection.error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				<p>
					<strong>
						{ __(
							'The last connection test failed:',
							'igny8-bridge'
						) }
					</strong>{ ' ' }
					{ connection.error }
				</p>
				<p>
					{ __(
						'Check the cloud URL and that the key is the one IGNY8 issued for this site (a replaced key stops working), then test again.',
						'igny8-bridge'
					) }
				</p>
			</Notice>
		);
	}
	return (
		<Notice status="info" isDismissible={ false }>
			{ __(
				'The connection has not been tested yet. Press “Test connection”.',
				'igny8-bridge'
			) }
		</Notice>
	);
}

/**
 * The cloud URL and the site key; the key is typed in, never shown back.
 * @param props      Component props.
 * @param props.site The settings.
 */
function ConnectionForm( { site }: { site: SiteSettings } ) {
	const { save, run } = useSiteSettings();
	const { busy, error, submit } = useSubmit();
	const [ url, setUrl ] = useState( site.connection.cloud_url ?? '' );
	const [ key, setKey ] = useState( '' );
	const [ confirming, setConfirming ] = useState( false );
	const { connection } = site;

	let keyHelp: string = __(
		'Paste the key IGNY8 issued for this site. It is stored in WordPress and never shown again.',
		'igny8-bridge'
	);
	if ( connection.key_set ) {
		keyHelp = connection.key_last4
			? sprintf(
					/* translators: %s: the last four characters of the stored key. */
					__(
						'A key is stored (ending in %s). Leave this empty to keep it, or paste a new one to replace it.',
						'igny8-bridge'
					),
					connection.key_last4
				)
			: __(
					'A key is stored. Leave this empty to keep it, or paste a new one to replace it.',
					'igny8-bridge'
				);
	}

	const saveAndTest = async ( event: React.FormEvent ) => {
		event.preventDefault();
		const saved = await submit(
			async () => {
				await save( {
					cloud_url: url,
					...( key.trim() ? { api_key: key.trim() } : {} ),
				} );
				return run( 'settings/test-connection' );
			},
			( result ) =>
				result.connection.connected
					? __( 'Saved. The connection test passed.', 'igny8-bridge' )
					: __(
							'Saved, but the connection test failed: see the status above.',
							'igny8-bridge'
						),
			__( 'The connection settings could not be saved.', 'igny8-bridge' )
		);
		if ( saved ) {
			setKey( '' );
		}
	};

	const test = () =>
		submit(
			() => run( 'settings/test-connection' ),
			( result ) =>
				result.connection.connected
					? __( 'The connection test passed.', 'igny8-bridge' )
					: __(
							'The connection test failed: see the status above.',
							'igny8-bridge'
						),
			__( 'The connection could not be tested.', 'igny8-bridge' )
		);

	const disconnect = async () => {
		setConfirming( false );
		await submit(
			() => run( 'settings/disconnect' ),
			() =>
				__(
					'Disconnected: the site key was removed from WordPress.',
					'igny8-bridge'
				),
			__( 'The site could not be disconnected.', 'igny8-bridge' )
		);
	};

	return (
		<form
			className="igny8-form igny8-settings__form"
			onSubmit={ saveAndTest }
		>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="url"
				label={ __( 'Cloud URL', 'igny8-bridge' ) }
				help={ __(
					'The address of your IGNY8 cloud, e.g. https://app.igny8.com.',
					'igny8-bridge'
				) }
				value={ url }
				onChange={ setUrl }
				autoComplete="url"
			/>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="password"
				label={ __( 'Site key', 'igny8-bridge' ) }
				help={ keyHelp }
				value={ key }
				onChange={ setKey }
				autoComplete="off"
			/>
			{ error && <ErrorNotice message={ error } /> }
			<div className="igny8-settings__actions">
				<Button
					variant="primary"
					type="submit"
					isBusy={ busy }
					disabled={ busy || url.trim() === '' }
					accessibleWhenDisabled
				>
					{ __( 'Save and test connection', 'igny8-bridge' ) }
				</Button>
				{ connection.key_set && connection.cloud_url && (
					<Button
						variant="secondary"
						onClick={ test }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Test connection', 'igny8-bridge' ) }
					</Button>
				) }
				{ connection.key_set && (
					<Button
						variant="tertiary"
						isDestructive
						onClick={ () => setConfirming( true ) }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Disconnect', 'igny8-bridge' ) }
					</Button>
				) }
			</div>
			{ confirming && (
				<Modal
					title={ __( 'Disconnect this site?', 'igny8-bridge' ) }
					onRequestClose={ () => setConfirming( false ) }
					size="small"
				>
					<p>
						{ __(
							'The site key is removed from WordPress: publishing from IGNY8 and syncing stop until a key is entered again. Posts already published stay as they are.',
							'igny8-bridge'
						) }
					</p>
					<div className="igny8-settings__actions">
						<Button
							variant="tertiary"
							onClick={ () => setConfirming( false ) }
						>
							{ __( 'Cancel', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="primary"
							isDestructive
							onClick={ disconnect }
						>
							{ __( 'Disconnect', 'igny8-bridge' ) }
						</Button>
					</div>
				</Modal>
			) }
		</form>
	);
}

/**
 * Events waiting to reach the cloud, and the buttons to push them.
 * @param props      Component props.
 * @param props.site The settings.
 */
function Outbox( { site }: { site: SiteSettings } ) {
	const { run } = useSiteSettings();
	const { busy, error, submit } = useSubmit();
	const { outbox } = site;
	const dead = outbox.dead + outbox.rejected;
	const configured = site.connection.key_set && !! site.connection.cloud_url;

	const send = () =>
		submit(
			() => run( 'outbox/send' ),
			( result ) => {
				if ( result.result === 'busy' ) {
					return __(
						'Another request is sending the outbox right now. Wait a minute, then look again.',
						'igny8-bridge'
					);
				}
				if ( result.result === 'failed' ) {
					return __(
						'Sending failed; the events stay queued and are retried. See the last error below.',
						'igny8-bridge'
					);
				}
				return sprintf(
					/* translators: %d: number of events sent. */
					_n(
						'%d event sent to IGNY8.',
						'%d events sent to IGNY8.',
						result.sent ?? 0,
						'igny8-bridge'
					),
					result.sent ?? 0
				);
			},
			__( 'The outbox could not be sent.', 'igny8-bridge' )
		);

	const retry = () =>
		submit(
			() => run( 'outbox/retry' ),
			( result ) =>
				sprintf(
					/* translators: %d: number of events queued again. */
					_n(
						'%d event queued again.',
						'%d events queued again.',
						result.queued ?? 0,
						'igny8-bridge'
					),
					result.queued ?? 0
				),
			__( 'The events could not be queued again.', 'igny8-bridge' )
		);

	const rows: Array< [ string, string, string ] > = [
		[
			'pending',
			__( 'Waiting to be sent', 'igny8-bridge' ),
			String( outbox.pending ),
		],
		[
			'failing',
			__( 'Failing (retried with a growing delay)', 'igny8-bridge' ),
			String( outbox.failing ),
		],
		[
			'dead',
			__( 'Dead letters (no more automatic retries)', 'igny8-bridge' ),
			String( dead ),
		],
		[
			'last-error',
			__( 'Last error', 'igny8-bridge' ),
			outbox.last_error ?? __( 'None', 'igny8-bridge' ),
		],
		[
			'last-success',
			__( 'Last successful send', 'igny8-bridge' ),
			outbox.last_success_at
				? new Date( outbox.last_success_at ).toLocaleString()
				: __( 'Never', 'igny8-bridge' ),
		],
	];

	return (
		<Card className="igny8-settings__card igny8-outbox">
			<CardHeader>
				<h2>{ __( 'Sync outbox', 'igny8-bridge' ) }</h2>
			</CardHeader>
			<CardBody>
				<p>
					{ __(
						'Changes made in WordPress wait here until the IGNY8 cloud has them. Nothing is lost while the cloud is unreachable.',
						'igny8-bridge'
					) }
				</p>
				<dl className="igny8-settings__facts">
					{ rows.map( ( [ id, label, value ] ) => (
						<div
							className={ `igny8-settings__fact igny8-outbox__${ id }` }
							key={ id }
						>
							<dt>{ label }</dt>
							<dd>{ value }</dd>
						</div>
					) ) }
				</dl>
				{ dead > 0 && (
					<p>
						{ __(
							'Dead letters were refused or failed too often. Fix the cause named in the last error (often the connection), then retry them.',
							'igny8-bridge'
						) }
					</p>
				) }
				{ error && <ErrorNotice message={ error } /> }
				{ site.can_manage && configured && (
					<div className="igny8-settings__actions">
						<Button
							variant="secondary"
							onClick={ send }
							isBusy={ busy }
							disabled={ busy }
							accessibleWhenDisabled
						>
							{ __( 'Send now', 'igny8-bridge' ) }
						</Button>
						{ dead > 0 && (
							<Button
								variant="secondary"
								onClick={ retry }
								disabled={ busy }
								accessibleWhenDisabled
							>
								{ __( 'Retry dead letters', 'igny8-bridge' ) }
							</Button>
						) }
					</div>
				) }
			</CardBody>
		</Card>
	);
}

/**
 * Connection tab: live status, the last test, the URL and key, the outbox.
 */
export function ConnectionTab() {
	return (
		<WithSiteSettings>
			{ ( site ) => (
				<>
					{ /* A new test result means the live status is worth asking again. */ }
					<ConnectionStatus
						key={ `${ site.connection.cloud_url }-${ site.connection.checked_at }-${ site.connection.key_set }` }
					/>
					<Card className="igny8-settings__card">
						<CardHeader>
							<h2>
								{ __(
									'Cloud URL and site key',
									'igny8-bridge'
								) }
							</h2>
						</CardHeader>
						<CardBody>
							<LastTest site={ site } />
							{ site.can_manage ? (
								<ConnectionForm
									key={ site.connection.cloud_url ?? '' }
									site={ site }
								/>
							) : (
								<>
									<p>
										{ site.connection.cloud_url
											? sprintf(
													/* translators: %s: the cloud URL. */
													__(
														'Cloud URL: %s',
														'igny8-bridge'
													),
													site.connection.cloud_url
												)
											: __(
													'No cloud URL is set.',
													'igny8-bridge'
												) }
									</p>
									<ReadOnlyNotice />
								</>
							) }
						</CardBody>
					</Card>
					<Outbox site={ site } />
				</>
			) }
		</WithSiteSettings>
	);
}
