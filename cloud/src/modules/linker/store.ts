import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
	COMMON_PHRASE_OWNERS,
	type Corpus,
	type CorpusDocument,
} from './text/corpus';
import {
	hashOf,
	type IndexedLink,
	type SourcePost,
	type SuggestionRow,
} from './placement';
import type { DocumentProfile } from './text/profile';

export { hashOf, type IndexedLink, type SourcePost, type SuggestionRow };

/**
 * The Linker's tables, read and written in one place. A document is a post
 * as the index keeps it; its phrases are what a link to it may say, its
 * stems what it mentions (for "who should link here"), its links the
 * internal links it has now.
 */

export type DocumentKey =
	| { site_id: number; content_id: number }
	| { site_id: number; wp_post_id: number; content_id?: undefined };

/** A post as the index holds it: what the indexer read, less its text, plus what it made of it. */
export type DocumentRow = Omit< SourcePost, 'html' | 'keywords' > & {
	id: number;
	html_hash: string;
	terms: Record< string, number >;
	phrases: DocumentProfile[ 'phrases' ];
	length: number;
	indexed_at: Date;
};

/** A post of a rebuild as its worker thread profiled it (rebuild-worker.ts ProfiledPost). */
export type RebuildEntry = {
	/** The post; its text is not read (`hash` stands for it). */
	source: SourcePost;
	hash: string;
	/** JSON of the profile's terms and phrases. */
	terms: string;
	phrases: string;
	/** The profile's stems as a PostgreSQL array literal. */
	stems: string;
	length: number;
	links: IndexedLink[];
};

/** A document's natural key (content, or WordPress post of the site), as one string. */
const keyOf = ( contentId: unknown, wpPostId: unknown ): string =>
	contentId !== null ? `c${ contentId }` : `p${ wpPostId }`;

/** Rows per statement in bulk writes: big enough to be quick, small enough for any driver's limits. */
const BATCH = 1000;

const DOCUMENT_COLUMNS = `d.id::int AS id, d.account_id::int AS account_id, d.site_id::int AS site_id,
	d.content_id::int AS content_id, d.wp_post_id::int AS wp_post_id, d.post_type, d.status, d.title,
	d.url, d.path, d.main_keyword, d.cluster_id::int AS cluster_id, d.locale, d.html_hash, d.terms,
	d.phrases, d.length, d.linkable, d.indexed_at`;

/** How many links point at a document's address: its inbound count. */
const INBOUND = `(SELECT count(*)::int FROM linker_links l
	WHERE l.site_id = d.site_id AND l.to_site_id IS NULL AND d.path IS NOT NULL AND l.path = d.path AND l.source_id <> d.id)`;

export class LinkerStore {
	constructor( private readonly sequelize: Sequelize ) {}

