/**
 * External dependencies
 */
import type {
	LinkerApplyResult,
	LinkerRemoveResult,
	LinkSuggestion,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Words and numbers of the Linker's screens (wp-admin and the block editor's
 * Links panel), kept pure so they are tested without a browser.
 */

export type Strength = 'strong' | 'good' | 'fair';

/**
 * Where the cloud's engine puts its scores (cloud/src/modules/linker/text/
 * suggest.ts): a title or keyword said in full scores about 0.25 even when
 * the two posts share little else, a lone prominent word below 0.1; the
 * likeness of the posts lifts both towards 1.
 */
const STRONG = 0.25;
const GOOD = 0.1;

/**
 * How well a suggestion fits, as a word a person reads instead of a score.
 * Scores are read on the engine's scale; a score far above it (a different
 * engine) is read against the best suggestion shown with it instead.
 * @param score  The suggestion's score.
 * @param scores Every score shown alongside (including this one).
 */
export function strength( score: number, scores: number[] ): Strength {
	const best = Math.max( score, ...scores );
	const relative = best > 2 ? ( score / best ) * STRONG * 2 : score;
	if ( relative >= STRONG ) {
		return 'strong';
	}
	return relative >= GOOD ? 'good' : 'fair';
}

export interface ContextParts {
	before: string;
	anchor: string;
	after: string;
}

/**
 * The suggestion's sentence cut around its anchor, so the anchor can be
 * highlighted where it sits. When the sentence does not hold the anchor
 * (white space differs, or the cloud shortened it) the anchor stands alone.
 * @param context The sentence around the anchor, plain text.
 * @param anchor  The anchor text.
 */
export function contextParts( context: string, anchor: string ): ContextParts {
	const at = context.indexOf( anchor );
	const found =
		at >= 0 ? at : context.toLowerCase().indexOf( anchor.toLowerCase() );
	if ( anchor === '' || found < 0 ) {
		return { before: '', anchor, after: '' };
	}
	return {
		before: context.slice( 0, found ),
		anchor: context.slice( found, found + anchor.length ),
		after: context.slice( found + anchor.length ),
	};
}

/**
 * “12 links”.
 * @param count How many.
 */
export function linkCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of links. */
		_n( '%s link', '%s links', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * “12 posts”.
 * @param count How many.
 */
export function postCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of posts. */
		_n( '%s post', '%s posts', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * “12 suggestions”.
 * @param count How many.
 */
export function suggestionCount( count: number ): string {
	return sprintf(
		/* translators: %s: number of link suggestions. */
		_n( '%s suggestion', '%s suggestions', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * What happened to the WordPress post, in a sentence (empty when nothing
 * needs saying).
 * @param state The apply or remove result's `wordpress`.
 */
function wordpressSentence( state: LinkerApplyResult[ 'wordpress' ] ): string {
	switch ( state ) {
		case 'updated':
			return __( 'The post in WordPress was updated.', 'igny8-bridge' );
		case 'not_published':
			return __(
				'The post is not published, so only IGNY8’s copy changed; WordPress gets the change when IGNY8 publishes it.',
				'igny8-bridge'
			);
		default:
			return '';
	}
}

/**
 * The snackbar after applying suggestions: how many links were added, what
 * happened to the WordPress post, and each skipped one with its reason
 * (named by its anchor when the caller knows it).
 * @param result      The cloud's answer.
 * @param suggestions The suggestions that were applied, to name the skipped ones.
 */
export function applyMessage(
	result: LinkerApplyResult,
	suggestions: Pick< LinkSuggestion, 'id' | 'anchor' >[] = []
): string {
	const anchors = new Map(
		suggestions.map( ( suggestion ) => [
			suggestion.id,
			suggestion.anchor,
		] )
	);
	const parts: string[] = [];
	parts.push(
		result.applied.length > 0
			? sprintf(
					/* translators: %s: e.g. “3 links”. */
					__( '%s added.', 'igny8-bridge' ),
					linkCount( result.applied.length )
				)
			: __( 'No link was added.', 'igny8-bridge' )
	);
	if ( result.applied.length > 0 ) {
		const sentence = wordpressSentence( result.wordpress );
		if ( sentence ) {
			parts.push( sentence );
		}
	}
	if ( result.skipped.length > 0 ) {
		parts.push(
			sprintf(
				/* translators: %s: e.g. “2 suggestions”. */
				__( '%s skipped:', 'igny8-bridge' ),
				suggestionCount( result.skipped.length )
			)
		);
		result.skipped.forEach( ( skipped ) => {
			const anchor = anchors.get( skipped.id );
			parts.push(
				anchor
					? sprintf(
							/* translators: 1: the link text, 2: why it was skipped. */
							__( '“%1$s”: %2$s', 'igny8-bridge' ),
							anchor,
							skipped.reason
						)
					: skipped.reason
			);
		} );
	}
	return parts.join( ' ' );
}

/**
 * The snackbar after removing IGNY8's links from a post.
 * @param result The cloud's answer.
 */
export function removeMessage( result: LinkerRemoveResult ): string {
	if ( result.removed.length === 0 ) {
		return __( 'This post has no links IGNY8 added.', 'igny8-bridge' );
	}
	const sentence = wordpressSentence( result.wordpress );
	const removed = sprintf(
		/* translators: %s: a number of links. */
		_n(
			'%s link that IGNY8 added was removed.',
			'%s links that IGNY8 added were removed.',
			result.removed.length,
			'igny8-bridge'
		),
		result.removed.length.toLocaleString()
	);
	return sentence ? `${ removed } ${ sentence }` : removed;
}
