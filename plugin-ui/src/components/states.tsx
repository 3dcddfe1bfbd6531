/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { safeUrl } from '../safe-url';
import type { ApiErrorKind } from '../api/errors';

export function Loading( { label }: { label?: string } ) {
	return (
		<p className="igny8-loading" role="status">
			<Spinner /> { label ?? __( 'Loading…', 'igny8-bridge' ) }
		</p>
	);
}

/** The next step an empty screen offers: a button that acts or a link that goes. */
export interface EmptyStateAction {
	label: string;
	onClick?: () => void;
	href?: string;
}

/**
 * Says what is missing and, with `action`, what to do about it.
 * @param props          Component props.
 * @param props.title    What is empty, e.g. "No keywords yet."
 * @param props.children Why it matters or how to fill it.
 * @param props.action   The next step, as a primary button.
 */
export function EmptyState( {
	title,
	children,
	action,
}: {
	title: string;
	children?: React.ReactNode;
	action?: EmptyStateAction;
} ) {
	const href = action?.href ? safeUrl( action.href ) : undefined;
	return (
		<div className="igny8-empty">
			<p className="igny8-empty__title">
				<strong>{ title }</strong>
			</p>
			{ children }
			{ action && ( href || action.onClick ) && (
				<p className="igny8-empty__action">
					<Button
						variant="primary"
						href={ href }
						onClick={ action.onClick }
						__next40pxDefaultSize
					>
						{ action.label }
					</Button>
				</p>
			) }
		</div>
	);
}

function SettingsLink() {
	const settingsUrl = safeUrl( getBootData().settingsUrl );
	if ( ! settingsUrl ) {
		return (
			<p>
				{ __(
					'Ask a site administrator to connect it under IGNY8 → Settings.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	return (
		<p>
			<Button variant="primary" href={ settingsUrl }>
				{ __( 'Open IGNY8 → Settings', 'igny8-bridge' ) }
			</Button>
		</p>
	);
}

/**
 * What to do next, for each kind of failure.
 * @param kind The failure's kind, from the API client.
 */
function advice( kind: ApiErrorKind | undefined ): string | null {
	switch ( kind ) {
		case 'not_connected':
			return __(
				'Enter the cloud URL and this site’s API key in the plugin settings to start.',
				'igny8-bridge'
			);
		case 'unreachable':
			return __(
				'Your work is safe. Try again in a moment; if it keeps failing, check the cloud URL in IGNY8 → Settings.',
				'igny8-bridge'
			);
		case 'credits':
			return __(
				'Add credits to your IGNY8 account, or run this on fewer items.',
				'igny8-bridge'
			);
		case 'ai_not_configured':
			return __(
				'An IGNY8 administrator must add an AI provider key (cloud: System → AI settings). Lexical clustering works without one.',
				'igny8-bridge'
			);
		case 'unauthorized':
			return __( 'Reload the page to sign in again.', 'igny8-bridge' );
		default:
			return null;
	}
}

/**
 * An error that tells the user what to do about it.
 * @param props         Component props.
 * @param props.message What went wrong.
 * @param props.kind    Its kind, for the advice.
 * @param props.onRetry Offers a retry button when given.
 */
export function ErrorNotice( {
	message,
	kind,
	onRetry,
}: {
	message: string;
	kind?: ApiErrorKind;
	onRetry?: () => void;
} ) {
	const tip = advice( kind );
	return (
		<Notice
			status={
				kind === 'credits' || kind === 'site_cap' ? 'warning' : 'error'
			}
			isDismissible={ false }
			className="igny8-error"
		>
			<p>
				<strong>{ message }</strong>
			</p>
			{ tip && <p>{ tip }</p> }
			{ ( kind === 'not_connected' || kind === 'unreachable' ) && (
				<SettingsLink />
			) }
			{ onRetry && (
				<p>
					<Button variant="secondary" onClick={ onRetry }>
						{ __( 'Try again', 'igny8-bridge' ) }
					</Button>
				</p>
			) }
		</Notice>
	);
}

/**
 * A determinate progress bar (wp-components' own is not stable on WP 6.6).
 * @param props         Component props.
 * @param props.percent 0–100.
 * @param props.label   Accessible name.
 */
export function ProgressBar( {
	percent,
	label,
}: {
	percent: number;
	label: string;
} ) {
	const value = Math.max( 0, Math.min( 100, Math.round( percent ) ) );
	return (
		<div
			className="igny8-progress"
			role="progressbar"
			aria-label={ label }
			aria-valuemin={ 0 }
			aria-valuemax={ 100 }
			aria-valuenow={ value }
		>
			<div
				className="igny8-progress__bar"
				style={ { width: `${ value }%` } }
			/>
		</div>
	);
}
