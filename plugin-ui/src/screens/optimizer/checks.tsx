/**
 * External dependencies
 */
import type { OptimizerCheck, OptimizerCheckId } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { label } from '../../labels';
import { fixableChecks, groupChecks } from '../../store/optimizer';
import { checkCount, ratingLabel } from './format';
import { RatingIcon } from './scores';

/**
 * One group's checks, the ones to fix first on top.
 * @param props        Component props.
 * @param props.title  The group's heading.
 * @param props.checks Its checks.
 * @param props.onFix  Offers “Fix with AI” on failing checks the AI can address.
 */
function CheckGroup( {
	title,
	checks,
	onFix,
}: {
	title: string;
	checks: OptimizerCheck[];
	onFix?: ( ids: OptimizerCheckId[] ) => void;
} ) {
	if ( checks.length === 0 ) {
		return null;
	}
	return (
		<section className="igny8-optimizer__group">
			<h3>{ title }</h3>
			<ul className="igny8-optimizer__checks">
				{ checks.map( ( check ) => (
					<li
						key={ check.id }
						className="igny8-optimizer__check"
						data-check={ check.id }
						data-rating={ check.rating }
					>
						<RatingIcon rating={ check.rating } />
						<div className="igny8-optimizer__check-body">
							<p className="igny8-optimizer__check-message">
								<strong>
									{ label( 'optimizerCheck', check.id ) }
								</strong>
								<span className="screen-reader-text">
									{ ` (${ ratingLabel( check.rating ) })` }
								</span>
								{ ': ' }
								{ check.message }
							</p>
							{ check.fix && check.rating !== 'good' && (
								<p className="igny8-optimizer__check-fix">
									{ check.fix }
								</p>
							) }
							{ onFix &&
								check.ai_fixable &&
								check.rating !== 'good' && (
									<Button
										variant="link"
										onClick={ () => onFix( [ check.id ] ) }
										aria-label={ sprintf(
											/* translators: %s: a check's name, e.g. “Keyphrase density”. */
											__(
												'Fix with AI: %s',
												'igny8-bridge'
											),
											label( 'optimizerCheck', check.id )
										) }
									>
										{ __( 'Fix with AI', 'igny8-bridge' ) }
									</Button>
								) }
						</div>
					</li>
				) ) }
			</ul>
		</section>
	);
}

/**
 * An analysis's checks by group (SEO, readability), each with its rating as
 * an icon and a word, what was found and what to do next.
 * @param props        Component props.
 * @param props.checks The analysis's checks.
 * @param props.onFix  When given, failing checks the AI can address offer
 *                     “Fix with AI”, and one button fixes them all.
 */
export function ChecksList( {
	checks,
	onFix,
}: {
	checks: OptimizerCheck[];
	onFix?: ( ids: OptimizerCheckId[] ) => void;
} ) {
	const groups = groupChecks( checks );
	const fixable = fixableChecks( checks );
	return (
		<div className="igny8-optimizer__check-list">
			{ onFix && fixable.length > 1 && (
				<p>
					<Button
						variant="secondary"
						onClick={ () =>
							onFix( fixable.map( ( check ) => check.id ) )
						}
					>
						{ sprintf(
							/* translators: %s: e.g. “3 checks”. */
							__( 'Fix %s with AI', 'igny8-bridge' ),
							checkCount( fixable.length )
						) }
					</Button>
				</p>
			) }
			<CheckGroup
				title={ __( 'SEO', 'igny8-bridge' ) }
				checks={ groups.seo }
				onFix={ onFix }
			/>
			<CheckGroup
				title={ __( 'Readability', 'igny8-bridge' ) }
				checks={ groups.readability }
				onFix={ onFix }
			/>
		</div>
	);
}
