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
import type { DayUsage } from '../usage';

/** Distinguishable on white and for common colour-vision deficiencies (Okabe–Ito). */
export const COLORS = [
	'#0072B2',
	'#E69F00',
	'#009E73',
	'#CC79A7',
	'#56B4E9',
	'#D55E00',
	'#000000',
];

/**
 * Credits spent per day, stacked by AI function, with the same numbers as a
 * table for screen readers (and anyone who wants the figures).
 * @param props                The cloud's usage answer and the chart data made from it.
 * @param props.usage          The cloud's usage answer.
 * @param props.data           The chart data made from it.
 * @param props.data.days      One entry per day.
 * @param props.data.functions The stacked series.
 */
export function UsageChart( {
	usage,
	data,
}: {
	usage: Usage;
	data: { days: DayUsage[]; functions: string[] };
} ) {
	const used = data.days.filter( ( day ) => day.total > 0 );
	return (
		<figure className="igny8c-chart" data-total={ usage.total_credits }>
			<figcaption>
				{ sprintf(
					/* translators: 1: credits, 2: first day, 3: last day. */
					__( '%1$s credits spent from %2$s to %3$s' ),
					usage.total_credits.toLocaleString(),
					usage.from,
					usage.to
				) }
			</figcaption>
			<div className="igny8c-chart__plot">
				<ResponsiveContainer width="100%" height={ 260 }>
					<BarChart
						data={ data.days }
						margin={ { top: 8, right: 8, bottom: 8, left: 0 } }
						title={ __( 'Credits spent per day, by AI function' ) }
					>
						<CartesianGrid
							strokeDasharray="3 3"
							vertical={ false }
						/>
						<XAxis
							dataKey="day"
							tickFormatter={ ( day: string ) => day.slice( 5 ) }
							minTickGap={ 16 }
						/>
						<YAxis allowDecimals={ false } width={ 40 } />
						<Tooltip />
						<Legend />
						{ data.functions.map( ( fn, index ) => (
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
				<summary>{ __( 'Show the daily totals as a table' ) }</summary>
				<table className="igny8c-table is-compact">
					<caption className="screen-reader-text">
						{ __( 'Credits spent per day' ) }
					</caption>
					<thead>
						<tr>
							<th scope="col">{ __( 'Day' ) }</th>
							<th scope="col">{ __( 'Runs' ) }</th>
							<th scope="col">{ __( 'Credits' ) }</th>
						</tr>
					</thead>
					<tbody>
						{ used.map( ( day ) => (
							<tr
								key={ day.day }
								data-day={ day.day }
								data-credits={ day.total }
							>
								<td data-label={ __( 'Day' ) }>{ day.day }</td>
								<td data-label={ __( 'Runs' ) }>
									{ day.jobs }
								</td>
								<td data-label={ __( 'Credits' ) }>
									{ day.total }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			</details>
		</figure>
	);
}
