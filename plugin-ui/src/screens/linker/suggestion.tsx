/**
 * External dependencies
 */
import type { LinkSuggestion } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { label } from '../../labels';
import { contextParts, strength } from './format';

/**
 * A suggestion's sentence with its anchor highlighted.
 * @param props            Component props.
 * @param props.suggestion The suggestion.
 */
export function AnchorInContext( {
	suggestion,
}: {
	suggestion: Pick< LinkSuggestion, 'context' | 'anchor' >;
} ) {
	const parts = contextParts( suggestion.context, suggestion.anchor );
	return (
		<q className="igny8-linker__context">
			{ parts.before }
			<mark className="igny8-linker__anchor">{ parts.anchor }</mark>
			{ parts.after }
		</q>
	);
}

/**
 * How well a suggestion fits, as a word.
 * @param props            Component props.
 * @param props.suggestion The suggestion.
 * @param props.scores     The scores of the suggestions shown with it.
 */
export function Strength( {
	suggestion,
	scores,
}: {
	suggestion: LinkSuggestion;
	scores: number[];
} ) {
	const word = strength( suggestion.score, scores );
	return (
		<span className="igny8-linker__strength" data-strength={ word }>
			{ sprintf(
				/* translators: %s: e.g. Strong, Good. */
				__( '%s match', 'igny8-bridge' ),
				label( 'linkStrength', word )
			) }
		</span>
	);
}
