import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { ImageRow } from '../../../db/content-models';
import type { Models } from '../../../db/models';
import { NotFoundError, ValidationError } from '../../../http/errors';
import { siteFilter, type Principal } from '../../auth';
import type { ImageStore } from '../../../storage/image-store';
import { AiProviderError } from '../provider';
import type { AiFunctionDefinition, Metered } from '../types';
import { validateTasks } from './generate-content';

/**
 * generate_images: image rows with a prompt and no picture → pictures. Each
 * prompt goes to the image provider (OpenAI's images API or Runware, per the
 * request, else the account's setting, else IMAGE_PROVIDER); the bytes are
 * stored by the cloud and the row gets the served URL (`image_url`) and the
 * storage key (`storage_path`).
 *
 * Files are written as each picture arrives (not held in memory for the
 * whole run); a run that fails or is cancelled while drawing removes them.
 * One picture failing for good is reported in the summary and not charged;
 * the run fails (and is refunded) only when none could be drawn.
 */

export const IMAGE_SIZES = [ '1024x1024', '1792x1024', '1024x1792' ] as const;

const inputSchema = z.object( {
	image_ids: z.array( z.number().int().positive() ).min( 1 ).max( 100 ),
	size: z.enum( IMAGE_SIZES ).default( '1024x1024' ),
	provider: z.enum( [ 'openai', 'runware' ] ).nullable().default( null ),
} );
export type GenerateImagesInput = z.infer< typeof inputSchema >;

/** A row still waiting for its picture. */
const pending = {
	prompt: { [ Op.ne ]: '' },
	storage_path: null,
	image_url: null,
};

/**
 * The images a `generate_images` request on tasks stands for: every prompt
 * of theirs still without a picture. 400 naming the tasks that have none.
 */
export async function pendingImagesOf(
	models: Models,
	principal: Principal,
	taskIds: number[]
): Promise< number[] > {
	const { tasks } = await validateTasks( taskIds, principal, models );
	const images = await models.Image.findAll( {
		attributes: [ 'id', 'task_id' ],
		where: {
			task_id: { [ Op.in ]: tasks.map( ( t ) => t.id ) },
			account_id: principal.account.id,
			...pending,
		},
		order: [
			[ 'task_id', 'ASC' ],
			[ 'position', 'ASC' ],
			[ 'id', 'ASC' ],
		],
	} );
	const withPrompts = new Set( images.map( ( i ) => Number( i.task_id ) ) );
	const without = taskIds.filter( ( id ) => ! withPrompts.has( id ) );
	if ( without.length ) {
		throw new ValidationError( 'Invalid body.', {
			ids: without.map(
				( id ) =>
					`task ${ id } has no image prompts waiting: generate image prompts first`
			),
		} );
	}
	return images.map( ( i ) => Number( i.id ) );
}

/**
 * The one image a regenerate request names: the caller's (another account's
 * or another site's reads as missing, 404) and with a prompt to draw from.
 */
export async function redrawableImage(
	models: Models,
	principal: Principal,
	imageId: number
): Promise< ImageRow > {
	const image = await models.Image.findOne( {
		where: {
			id: imageId,
			account_id: principal.account.id,
			...siteFilter( principal ),
		},
	} );
	if ( ! image ) {
		throw new NotFoundError( 'Image not found.' );
	}
	if ( ! image.prompt.trim() ) {
		throw new ValidationError( 'This image has no prompt to draw from.', {
			prompt: [
				`image ${ imageId } has no prompt: write one (or generate image prompts) first`,
			],
		} );
	}
	return image;
}

/**
 * A queued or running `generate_images` run that already draws this image,
 * so a repeated "regenerate" (a double click, a retried request) follows it
 * instead of paying for a second picture.
 */
export async function liveRunDrawing(
	models: Models,
	principal: Principal,
	imageId: number
): Promise< number | null > {
	const run = await models.AiTaskRun.findOne( {
		attributes: [ 'id' ],
		where: {
			account_id: principal.account.id,
			function_name: 'generate_images',
			status: { [ Op.in ]: [ 'queued', 'running' ] },
			input: { [ Op.contains ]: { image_ids: [ imageId ] } },
		} as WhereOptions,
		order: [ [ 'id', 'DESC' ] ],
	} );
	return run ? Number( run.id ) : null;
}

/** One item per picture asked for. */
export function estimateImages( input: GenerateImagesInput ): Metered {
	return { items: new Set( input.image_ids ).size };
}

type Drawn = {
	image_id: number;
	key: string;
	url: string;
	bytes: number;
	model: string;
};
type Result = {
	drawn: Drawn[];
	failed: { image_id: number; error: string }[];
	/** Where the files went, so the save can let go of replaced ones. */
	files: ImageStore;
};

export const generateImages: AiFunctionDefinition<
	GenerateImagesInput,
	ImageRow[],
	Result