	async find(
		key: DocumentKey,
		transaction?: Transaction
	): Promise< DocumentRow | null > {
		const [ row ] = await this.sequelize.query< DocumentRow >(
			key.content_id !== undefined
				? `SELECT ${ DOCUMENT_COLUMNS } FROM linker_documents d WHERE d.content_id = $1 AND d.site_id = $2`
				: `SELECT ${ DOCUMENT_COLUMNS } FROM linker_documents d WHERE d.wp_post_id = $1 AND d.site_id = $2 AND d.content_id IS NULL`,
			{
				bind: [
					key.content_id ??
						( key as { wp_post_id: number } ).wp_post_id,
					key.site_id,
				],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row ?? null;
	}

	async byIds(
		siteId: number,
		ids: number[]
	): Promise< Map< number, DocumentRow > > {
		const rows = await this.sequelize.query< DocumentRow >(
			`SELECT ${ DOCUMENT_COLUMNS } FROM linker_documents d WHERE d.site_id = $1 AND d.id = ANY($2::bigint[])`,
			{ bind: [ siteId, ids ], type: QueryTypes.SELECT }
		);
		return new Map( rows.map( ( row ) => [ row.id, row ] ) );
	}

	/**
	 * Writes a document, its phrases, its links and the site's document
	 * frequencies in one transaction. Answers the document's id and whether
	 * anything a suggestion depends on changed.
	 */
	async upsert(
		source: SourcePost,
		profile: DocumentProfile,
		links: IndexedLink[]
	): Promise< { id: number; changed: boolean; created: boolean } > {
		const htmlHash = hashOf( `${ source.title }\n${ source.html }` );
		return this.sequelize.transaction( async ( transaction ) => {
			const key: DocumentKey =
				source.content_id !== null
					? { site_id: source.site_id, content_id: source.content_id }
					: {
							site_id: source.site_id,
							wp_post_id: source.wp_post_id!,
						};
			// Serializes indexers of one post: the second waits and sees the first's row.
			await this.sequelize.query(
				'SELECT pg_advisory_xact_lock($1, $2)',
				{
					bind: [
						source.site_id,
						source.content_id !== null
							? source.content_id
							: -( source.wp_post_id ?? 0 ),
					],
					transaction,
				}
			);
			const existing = await this.find( key, transaction );
			if (
				existing &&
				existing.html_hash === htmlHash &&
				existing.status === source.status &&
				existing.url === source.url &&
				existing.linkable === source.linkable &&
				existing.wp_post_id === source.wp_post_id &&
				existing.main_keyword === source.main_keyword
			) {
				return { id: existing.id, changed: false, created: false };
			}
			const oldStems = existing
				? await this.stemsOf( existing.id, transaction )
				: [];
			const values = {
				account_id: source.account_id,
				site_id: source.site_id,
				content_id: source.content_id,
				wp_post_id: source.wp_post_id,
				post_type: source.post_type,
				status: source.status,
				title: source.title,
				url: source.url,
				path: source.path,
				main_keyword: source.main_keyword,
				cluster_id: source.cluster_id,
				locale: source.locale,
				html_hash: htmlHash,
				terms: JSON.stringify( profile.terms ),
				stems: profile.stems,
				phrases: JSON.stringify( profile.phrases ),
				length: profile.length,
				linkable: source.linkable,
			};
			let id: number;
			if ( existing ) {
				id = existing.id;
				await this.sequelize.query(
					`UPDATE linker_documents SET wp_post_id = $2, post_type = $3, status = $4, title = $5, url = $6,
					 path = $7::varchar, main_keyword = $8, cluster_id = $9, locale = $10, html_hash = $11, terms = $12,
					 stems = $13, phrases = $14, length = $15, linkable = $16, indexed_at = NOW(),
					 previous_paths = CASE WHEN path IS NOT NULL AND path IS DISTINCT FROM $7::varchar
					   THEN array_append(array_remove(previous_paths, path), path) ELSE previous_paths END
					 WHERE id = $1`,
					{
						bind: [
							id,
							values.wp_post_id,
							values.post_type,
							values.status,
							values.title,
							values.url,
							values.path,
							values.main_keyword,
							values.cluster_id,
							values.locale,
							values.html_hash,
							values.terms,
							values.stems,
							values.phrases,
							values.length,
							values.linkable,
						],
						transaction,
					}
				);
			} else {
				const [ inserted ] = await this.sequelize.query< {
					id: string;
				} >(
					`INSERT INTO linker_documents (account_id, site_id, content_id, wp_post_id, post_type, status, title,
					 url, path, main_keyword, cluster_id, locale, html_hash, terms, stems, phrases, length, linkable)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
					 RETURNING id`,
					{
						bind: Object.values( values ),
						type: QueryTypes.SELECT,
						transaction,
					}
				);
				id = Number( inserted!.id );
			}
			await this.countStems(
				source.site_id,
				oldStems,
				profile.stems,
				transaction
			);
			await this.sequelize.query(
				'DELETE FROM linker_phrases WHERE document_id = $1',
				{ bind: [ id ], transaction }
			);
			if ( profile.phrases.length > 0 ) {
				await this.sequelize.query(
					`INSERT INTO linker_phrases (site_id, phrase, document_id, weight)
					 SELECT $1, p.phrase, $2, max(p.weight) FROM unnest($3::text[], $4::real[]) AS p(phrase, weight)
					 GROUP BY p.phrase`,
					{
						bind: [
							source.site_id,
							id,
							profile.phrases.map( ( p ) => p.phrase ),
							profile.phrases.map( ( p ) => p.weight ),
						],
						transaction,
					}
				);
			}
			await this.replaceLinks( source.site_id, id, links, transaction );
			return { id, changed: true, created: ! existing };
		} );
	}

	/**
	 * The ids a rebuild's posts will have in the index: a post indexed before
	 * keeps its document's, a new one is given one from the sequence now. A
	 * rebuild computes suggestions (which name documents by id) while it
	 * writes the index; `replaceSite` answers the ids the posts got, which
	 * differ from these only for a post another writer indexed in between.
	 */
	async reserveIds(
		siteId: number,
		sources: SourcePost[]
	): Promise< number[] > {
		const rows = await this.sequelize.query< {
			id: number;
			content_id: number | null;
			wp_post_id: number | null;
		} >(
			`SELECT id::int AS id, content_id::int AS content_id, wp_post_id::int AS wp_post_id FROM linker_documents
			 WHERE (site_id = $1 AND content_id IS NULL AND wp_post_id = ANY($2::bigint[]))
			   OR content_id = ANY($3::bigint[])`,
			{
				bind: [
					siteId,
					sources
						.filter( ( s ) => s.content_id === null )
						.map( ( s ) => s.wp_post_id ),
					sources
						.filter( ( s ) => s.content_id !== null )
						.map( ( s ) => s.content_id ),
				],
				type: QueryTypes.SELECT,
			}
		);
		const byKey = new Map(
			rows.map( ( row ) => [
				keyOf( row.content_id, row.wp_post_id ),
				row.id,
			] )
		);
		// A post with neither key can match no document: each is new, on its own.
		const keys = sources.map( ( s, i ) =>
			s.content_id === null && s.wp_post_id === null
				? `new${ i }`
				: keyOf( s.content_id, s.wp_post_id )
		);
		const missing = new Set( keys.filter( ( key ) => ! byKey.has( key ) ) );
		if ( missing.size > 0 ) {
			const fresh = await this.sequelize.query< { id: number } >(
				`SELECT nextval(pg_get_serial_sequence('linker_documents', 'id'))::int AS id FROM generate_series(1, $1)`,
				{ bind: [ missing.size ], type: QueryTypes.SELECT }
			);
			[ ...missing ].forEach( ( key, i ) =>
				byKey.set( key, fresh[ i ]!.id )
			);
		}
		return keys.map( ( key ) => byKey.get( key )! );
	}

	/**
	 * Writes a whole site's index at once (a rebuild): every document, its
	 * phrases and links, the site's frequencies; documents the site no longer
	 * has go. A new post is written with its id from `reserveIds`;
	 * `frequencies` are how many of the entries hold each stem. Answers the
	 * documents' ids in the order given.
	 */
	async replaceSite(
		siteId: number,
		entries: RebuildEntry[],
		reserved: number[],
		frequencies: ReadonlyMap< string, number >
	): Promise< number[] > {
		return this.sequelize.transaction( async ( transaction ) => {
			const ids: number[] = new Array( entries.length );
			const kinds = [
				{
					pick: ( e: RebuildEntry ) => e.source.content_id !== null,
					conflict: '(content_id) WHERE content_id IS NOT NULL',
				},
				{
					pick: ( e: RebuildEntry ) => e.source.content_id === null,
					conflict: '(site_id, wp_post_id) WHERE content_id IS NULL',
				},
			];
			for ( const kind of kinds ) {
				const chosen = entries
					.map( ( entry, index ) => ( { entry, index } ) )
					.filter( ( { entry } ) => kind.pick( entry ) );
				for ( let i = 0; i < chosen.length; i += BATCH ) {
					const batch = chosen.slice( i, i + BATCH );
					const col = < T >( f: ( e: RebuildEntry ) => T ) =>
						batch.map( ( { entry } ) => f( entry ) );
					const returned = await this.sequelize.query< {
						id: string;
						content_id: string | null;
						wp_post_id: string | null;
					} >(
						`INSERT INTO linker_documents AS d (id, account_id, site_id, content_id, wp_post_id, post_type, status, title,
						   url, path, main_keyword, cluster_id, locale, html_hash, terms, stems, phrases, length, linkable)
						 SELECT v.id, v.account_id, v.site_id, v.content_id, v.wp_post_id, v.post_type, v.status, v.title, v.url,
						   v.path, v.main_keyword, v.cluster_id, v.locale, v.html_hash, v.terms::jsonb,
						   v.stems::text[], v.phrases::jsonb, v.length, v.linkable
						 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
						   $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[],
						   $16::text[], $17::int[], $18::boolean[], $19::int[], $20::bigint[])
						   AS v(account_id, site_id, content_id, wp_post_id, post_type, status, title, url, path, main_keyword,
						   cluster_id, locale, html_hash, terms, stems, phrases, length, linkable, n, id)
						 ORDER BY v.n
						 ON CONFLICT ${ kind.conflict } DO UPDATE SET wp_post_id = EXCLUDED.wp_post_id,
						   post_type = EXCLUDED.post_type, status = EXCLUDED.status, title = EXCLUDED.title, url = EXCLUDED.url,
						   path = EXCLUDED.path, main_keyword = EXCLUDED.main_keyword, cluster_id = EXCLUDED.cluster_id,
						   locale = EXCLUDED.locale, html_hash = EXCLUDED.html_hash, terms = EXCLUDED.terms,
						   stems = EXCLUDED.stems, phrases = EXCLUDED.phrases, length = EXCLUDED.length,
						   linkable = EXCLUDED.linkable, indexed_at = NOW(),
						   previous_paths = CASE WHEN d.path IS NOT NULL AND d.path IS DISTINCT FROM EXCLUDED.path
						     THEN array_append(array_remove(d.previous_paths, d.path), d.path) ELSE d.previous_paths END
						 RETURNING d.id, d.content_id, d.wp_post_id`,
						{
							bind: [
								col( ( e ) => e.source.account_id ),
								col( ( e ) => e.source.site_id ),
								col( ( e ) => e.source.content_id ),
								col( ( e ) => e.source.wp_post_id ),
								col( ( e ) => e.source.post_type ),
								col( ( e ) => e.source.status ),
								col( ( e ) => e.source.title ),
								col( ( e ) => e.source.url ),
								col( ( e ) => e.source.path ),
								col( ( e ) => e.source.main_keyword ),
								col( ( e ) => e.source.cluster_id ),
								col( ( e ) => e.source.locale ),
								col( ( e ) => e.hash ),
								col( ( e ) => e.terms ),
								col( ( e ) => e.stems ),
								col( ( e ) => e.phrases ),
								col( ( e ) => e.length ),
								col( ( e ) => e.source.linkable ),
								batch.map( ( _b, n ) => n ),
								batch.map(
									( { index } ) => reserved[ index ]!
								),
							],
							type: QueryTypes.SELECT,
							transaction,
						}
					);
					const byKey = new Map(
						returned.map( ( row ) => [
							keyOf( row.content_id, row.wp_post_id ),
							Number( row.id ),
						] )
					);
					for ( const { entry, index } of batch ) {
						ids[ index ] = byKey.get(
							keyOf(
								entry.source.content_id,
								entry.source.wp_post_id
							)
						)!;
					}
				}
			}
			await this.sequelize.query(
				'DELETE FROM linker_documents WHERE site_id = $1 AND NOT (id = ANY($2::bigint[]))',
				{ bind: [ siteId, ids ], transaction }
			);
			await this.sequelize.query(
				'DELETE FROM linker_phrases WHERE site_id = $1',
				{
					bind: [ siteId ],
					transaction,
				}
			);
			// Parsed a batch at a time: the whole site's phrases as objects at once would double what a rebuild holds.
			let phrases: {
				ids: number[];
				phrases: string[];
				weights: number[];
			} = { ids: [], phrases: [], weights: [] };
			const writePhrases = async () => {
				await this.sequelize.query(
					`INSERT INTO linker_phrases (site_id, phrase, document_id, weight)
					 SELECT $1, p.phrase, p.id, max(p.weight)
					 FROM unnest($2::bigint[], $3::text[], $4::real[]) AS p(id, phrase, weight)
					 GROUP BY p.phrase, p.id
					 ON CONFLICT (site_id, phrase, document_id) DO UPDATE SET weight = GREATEST(linker_phrases.weight, EXCLUDED.weight)`,
					{
						bind: [
							siteId,
							phrases.ids,
							phrases.phrases,
							phrases.weights,
						],
						transaction,
					}
				);
				phrases = { ids: [], phrases: [], weights: [] };
			};
			for ( const [ i, entry ] of entries.entries() ) {
				for ( const p of JSON.parse(
					entry.phrases
				) as DocumentProfile[ 'phrases' ] ) {
					phrases.ids.push( ids[ i ]! );
					phrases.phrases.push( p.phrase );
					phrases.weights.push( p.weight );
				}
				if ( phrases.ids.length >= BATCH * 5 ) {
					await writePhrases();
				}
			}
			if ( phrases.ids.length > 0 ) {
				await writePhrases();
			}
			await this.sequelize.query(
				'DELETE FROM linker_links WHERE site_id = $1',
				{
					bind: [ siteId ],
					transaction,
				}
			);
			const links = entries.flatMap( ( entry, i ) =>
				entry.links.map( ( l ) => ( { id: ids[ i ]!, ...l } ) )
			);
			for ( let i = 0; i < links.length; i += BATCH * 5 ) {
				const batch = links.slice( i, i + BATCH * 5 );
				await this.sequelize.query(
					`INSERT INTO linker_links (site_id, source_id, path, href, anchor, igny8_link_id, to_site_id)
					 SELECT $1, l.id, l.path, l.href, l.anchor, l.link, l.to_site
					 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
					   AS l(id, path, href, anchor, link, to_site)`,
					{
						bind: [
							siteId,
							batch.map( ( l ) => l.id ),
							batch.map( ( l ) => l.path.slice( 0, 2000 ) ),
							batch.map( ( l ) => l.href.slice( 0, 2000 ) ),
							batch.map( ( l ) => l.anchor ),
							batch.map( ( l ) => l.igny8Id ),
							batch.map( ( l ) => l.toSiteId ?? null ),
						],
						transaction,
					}
				);
			}
			await this.sequelize.query(
				'DELETE FROM linker_term_counts WHERE site_id = $1',
				{
					bind: [ siteId ],
					transaction,
				}
			);
			// Counted as the posts were profiled: reading every stem back out of the
			// rows just written would cost the database a second pass over them.
			const counts = [ ...frequencies ];
			for ( let i = 0; i < counts.length; i += BATCH * 10 ) {
				const batch = counts.slice( i, i + BATCH * 10 );
				await this.sequelize.query(
					`INSERT INTO linker_term_counts (site_id, stem, df)
					 SELECT $1, t.stem, t.df FROM unnest($2::text[], $3::int[]) AS t(stem, df)`,
					{
						bind: [
							siteId,
							batch.map( ( [ stem ] ) => stem ),
							batch.map( ( [ , df ] ) => df ),
						],
						transaction,
					}
				);
			}
			await this.sequelize.query(
				`UPDATE linker_suggestions s SET status = 'applied', updated_at = NOW()
				 FROM linker_links l
				 WHERE l.site_id = $1 AND s.site_id = $1 AND l.source_id = s.source_id
				   AND l.igny8_link_id = s.id AND s.status <> 'applied'`,
				{ bind: [ siteId ], transaction }
			);
			return ids;
		} );
	}

	/** Takes a post out of the index (deleted in WordPress or in IGNY8). */
	async remove( key: DocumentKey ): Promise< number | null > {
		return this.sequelize.transaction( async ( transaction ) => {
			const existing = await this.find( key, transaction );
			if ( ! existing ) {
				return null;
			}
			await this.countStems(
				existing.site_id,
				await this.stemsOf( existing.id, transaction ),
				[],
				transaction
			);
			await this.sequelize.query(
				'DELETE FROM linker_documents WHERE id = $1',
				{ bind: [ existing.id ], transaction }
			);
			return existing.id;
		} );
	}

	async replaceLinks(
		siteId: number,
		documentId: number,
		links: IndexedLink[],
		transaction?: Transaction
	): Promise< void > {
		await this.sequelize.query(
			'DELETE FROM linker_links WHERE source_id = $1',
			{ bind: [ documentId ], transaction }
		);
		if ( links.length > 0 ) {
			await this.sequelize.query(
				`INSERT INTO linker_links (site_id, source_id, path, href, anchor, igny8_link_id, to_site_id)
				 SELECT $1, $2, l.path, l.href, l.anchor, l.id, l.to_site
				 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS l(path, href, anchor, id, to_site)`,
				{
					bind: [
						siteId,
						documentId,
						links.map( ( l ) => l.path.slice( 0, 2000 ) ),
						links.map( ( l ) => l.href.slice( 0, 2000 ) ),
						links.map( ( l ) => l.anchor ),
						links.map( ( l ) => l.igny8Id ),
						links.map( ( l ) => l.toSiteId ?? null ),
					],
					transaction,
				}
			);
		}
		// A suggestion whose link is now in the post is applied, whoever put it there.
		await this.sequelize.query(
			`UPDATE linker_suggestions s SET status = 'applied', updated_at = NOW()
			 FROM linker_links l
			 WHERE l.source_id = $1 AND s.source_id = $1 AND l.igny8_link_id = s.id AND s.status <> 'applied'`,
			{ bind: [ documentId ], transaction }
		);
	}

	private async stemsOf(
		id: number,
		transaction: Transaction
	): Promise< string[] > {
		const [ row ] = await this.sequelize.query< { stems: string[] } >(
			'SELECT stems FROM linker_documents WHERE id = $1',
			{ bind: [ id ], type: QueryTypes.SELECT, transaction }
		);
		return row?.stems ?? [];
	}

	/** Moves document frequencies by the difference between a post's old and new stems. */
	private async countStems(
		siteId: number,
		before: string[],
		after: string[],
		transaction: Transaction
	): Promise< void > {
		const old = new Set( before );
		const now = new Set( after );
		const added = after.filter( ( stem ) => ! old.has( stem ) );
		const removed = before.filter( ( stem ) => ! now.has( stem ) );
		if ( added.length > 0 ) {
			await this.sequelize.query(
				`INSERT INTO linker_term_counts (site_id, stem, df)
				 SELECT $1, stem, 1 FROM unnest($2::text[]) AS stem ORDER BY stem
				 ON CONFLICT (site_id, stem) DO UPDATE SET df = linker_term_counts.df + 1`,
				{ bind: [ siteId, added ], transaction }
			);
		}
		if ( removed.length > 0 ) {
			await this.sequelize.query(
				`UPDATE linker_term_counts SET df = GREATEST(df - 1, 0)
				 WHERE site_id = $1 AND stem = ANY($2::text[])`,
				{ bind: [ siteId, removed ], transaction }
			);
		}
	}

	/**
	 * Writes suggestions. Open ones the new set no longer has go: of one
	 * source (of one of its targets, with `onlyTarget`), or of a whole site.
	 * A suggestion seen before keeps its status (a rejection stays).
	 */
	async writeSuggestions(
		rows: SuggestionRow[],
		replace:
			| { sourceId: number; onlyTarget: number | null }
			| { siteId: number },
		transaction?: Transaction
	): Promise< void > {
		const write = async ( t: Transaction ) => {
			const ids = rows.map( ( r ) => r.id );
			if ( 'siteId' in replace ) {
				await this.sequelize.query(
					`DELETE FROM linker_suggestions WHERE site_id = $1 AND status = 'open' AND NOT (id = ANY($2::text[]))`,
					{ bind: [ replace.siteId, ids ], transaction: t }
				);
			} else {
				await this.sequelize.query(
					`DELETE FROM linker_suggestions
					 WHERE source_id = $1 AND status = 'open' AND NOT (id = ANY($2::text[]))
					   AND ($3::bigint IS NULL OR target_id = $3)`,
					{
						bind: [ replace.sourceId, ids, replace.onlyTarget ],
						transaction: t,
					}
				);
			}
			for ( let i = 0; i < rows.length; i += BATCH ) {
				const batch = rows.slice( i, i + BATCH );
				await this.sequelize.query(
					`INSERT INTO linker_suggestions (id, account_id, site_id, source_id, target_id, anchor, context,
					   paragraph, start_offset, end_offset, score, source_hash)
					 SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[],
					   $7::text[], $8::int[], $9::int[], $10::int[], $11::real[], $12::text[])
					 ON CONFLICT (id) DO UPDATE SET score = EXCLUDED.score, updated_at = NOW()`,
					{
						bind: [
							batch.map( ( r ) => r.id ),
							batch.map( ( r ) => r.account_id ),
							batch.map( ( r ) => r.site_id ),
							batch.map( ( r ) => r.source_id ),
							batch.map( ( r ) => r.target_id ),
							batch.map( ( r ) => r.anchor ),
							batch.map( ( r ) => r.context ),
							batch.map( ( r ) => r.paragraph ),
							batch.map( ( r ) => r.start ),
							batch.map( ( r ) => r.end ),
							batch.map( ( r ) => r.score ),
							batch.map( ( r ) => r.source_hash ),
						],
						transaction: t,
					}
				);
			}
		};
		await ( transaction
			? write( transaction )
			: this.sequelize.transaction( write ) );
	}

	/** The corpus a suggester reads for one site. */
	corpus( siteId: number ): DbCorpus {
		return new DbCorpus( this.sequelize, siteId );
	}
}

type CandidateRow = {
	id: number;
	title: string;
	url: string | null;
	terms: Record< string, number >;
	phrases: DocumentProfile[ 'phrases' ];
	length: number;
	linkable: boolean;
	inbound: number;
};

/**
 * The suggester's corpus over PostgreSQL: candidates by phrase, sources by
 * stems, document frequencies loaded for the stems in play before they are
 * asked for (`prime`), since the suggester asks synchronously.
 */
export class DbCorpus implements Corpus {
	private total = 0;
	private readonly frequencies = new Map< string, number >();

	constructor(
		private readonly sequelize: Sequelize,
		readonly siteId: number
	) {}

	/** Loads N and the frequencies of these stems. */
	async prime( stems: Iterable< string > ): Promise< void > {
		const wanted = [ ...new Set( stems ) ].filter(
			( stem ) => ! this.frequencies.has( stem )
		);
		if ( this.total === 0 ) {
			const [ count ] = await this.sequelize.query< { n: number } >(
				'SELECT count(*)::int AS n FROM linker_documents WHERE site_id = $1',
				{ bind: [ this.siteId ], type: QueryTypes.SELECT }
			);
			this.total = count?.n ?? 0;
		}
		if ( wanted.length === 0 ) {
			return;
		}
		const rows = await this.sequelize.query< { stem: string; df: number } >(
			'SELECT stem, df FROM linker_term_counts WHERE site_id = $1 AND stem = ANY($2::text[])',
			{ bind: [ this.siteId, wanted ], type: QueryTypes.SELECT }
		);
		for ( const stem of wanted ) {
			this.frequencies.set( stem, 0 );
		}
		for ( const row of rows ) {
			this.frequencies.set( row.stem, row.df );
		}
	}

	documents(): number {
		return this.total;
	}

	df( stem: string ): number {
		return this.frequencies.get( stem ) ?? 0;
	}

	async byPhrases( phrases: string[] ): Promise< CorpusDocument[] > {
		if ( phrases.length === 0 ) {
			return [];
		}
		const rows = await this.sequelize.query< CandidateRow >(
			`WITH hits AS (
			   SELECT phrase, document_id, count(*) OVER (PARTITION BY phrase) AS owners
			   FROM linker_phrases WHERE site_id = $1 AND phrase = ANY($2::text[])
			 )
			 SELECT d.id::int AS id, d.title, d.url, d.terms, d.phrases, d.length, d.linkable, ${ INBOUND } AS inbound
			 FROM linker_documents d
			 WHERE d.site_id = $1 AND d.linkable
			   AND d.id IN (SELECT document_id FROM hits WHERE owners <= $3)`,
			{
				bind: [
					this.siteId,
					[ ...new Set( phrases ) ],
					COMMON_PHRASE_OWNERS,
				],
				type: QueryTypes.SELECT,
			}
		);
		await this.primeCandidates( rows );
		return rows.map( toCorpusDocument );
	}

	/** Frequencies of what the suggester reads of candidates: their terms and their phrases' words. */
	private primeCandidates( rows: CandidateRow[] ): Promise< void > {
		return this.prime(
			rows.flatMap( ( row ) => [
				...Object.keys( row.terms ),
				...row.phrases.flatMap( ( p ) => p.phrase.split( ' ' ) ),
			] )
		);
	}

	async byStems(
		stems: string[],
		limit: number
	): Promise< CorpusDocument[] > {
		if ( stems.length === 0 ) {
			return [];
		}
		const rows = await this.sequelize.query< CandidateRow >(
			`SELECT d.id::int AS id, d.title, d.url, d.terms, d.phrases, d.length, d.linkable, ${ INBOUND } AS inbound
			 FROM linker_documents d
			 -- The hashes find them by index (0027-linker-rebuild); the stems rule out a hash collision.
			 WHERE d.site_id = $1 AND d.stem_hashes @> linker_stem_hashes($2::text[]) AND d.stems @> $2::text[]
			 -- With more than asked for, the posts where these words weigh most.
			 ORDER BY (SELECT sum(COALESCE((d.terms->>s)::float, 0)) FROM unnest($2::text[]) AS s) DESC, d.id
			 LIMIT $3`,
			{
				bind: [ this.siteId, stems, limit ],
				type: QueryTypes.SELECT,
			}
		);
		await this.primeCandidates( rows );
		return rows.map( toCorpusDocument );
	}
}

function toCorpusDocument( row: CandidateRow ): CorpusDocument {
	return {
		id: row.id,
		title: row.title,
		url: row.url,
		inbound: row.inbound,
		linkable: row.linkable,
		profile: {
			terms: row.terms,
			phrases: row.phrases,
			length: row.length,
			// Not loaded for candidates: the suggester compares terms, not every stem.
			stems: [],
		},
	};
}
