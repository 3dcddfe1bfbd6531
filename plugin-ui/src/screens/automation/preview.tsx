/**
 * External dependencies
 */
import type { AutomationDryRun } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Notice } from '@wordpress/components';
import { useEffect, useRef } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { label } from '../../labels';
import { creditCount } from './format';

/**
 * What a dry run answered: each step with what it would work on and its
 * credit estimate (or why it is not known yet), the credits known in all,
 * and the first cap they would pass. The heading takes the focus when it
 * arrives, so a screen reader reads it where the button was pressed.
 * @param props        Component props.
 * @param props.dryRun The cloud's answer.
 * @param props.stale  Whether the rule changed since.
 */
export function DryRunPreview( {
	dryRun,
	stale,
}: {
	dryRun: AutomationDryRun;
	stale: boolean;
} ) {
	const heading = useRef< HTMLHeadingElement >( null );
	useEffect( () => {
		heading.current?.focus();
		heading.current?.scrollIntoView?.( { block: 'nearest' } );
	}, [ dryRun ] );
	const unknown = dryRun.steps.some( ( step ) => step.credits === null );
	return (
		<section
			className="igny8-automation__preview"
			aria-labelledby="igny8-automation-preview"
			data-testid="igny8-automation-preview"
		>
			<h3 id="igny8-automation-preview" ref={ heading } tabIndex={ -1 }>
				{ __( 'Preview (dry run)', 'igny8-bridge' ) }
			</h3>
			{ stale && (
				<Notice status="info" isDismissible={ false }>
					{ __(
						'You changed the rule after this preview. Preview it again to see what the changes do.',
						'igny8-bridge'
					) }
				</Notice>
			) }
			{ dryRun.cap_problem && (
				<Notice
					status="warning"
					isDismissible={ false }
					className="igny8-automation__cap-problem"
				>
					<p>
						<strong>{ dryRun.cap_problem }</strong>
					</p>
					<p>
						{ __(
							'When the rule runs, the step that would pass the cap is not started and the run stops there. Raise the cap under “Credit caps”, or let the rule do less per run.',
							'igny8-bridge'
						) }
					</p>
				</Notice>
			) }
			<ol className="igny8-automation__preview-steps">
				{ dryRun.steps.map( ( step ) => (
					<li
						key={ step.position }
						className="igny8-automation__preview-step"
						data-testid="igny8-automation-preview-step"
					>
						<div className="igny8-automation__step-head">
							<h4>
								{ sprintf(
									/* translators: 1: the step's number, 2: what it does, e.g. Generate ideas. */
									__( '%1$d. %2$s', 'igny8-bridge' ),
									step.position + 1,
									label(
										'automationAction',
										step.action.type
									)
								) }
							</h4>
							<span
								className="igny8-automation__credits"
								data-known={ step.credits !== null }
								data-testid="igny8-automation-preview-credits"
							>
								{ step.credits === null
									? __(
											'Credits not known yet',
											'igny8-bridge'
										)
									: sprintf(
											/* translators: %s: e.g. “3 credits”. */
											__( 'About %s', 'igny8-bridge' ),
											creditCount( step.credits )
										) }
							</span>
						</div>
						<p className="igny8-automation__preview-description">
							{ step.description }
						</p>
						{ step.note && (
							<p className="igny8-automation__hint">
								{ step.note }
							</p>
						) }
					</li>
				) ) }
			</ol>
			<p
				className="igny8-automation__preview-total"
				data-testid="igny8-automation-preview-total"
			>
				<strong>
					{ unknown
						? sprintf(
								/* translators: %s: e.g. “12 credits”. */
								__(
									'Known now: %s, plus what the later steps use.',
									'igny8-bridge'
								),
								creditCount( dryRun.credits_known )
							)
						: sprintf(
								/* translators: %s: e.g. “12 credits”. */
								__( 'In all: about %s.', 'igny8-bridge' ),
								creditCount( dryRun.credits_known )
							) }
				</strong>{ ' ' }
				{ __(
					'A dry run changes nothing and charges nothing.',
					'igny8-bridge'
				) }
			</p>
		</section>
	);
}
