/**
 * External dependencies
 */
import type { AutomationSpend } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { useDispatch, useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ErrorNotice, Loading } from '../../components/states';
import { AUTOMATION } from '../../store/automation';
import { creditCount, monthName, runCount } from './format';

/**
 * This month's automation spend: the credits every rule's runs used and
 * how many runs, then the same per rule (most first).
 * @param props        Component props.
 * @param props.siteId The session's site.
 */
export function Spend( { siteId }: { siteId: number | null } ) {
	const query = siteId ? { site_id: siteId } : {};
	const { spend, error } = useSelect(
		( select ) => {
			const store = select( AUTOMATION ) as any;
			return {
				spend: store.getSpend( query ) as AutomationSpend | null,
				error: store.getSpendError() as string | null,
			};
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- siteId stands for query.
		[ siteId ]
	);
	const { invalidate } = useDispatch( AUTOMATION ) as any;
	if ( error ) {
		return <ErrorNotice message={ error } onRetry={ () => invalidate() } />;
	}
	if ( ! spend ) {
		return (
			<Loading
				label={ __( 'Adding up this month’s spend…', 'igny8-bridge' ) }
			/>
		);
	}
	const byRule = [ ...spend.by_rule ].sort(
		( a, b ) => b.credits - a.credits
	);
	return (
		<section
			className="igny8-automation__spend"
			aria-labelledby="igny8-automation-spend"
			data-testid="igny8-automation-spend"
		>
			<h2 id="igny8-automation-spend">
				{ sprintf(
					/* translators: %s: a month, e.g. December 2026. */
					__( 'Automation spend in %s', 'igny8-bridge' ),
					monthName( spend.month )
				) }
			</h2>
			<dl className="igny8-automation__figures">
				<div className="igny8-automation__figure">
					<dt>{ __( 'Credits used', 'igny8-bridge' ) }</dt>
					<dd>{ spend.credits.toLocaleString() }</dd>
				</div>
				<div className="igny8-automation__figure">
					<dt>{ __( 'Runs', 'igny8-bridge' ) }</dt>
					<dd>{ spend.runs.toLocaleString() }</dd>
				</div>
			</dl>
			{ byRule.length === 0 ? (
				<p className="igny8-automation__hint">
					{ __(
						'No rule has run this month yet. What each rule spends shows here once it runs.',
						'igny8-bridge'
					) }
				</p>
			) : (
				<>
					<h3 className="igny8-automation__by-rule-title">
						{ __( 'By rule', 'igny8-bridge' ) }
					</h3>
					<ul className="igny8-automation__by-rule">
						{ byRule.map( ( row ) => (
							<li key={ row.rule_id ?? `deleted-${ row.name }` }>
								<span className="igny8-automation__by-rule-name">
									{ row.name ||
										__( '(deleted rule)', 'igny8-bridge' ) }
								</span>
								<span>
									{ sprintf(
										/* translators: 1: e.g. “12 credits”, 2: e.g. “3 runs”. */
										__( '%1$s in %2$s', 'igny8-bridge' ),
										creditCount( row.credits ),
										runCount( row.runs )
									) }
								</span>
							</li>
						) ) }
					</ul>
				</>
			) }
		</section>
	);
}
