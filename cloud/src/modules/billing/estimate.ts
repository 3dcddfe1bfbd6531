import { estimateRequestSchema, estimateSchema } from '@igny8/shared-types';
import type { AiEngine } from '../ai';
import { route, type AnyRoute } from '../../http/route';
import type { CreditService } from './credits';

/**
 * What an AI action would reserve, before starting it: the same checks and
 * price as the run itself (`AiEngine.quote`: the items, and the most tokens
 * the account's model and answer cap allow), nothing recorded or reserved.
 * Anyone in the account may ask (it changes nothing).
 */
export function estimateRoutes(
	engine: AiEngine,
	credits: CreditService
): AnyRoute[] {
	return [
		route( {
			method: 'post',
			path: '/billing/estimate/',
			summary:
				'Credits an AI function would reserve for this input, your balance, and whether it suffices',
			tag: 'billing',
			auth: 'user',
			permission: 'read',
			body: estimateRequestSchema,
			response: { data: estimateSchema },
			handler: async ( { body, principal } ) => {
				const quote = await engine.quote(
					body.function,
					body.input,
					principal
				);
				const balance = await credits.balance( principal.account.id );
				return {
					data: {
						function: quote.fn.name,
						credits: quote.credits,
						balance,
						sufficient: balance >= quote.credits,
						tokens: quote.tokens,
						max_tokens: quote.answerCap,
					},
				};
			},
		} ),
	];
}
