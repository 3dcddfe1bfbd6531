import type { Subscriber } from '../../domain-events';
import { ApiError } from '../../http/errors';
import type { OptimizerService } from './service';

/**
 * Keeps every content's score current: each saved revision is analyzed
 * once after it is saved (the writer's `content.saved` event), so the
 * dashboard and the history never wait for someone to press "Analyze".
 * Idempotent: a revision's entry is replaced, never added twice. A draft
 * the analysis refuses (HTML nested deeper than a browser parses) is left
 * unscored rather than retried forever: its editor gets the reason when
 * they analyze it.
 */
export class OptimizerScorer {
	constructor( private readonly optimizer: OptimizerService ) {}

	subscriber(): Subscriber {
		return {
			name: 'optimizer.score',
			types: [ 'content.saved' ],
			handle: async ( event ) => {
				const contentId = Number( event.payload.content_id );
				if ( ! Number.isInteger( contentId ) || contentId <= 0 ) {
					return;
				}
				try {
					await this.optimizer.scoreSaved( contentId );
				} catch ( error ) {
					if ( ! ( error instanceof ApiError ) ) {
						throw error;
					}
				}
			},
		};
	}
}
