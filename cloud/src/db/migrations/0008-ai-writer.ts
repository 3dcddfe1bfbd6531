import type { Migration } from '../migrate';

/**
 * AI writing: an image row may now be a prompt waiting for its picture
 * (generate_image_prompts writes prompts, generate_images fills them in), so
 * a row needs a source *or* a prompt. Generated files are looked up by their
 * storage key when served, hence the index; a key belongs to one row.
 */
export const migration: Migration = {
	name: '0008-ai-writer',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE images DROP CONSTRAINT images_has_a_source;
			ALTER TABLE images ADD CONSTRAINT images_has_a_source_or_prompt
				CHECK (image_url IS NOT NULL OR storage_path IS NOT NULL OR prompt <> '');
			CREATE UNIQUE INDEX images_storage_path_unique ON images (storage_path) WHERE storage_path IS NOT NULL;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			DROP INDEX IF EXISTS images_storage_path_unique;
			DELETE FROM images WHERE image_url IS NULL AND storage_path IS NULL;
			ALTER TABLE images DROP CONSTRAINT images_has_a_source_or_prompt;
			ALTER TABLE images ADD CONSTRAINT images_has_a_source
				CHECK (image_url IS NOT NULL OR storage_path IS NOT NULL);
		` );
	},
};