> = {
	name: 'generate_images',
	input: inputSchema,

	async validate( input, principal, { models } ) {
		const ids = [ ...new Set( input.image_ids ) ];
		const images = await models.Image.findAll( {
			where: {
				id: { [ Op.in ]: ids },
				account_id: principal.account.id,
				...siteFilter( principal ),
			},
		} );
		const byId = new Map( images.map( ( i ) => [ Number( i.id ), i ] ) );
		const problems: string[] = [];
		for ( const id of ids ) {
			const image = byId.get( id );
			if ( ! image ) {
				problems.push( `image ${ id } does not exist` );
			} else if ( ! image.prompt.trim() ) {
				problems.push( `image ${ id } has no prompt` );
			}
		}
		if (
			! problems.length &&
			new Set( images.map( ( i ) => i.site_id ) ).size > 1
		) {
			problems.push( 'the images of one run must belong to one site' );
		}
		if ( problems.length ) {
			throw new ValidationError( 'Invalid body.', { ids: problems } );
		}
		const sectors = new Set( images.map( ( i ) => Number( i.sector_id ) ) );
		return {
			site_id: Number( images[ 0 ]!.site_id ),
			sector_id: sectors.size === 1 ? [ ...sectors ][ 0 ]! : null,
		};
	},

	estimate: estimateImages,

	// Images drawn by Runware (the request's choice, else the account's or the server's) need no OpenAI key.
	needsProvider: ( input, settings ) =>
		( input.provider ?? settings.imageProvider ) !== 'runware',

	async prepare( input, run, { models } ) {
		const images = await models.Image.findAll( {
			where: {
				id: { [ Op.in ]: input.image_ids },
				account_id: run.account_id,
				site_id: run.site_id,
				prompt: { [ Op.ne ]: '' },
			},
			order: [ [ 'id', 'ASC' ] ],
		} );
		if ( images.length === 0 ) {
			throw new Error( 'None of the images exist any more.' );
		}
		return images;
	},

	async execute( images, input, context ) {
		const { ai, progress, checkpoint, files, settings } = context;
		const provider = input.provider ?? settings.imageProvider;
		const result: Result = { drawn: [], failed: [], files };
		try {
			for ( const [ index, image ] of images.entries() ) {
				checkpoint();
				await progress(
					'drawing',
					10 + Math.round( ( 80 * index ) / images.length ),
					`Image ${ index + 1 } of ${ images.length }`
				);
				let picture;
				try {
					picture = await ai.images( image.prompt, {
						size: input.size,
						provider,
					} );
				} catch ( error ) {
					if ( ! ( error instanceof AiProviderError ) ) {
						throw error;
					}
					result.failed.push( {
						image_id: Number( image.id ),
						error: error.message,
					} );
					continue;
				}
				const stored = await files.put( picture.bytes, picture.mime );
				result.drawn.push( {
					image_id: Number( image.id ),
					key: stored.key,
					url: stored.url,
					bytes: stored.size,
					model: picture.model,
				} );
			}
		} catch ( error ) {
			await removeAll( files, result.drawn );
			throw error;
		}
		if ( result.drawn.length === 0 ) {
			throw new AiProviderError(
				result.failed[ 0 ]?.error ?? 'No image could be generated.'
			);
		}
		return result;
	},

	// A cancel that wins the race with the save leaves the drawn files to remove here.
	discard: ( result ) => removeAll( result.files, result.drawn ),

	async save( result, _images, run, { owners, transaction } ) {
		const saved: number[] = [];
		const gone: number[] = [];
		for ( const drawn of result.drawn ) {
			const attached = await owners.writer.attachPicture(
				transaction,
				run.account_id,
				drawn.image_id,
				{ url: drawn.url, key: drawn.key }
			);
			if ( attached === 'gone' ) {
				gone.push( drawn.image_id );
				transaction.afterCommit( () =>
					result.files.remove( drawn.key ).catch( () => undefined )
				);
				continue;
			}
			const { replaced } = attached;
			if ( replaced ) {
				// Only once the new picture is committed may the old file go.
				transaction.afterCommit( () =>
					result.files.remove( replaced ).catch( () => undefined )
				);
			}
			saved.push( drawn.image_id );
		}
		return {
			summary: {
				images_generated: saved.length,
				image_ids: saved,
				...( result.failed.length ? { failed: result.failed } : {} ),
				...( gone.length ? { deleted_meanwhile: gone } : {} ),
			},
			items: saved.length,
		};
	},
};

/**
 * Removes every file under `prefix` older than `olderThanMs` that no image
 * row points at: files of rows deleted with their task, content, site or
 * account (database cascades that never see the files), and of runs whose
 * process died between drawing and saving. The age keeps it clear of runs
 * still drawing (a run ends long before a day). Answers how many went.
 */
export async function sweepOrphanedImages(
	files: ImageStore,
	models: Models,
	olderThanMs: number,
	now = Date.now()
): Promise< number > {
	let removed = 0;
	let batch: string[] = [];
	const flush = async () => {
		const referenced = new Set(
			(
				await models.Image.findAll( {
					attributes: [ 'storage_path' ],
					where: { storage_path: { [ Op.in ]: batch } },
					raw: true,
				} )
			).map( ( r ) => r.storage_path )
		);
		for ( const key of batch ) {
			if ( ! referenced.has( key ) ) {
				await files.remove( key );
				removed++;
			}
		}
		batch = [];
	};
	for await ( const file of files.list() ) {
		if ( now - file.modifiedAt.getTime() < olderThanMs ) {
			continue;
		}
		batch.push( file.key );
		if ( batch.length === 500 ) {
			await flush();
		}
	}
	if ( batch.length ) {
		await flush();
	}
	return removed;
}

async function removeAll(
	files: { remove( key: string ): Promise< void > },
	drawn: Drawn[]
): Promise< void > {
	await Promise.all(
		drawn.map( ( d ) => files.remove( d.key ).catch( () => undefined ) )
	);
}
