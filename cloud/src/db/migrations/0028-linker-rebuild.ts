import type { Migration } from '../migrate';

/**
 * The Linker's "who mentions these words" index (linker_documents.stems,
 * read by inbound suggestions) on 32-bit hashes of the stems instead of the
 * stems. A post holds a few hundred distinct stems, so a 10,000-post rebuild
 * writes millions of GIN entries: as int4 they take less than half the time
 * of text ones (no varlena compares, smaller pages and WAL), and that write
 * was most of a rebuild's index time. The hashes are a generated column, so
 * every writer keeps them right without knowing of them, and hashtext is the
 * database's own (the one hash partitioning relies on being stable). A query
 * checks `stems` too: a hash collision can only add a candidate the stems
 * then turn away.
 *
 * The columns a rebuild writes for every post are compressed with lz4 where
 * the server has it: the default (pglz) costs about twice the CPU for the
 * same rows, and a rebuild writes tens of megabytes of them.
 */
export const migration: Migration = {
	name: '0028-linker-rebuild',
	async up( { context: qi } ) {
		await qi.sequelize.query( `
			CREATE FUNCTION linker_stem_hashes(stems text[]) RETURNS int4[]
				LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
				AS $$ SELECT ARRAY(SELECT hashtext(s) FROM unnest(stems) AS s) $$;
			ALTER TABLE linker_documents
				ADD COLUMN stem_hashes int4[] GENERATED ALWAYS AS (linker_stem_hashes(stems)) STORED;
			DROP INDEX linker_documents_stems;
			CREATE INDEX linker_documents_stem_hashes ON linker_documents USING GIN (stem_hashes);
			DO $$
			BEGIN
				ALTER TABLE linker_documents
					ALTER COLUMN stems SET COMPRESSION lz4,
					ALTER COLUMN stem_hashes SET COMPRESSION lz4,
					ALTER COLUMN terms SET COMPRESSION lz4,
					ALTER COLUMN phrases SET COMPRESSION lz4;
			EXCEPTION WHEN feature_not_supported THEN
				-- A server built without lz4 keeps pglz: slower, the same rows.
				NULL;
			END $$;
		` );
	},
	async down( { context: qi } ) {
		await qi.sequelize.query( `
			ALTER TABLE linker_documents
				ALTER COLUMN stems SET COMPRESSION default,
				ALTER COLUMN terms SET COMPRESSION default,
				ALTER COLUMN phrases SET COMPRESSION default;
			DROP INDEX IF EXISTS linker_documents_stem_hashes;
			ALTER TABLE linker_documents DROP COLUMN IF EXISTS stem_hashes;
			DROP FUNCTION IF EXISTS linker_stem_hashes(text[]);
			CREATE INDEX IF NOT EXISTS linker_documents_stems ON linker_documents USING GIN (stems);
		` );
	},
};
