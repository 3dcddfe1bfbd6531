import type { AiFunctionName } from '@igny8/shared-types';
import { ValidationError } from '../http/errors';
import { autoCluster } from './functions/auto-cluster';
import { generateContent } from './functions/generate-content';
import { generateIdeas } from './functions/generate-ideas';
import { generateImagePrompts } from './functions/generate-image-prompts';
import { generateImages } from './functions/generate-images';
import type { AiFunction } from './types';

/** Every AI function by name (the seed's registry). */
export class AiRegistry {
	private readonly functions = new Map< string, AiFunction >();

	register( fn: AiFunction ): this {
		this.functions.set( fn.name, fn );
		return this;
	}

	get( name: string ): AiFunction {
		const fn = this.functions.get( name );
		if ( ! fn ) {
			throw new ValidationError( `Unknown AI function "${ name }".` );
		}
		return fn;
	}

	names(): AiFunctionName[] {
		return [ ...this.functions.keys() ] as AiFunctionName[];
	}
}

export function defaultRegistry(): AiRegistry {
	return new AiRegistry()
		.register( generateIdeas )
		.register( autoCluster )
		.register( generateContent )
		.register( generateImagePrompts )
		.register( generateImages );
}
