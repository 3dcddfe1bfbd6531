import { AI_DEFAULTS, tokenWeight } from './defaults';
import type { Workload } from './types';

/**
 * How a run's tokens enter its price. The price table's per-1k-token rate
 * is for the reference model's tokens; another model's tokens weigh its
 * list-price ratio (tokenWeight), so a dearer model costs more credits.
 * Tokens spent on an account's own key are not priced: its provider bills
 * it for them, and the credits price the items alone.
 *
 * The reservation covers the most a run may use given its caps. A text
 * request sends a prompt (an allowance: prompts are ours and bounded by the
 * functions, but no setting caps them) and gets an answer of at most the
 * cap; a structured answer may be sent back once to be repaired, with the
 * first answer in the second prompt. So a request costs at most
 * 2 × prompt + 3 × cap tokens. Embedded texts add their own allowance.
 */

export type AccountTokens = {
	ownKey: boolean;
	textModel: string;
	/** The longest answer per text request (null only on an account's own key). */
	answerCap: number | null;
};

/** Weighted tokens to reserve for a run's workload (0 on the account's own key). */
export function reservedTokens(
	workload: Workload,
	account: AccountTokens
): number {
	if ( account.ownKey ) {
		return 0;
	}
	const perRequest =
		2 * AI_DEFAULTS.promptTokensPerRequest + 3 * ( account.answerCap ?? 0 );
	return Math.ceil(
		( workload.requests ?? 0 ) *
			perRequest *
			tokenWeight( account.textModel ) +
			( workload.embeddingTexts ?? 0 ) *
				AI_DEFAULTS.embeddingTokensPerText *
				tokenWeight( AI_DEFAULTS.embeddingModel )
	);
}

/** The weighted tokens one request adds to the charge (0 on the account's own key). */
export function pricedTokens(
	ownKey: boolean,
	model: string,
	tokensIn: number,
	tokensOut: number
): number {
	return ownKey ? 0 : ( tokensIn + tokensOut ) * tokenWeight( model );
}
