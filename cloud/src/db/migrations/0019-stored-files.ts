import type { Migration } from '../migrate';

/**
 * Files in the database (storage/database-storage.ts): uploads and generated
 * images that every process can read, in 1 MiB chunks.
 */
export const migration: Migration = {
	name: '0019-stored-files',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE TABLE IF NOT EXISTS stored_files (
				key VARCHAR(512) PRIMARY KEY,
				size BIGINT NOT NULL,
				complete BOOLEAN NOT NULL DEFAULT false,
				created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
				modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
			);
			CREATE TABLE IF NOT EXISTS stored_file_chunks (
				key VARCHAR(512) NOT NULL REFERENCES stored_files(key) ON DELETE CASCADE,
				seq INTEGER NOT NULL,
				bytes BYTEA NOT NULL,
				PRIMARY KEY (key, seq)
			);
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DROP TABLE IF EXISTS stored_file_chunks, stored_files'
		);
	},
};
