import type { Migration } from '../migrate';

/**
 * What the upload learnt about a keyword file (its encoding, byte-order
 * mark, delimiter, first data line and width) and its size, kept with the
 * import, so the job reads the stored file once instead of detecting it
 * again. Null on imports recorded before this: their job still detects.
 */
export const migration: Migration = {
	name: '0022-keyword-import-reading',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE keyword_imports
				ADD COLUMN read_options JSONB NULL,
				ADD COLUMN file_size BIGINT NULL CHECK (file_size >= 0);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE keyword_imports DROP COLUMN read_options, DROP COLUMN file_size;
		` );
	},
};
