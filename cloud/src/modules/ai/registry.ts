import type { AiFunctionName } from '@igny8/shared-types';
import { ValidationError } from '../../http/errors';
import { autoCluster } from './functions/auto-cluster';
import { generateContent } from './functions/generate-content';
import { generateIdeas } from './functions/generate-ideas';
import { generateImagePrompts } from './functions/generate-image-prompts';
import { generateImages } from './functions/generate-images';
import { optimizeContent } from './functions/optimize-content';
import { regenerateSection } from './functions/regenerate-section';
import { generateSiteStructure } from './functions/generate-site-structure';
import { writePageCopy } from './functions/write-page-copy';
import type { AiFunction, AiFunctionDefinition, AiOwners } from './types';

/** Every AI function by name (the seed's registry), with the owning services bound to their saves. */
export class AiRegistry {
	private readonly functions = new Map< string, AiFunction >();

	constructor( private readonly owners?: AiOwners ) {}

	register( fn: AiFunctionDefinition ): this {
		const wired = () => this.wiredOwners();
		this.functions.set( fn.name, {
			...fn,
			save: ( result, prepared, run, deps ) =>
				fn.save( result, prepared, run, {
					...deps,
					// Read at save time: a registry built without owners still serves functions that need none.
					get owners() {
						return wired();
					},
				} ),
		} );
		return this;
	}

	private wiredOwners(): AiOwners {
		if ( ! this.owners ) {
			throw new Error(
				'This AI registry has no owning services: build it with defaultRegistry( owners ) (services.ts does).'
			);
		}
		return this.owners;
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

export function defaultRegistry( owners?: AiOwners ): AiRegistry {
	return new AiRegistry( owners )
		.register( generateIdeas )
		.register( autoCluster )
		.register( generateContent )
		.register( generateImagePrompts )
		.register( generateImages )
		.register( regenerateSection )
		.register( optimizeContent )
		.register( generateSiteStructure )
		.register( writePageCopy );
}
