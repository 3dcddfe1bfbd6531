import { z } from 'zod';
import type { AiFunctionName } from '@igny8/shared-types';
import { ApiError } from '../../http/errors';
import type { AiFunction } from '../types';

/**
 * A function the registry knows by name but that is not built yet. It refuses
 * at validation — before a run, a reservation or a provider call — with a
 * 400 that says so; it never produces a placeholder result.
 */
export function unavailable( name: AiFunctionName ): AiFunction {
	const refuse = (): never => {
		throw new ApiError(
			'bad_request',
			`The AI function "${ name }" is not available yet.`
		);
	};
	return {
		name,
		input: z.unknown(),
		validate: async () => refuse(),
		estimate: refuse,
		prepare: async () => refuse(),
		execute: async () => refuse(),
		save: async () => refuse(),
	};
}
