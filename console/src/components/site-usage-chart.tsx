/**
 * External dependencies
 */
import type { Usage } from '@igny8/shared-types';
import {
	Bar,
	BarChart,
	CartesianGrid,
	Legend,
	ResponsiveContainer,
	Tooltip,
	XAxis,
	YAxis,
} from 'recharts';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { functionLabel } from '../labels';
import type { SiteUsage } from '../usage';
import { COLORS } from './usage-chart';

/** Room for a site's name beside its bar; longer names are cut with an ellipsis. */
const NAME_CHARS = 18;

const shortName = ( name: string ) =>
	name.length > NAME_CHARS ? `${ name.slice( 0, NAME_CHARS - 1 ) }…` : name;

/**
 * The range's credits per site, one bar each stacked by AI function (the
 * colours of the daily chart), with the same figures as a table.
 * @param props           The cloud's usage answer and the per-site data made from it.
 * @param props.usage     The cloud's usage answer.
 * @param props.data      The per-site data made from it.
 * @param props.siteName  A site's name (or what stands for a deleted one).
 * @param props.functions Every function of the range, in the daily chart's order (its colours).
 */
export function SiteUsageChart( {
	usage,
	data,
	siteName,
	functions,
}: {
	usage: Usage;
	data: SiteUsage[];
	siteName: ( id: number | null ) => string;
	functions: string[];
} ) {
	const rows = data.map( ( site ) => ( {
		...site,
		name: siteName( site.site_id ),
	} ) );
	return (
		<figure className="igny8c-sitechart" data-total={ usage.total_credits }>
			<figcaption>
				{ sprintf(
					/* translators: 1: credits, 2: first day, 3: last day. */
					__( '%1$s credits spent per site from %2$s to %3$s' ),
					usage.total_credits.toLocaleString(),
					usage.from,
					usage.to
				) }
			</figcaption>
			<div className="igny8c-chart__plot">
				<ResponsiveContainer
					width="100%"
					height={ Math.max( 140, 44 * rows.length + 70 ) }
				>
					<BarChart
						data={ rows }
						layout="vertical"
						margin={ { top: 8, right: 16, bottom: 8, left: 0 } }
						title={ __( 'Credits spent per site, by AI function' ) }
					>
						<CartesianGrid
							strokeDasharray="3 3"
							horizontal={ false }
						/>
						<XAxis type="number" allowDecimals={ false } />
						<YAxis
							type="category"
							dataKey="name"
							width={ 128 }
							tickFormatter={ shortName }
						/>
						<Tooltip />
						<Legend />
						{ functions.map( ( fn, index ) => (
							<Bar
								key={ fn }
								dataKey={ `fn:${ fn }` }
								name={ functionLabel( fn ) }
								stackId="credits"
								fill={ COLORS[ index % COLORS.length ] }
								isAnimationActive={ false }
							/>
						) ) }
					</BarChart>
				</ResponsiveContainer>
			</div>
			<details className="igny8c-chart__table">
				<summary>
					{ __( 'Show the totals per site as a table' ) }
				</summary>
				<table className="igny8c-table is-compact">
					<caption className="screen-reader-text">
						{ __( 'Credits spent per site' ) }
					</caption>
					<thead>
						<tr>
							<th scope="col">{ __( 'Site' ) }</th>
							<th scope="col">{ __( 'Runs' ) }</th>
							<th scope="col">{ __( 'Credits' ) }</th>
						</tr>
					</thead>
					<tbody>
						{ rows.map( ( site ) => (
							<tr
								key={ String( site.site_id ) }
								data-site={ site.site_id ?? 'none' }
								data-credits={ site.total }
							>
								<td data-label={ __( 'Site' ) }>
									{ site.name }
								</td>
								<td data-label={ __( 'Runs' ) }>
									{ site.jobs }
								</td>
								<td data-label={ __( 'Credits' ) }>
									{ site.total }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			</details>
		</figure>
	);
}
