/**
 * WordPress dependencies
 */
import { _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { label } from '../../labels';
import type { Rating } from '../../store/optimizer';

/**
 * e.g. “3 posts”.
 * @param count How many.
 */
export function contentCount( count: number ): string {
	return sprintf(
		/* translators: %s: a number of contents (posts, pages, products). */
		_n( '%s post', '%s posts', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * e.g. “2 checks”.
 * @param count How many.
 */
export function checkCount( count: number ): string {
	return sprintf(
		/* translators: %s: a number of SEO or readability checks. */
		_n( '%s check', '%s checks', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * e.g. “4 paragraphs”.
 * @param count How many.
 */
export function paragraphCount( count: number ): string {
	return sprintf(
		/* translators: %s: a number of paragraphs. */
		_n( '%s paragraph', '%s paragraphs', count, 'igny8-bridge' ),
		count.toLocaleString()
	);
}

/**
 * The rating's word; the icon and color only repeat it.
 * @param rating The rating; null when never analyzed.
 */
export function ratingLabel( rating: Rating | null ): string {
	return rating === null ? '' : label( 'optimizerRating', rating );
}
