import type { AiFunctionName } from '@igny8/shared-types';
import { ValidationError } from '../http/errors';
import { generateIdeas } from './functions/generate-ideas';
import { unavailable } from './functions/unavailable';
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
		.register( unavailable( 'auto_cluster' ) )
		.register( unavailable( 'generate_content' ) )
		.register( unavailable( 'generate_image_prompts' ) )
		.register( unavailable( 'generate_images' ) );
}
