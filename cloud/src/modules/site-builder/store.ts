import type {
	BlueprintApplyReport,
	BlueprintApplyRun,
	BlueprintCategory,
	BlueprintMenu,
	BlueprintPage,
	BlueprintStructure,
	BlueprintVersion,
	BlueprintVersionDetail,
	SiteBlueprintSummary,
} from '@igny8/shared-types';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ApiError } from '../../http/errors';
import { positionsOf } from './structure';

/**
 * The Site Builder's tables, read and written in one place: blueprints,
 * their current pages, every saved version and the applies to WordPress.
 * A save is one transaction that locks the blueprint's row, so two saves
 * never make the same version number and a stale `expected_version` is
 * refused instead of silently undoing the other save.
 */

export type BlueprintRow = {
	id: number;
	account_id: number;
	site_id: number;
	name: string;
	description: string;
	source: 'manual' | 'ai';
	version: number;
	categories: BlueprintCategory[];
	menus: BlueprintMenu[];
	page_count: number;
	last_applied_version: number | null;
	last_applied_at: Date | null;
	created_by: number | null;
	created_at: Date;
	updated_at: Date;
};

type PageRow = Omit< BlueprintPage, 'created_at' | 'updated_at' > & {
	account_id: number;
	created_at: Date;
	updated_at: Date;
};

type ApplyRow = Omit<
	BlueprintApplyRun,
	'created_at' | 'started_at' | 'finished_at'
> & {
	account_id: number;
	created_at: Date;
	started_at: Date | null;
	finished_at: Date | null;
};

type VersionRow = Omit< BlueprintVersionDetail, 'created_at' > & {
	created_at: Date;
};

/** What a save records besides the structure. */
export type SaveMeta = {
	name: string;
	description: string;
	/** How the version came to be: an edit, a generation run, a revert. */
	source: 'manual' | 'ai' | 'revert';
	message: string;
	created_by: number | null;
	run_id?: number | null;
};

const BLUEPRINT_COLUMNS = `b.id::int AS id, b.account_id::int AS account_id, b.site_id::int AS site_id,
	b.name, b.description, b.source, b.version, b.categories, b.menus,
	(SELECT count(*)::int FROM site_blueprint_pages p WHERE p.blueprint_id = b.id) AS page_count,
	b.last_applied_version, b.last_applied_at, b.created_by::int AS created_by, b.created_at, b.updated_at`;

const PAGE_COLUMNS = `id::int AS id, blueprint_id::int AS blueprint_id, account_id::int AS account_id,
	site_id::int AS site_id, key, parent_key, position, title, slug, page_type, status, sections,
	target_keywords, cluster_id::int AS cluster_id, created_at, updated_at`;

const APPLY_COLUMNS = `id::int AS id, blueprint_id::int AS blueprint_id, account_id::int AS account_id,
	site_id::int AS site_id, version, status, removed, overwrite_keys, report, error,
	created_by::int AS created_by, created_at, started_at, finished_at`;

const VERSION_COLUMNS = `version, source, message, name, description, structure,
	jsonb_array_length(structure->'pages') AS page_count,
	jsonb_array_length(structure->'categories') AS category_count,
	jsonb_array_length(structure->'menus') AS menu_count,
	created_by::int AS created_by, created_at`;

const iso = ( date: Date | null ) => ( date ? date.toISOString() : null );

export class SiteBuilderStore {
	constructor( private readonly sequelize: Sequelize ) {}

	/** The blueprint, if it is the account's (and the site's, when named). */
	async find(
		accountId: number,
		id: number,
		siteId?: number,
		transaction?: Transaction
	): Promise< BlueprintRow | null > {
		const [ row ] = await this.sequelize.query< BlueprintRow >(
			`SELECT ${ BLUEPRINT_COLUMNS } FROM site_blueprints b WHERE b.id = $1 AND b.account_id = $2
			 ${ siteId !== undefined ? 'AND b.site_id = $3' : '' }`,
			{
				bind: [
					id,
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row ?? null;
	}

	async list(
		where: { account_id: number; site_id?: number; search?: string },
		order: string,
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: BlueprintRow[] } > {
		const conditions = [ 'b.account_id = $1' ];
		const bind: unknown[] = [ where.account_id ];
		if ( where.site_id !== undefined ) {
			bind.push( where.site_id );
			conditions.push( `b.site_id = $${ bind.length }` );
		}
		if ( where.search ) {
			bind.push( where.search );
			conditions.push( `b.name ILIKE $${ bind.length }` );
		}
		const filter = conditions.join( ' AND ' );
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< BlueprintRow >(
				`SELECT ${ BLUEPRINT_COLUMNS } FROM site_blueprints b WHERE ${ filter }
				 ORDER BY ${ order } LIMIT ${ page.limit } OFFSET ${ page.offset }`,
				{ bind, type: QueryTypes.SELECT }
			),
			this.sequelize.query< { n: number } >(
				`SELECT count(*)::int AS n FROM site_blueprints b WHERE ${ filter }`,
				{ bind, type: QueryTypes.SELECT }
			),
		] );
		return { count: counted?.n ?? 0, rows };
	}

	/** The current pages, in the blueprint's order. */
	async pages(
		blueprintId: number,
		transaction?: Transaction
	): Promise< BlueprintPage[] > {
		const rows = await this.sequelize.query< PageRow >(
			`SELECT ${ PAGE_COLUMNS } FROM site_blueprint_pages WHERE blueprint_id = $1 ORDER BY ordinal, id`,
			{ bind: [ blueprintId ], type: QueryTypes.SELECT, transaction }
		);
		return rows.map( serializePage );
	}

	/** One page, if it is the account's (and the site's, when named). */
	async page(
		accountId: number,
		id: number,
		siteId?: number
	): Promise< BlueprintPage | null > {
		const [ row ] = await this.sequelize.query< PageRow >(
			`SELECT ${ PAGE_COLUMNS } FROM site_blueprint_pages WHERE id = $1 AND account_id = $2
			 ${ siteId !== undefined ? 'AND site_id = $3' : '' }`,
			{
				bind: [
					id,
					accountId,
					...( siteId !== undefined ? [ siteId ] : [] ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return row ? serializePage( row ) : null;
	}

	async listPages(
		where: {
			account_id: number;
			site_id?: number;
			blueprint_id?: number;
			search?: string;
		},
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: BlueprintPage[] } > {
		const conditions = [ 'account_id = $1' ];
		const bind: unknown[] = [ where.account_id ];
		for ( const field of [ 'site_id', 'blueprint_id' ] as const ) {
			if ( where[ field ] !== undefined ) {
				bind.push( where[ field ] );
				conditions.push( `${ field } = $${ bind.length }` );
			}
		}
		if ( where.search ) {
			bind.push( where.search );
			conditions.push( `title ILIKE $${ bind.length }` );
		}
		const filter = conditions.join( ' AND ' );
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< PageRow >(
				`SELECT ${ PAGE_COLUMNS } FROM site_blueprint_pages WHERE ${ filter }
				 ORDER BY blueprint_id, ordinal, id LIMIT ${ page.limit } OFFSET ${ page.offset }`,
				{ bind, type: QueryTypes.SELECT }
			),
			this.sequelize.query< { n: number } >(
				`SELECT count(*)::int AS n FROM site_blueprint_pages WHERE ${ filter }`,
				{ bind, type: QueryTypes.SELECT }
			),
		] );
		return { count: counted?.n ?? 0, rows: rows.map( serializePage ) };
	}

	/** A new blueprint at version 1, inside the caller's transaction. */
	async create(
		transaction: Transaction,
		owner: { account_id: number; site_id: number },
		structure: BlueprintStructure,
		meta: SaveMeta
	): Promise< number > {
		const [ created ] = await this.sequelize.query< { id: number } >(
			`INSERT INTO site_blueprints (account_id, site_id, name, description, source, version, categories, menus, created_by)
			 VALUES ($1, $2, $3, $4, $5, 1, $6::jsonb, $7::jsonb, $8) RETURNING id::int AS id`,
			{
				bind: [
					owner.account_id,
					owner.site_id,
					meta.name,
					meta.description,
					meta.source === 'ai' ? 'ai' : 'manual',
					JSON.stringify( structure.categories ),
					JSON.stringify( structure.menus ),
					meta.created_by,
				],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		const id = created!.id;
		await this.writePages( transaction, id, owner, structure );
		await this.addVersion( transaction, id, 1, structure, meta );
		return id;
	}

	/**
	 * Saves `structure` as the blueprint's next version, inside the caller's
	 * transaction: 409 when `expectedVersion` is given and is not the
	 * current one. Pages keep their ids by key. Answers the new version.
	 */
	async save(
		transaction: Transaction,
		blueprintId: number,
		structure: BlueprintStructure,
		meta: SaveMeta,
		expectedVersion?: number
	): Promise< number > {
		const [ locked ] = await this.sequelize.query< {
			version: number;
			account_id: number;
			site_id: number;
		} >(
			`SELECT version, account_id::int AS account_id, site_id::int AS site_id
			 FROM site_blueprints WHERE id = $1 FOR UPDATE`,
			{ bind: [ blueprintId ], type: QueryTypes.SELECT, transaction }
		);
		if ( ! locked ) {
			throw new ApiError(
				'not_found',
				`Blueprint ${ blueprintId } does not exist.`
			);
		}
		if (
			expectedVersion !== undefined &&
			expectedVersion !== locked.version
		) {
			throw new ApiError(
				'conflict',
				`The blueprint was saved by someone else meanwhile (it is at version ${ locked.version }, this edit started from version ${ expectedVersion }): reload it and make the change again.`
			);
		}
		const version = locked.version + 1;
		await this.sequelize.query(
			`UPDATE site_blueprints SET name = $2, description = $3, version = $4,
			   categories = $5::jsonb, menus = $6::jsonb, updated_at = NOW()
			   ${ meta.source === 'ai' ? ", source = 'ai'" : '' }
			 WHERE id = $1`,
			{
				bind: [
					blueprintId,
					meta.name,
					meta.description,
					version,
					JSON.stringify( structure.categories ),
					JSON.stringify( structure.menus ),
				],
				transaction,
			}
		);
		await this.writePages( transaction, blueprintId, locked, structure );
		await this.addVersion(
			transaction,
			blueprintId,
			version,
			structure,
			meta
		);
		return version;
	}

	/**
	 * Keeps what a generation run made, inside the run's save transaction: a
	 * new blueprint, or the next version of `blueprint_id` (when it still
	 * exists). A save that runs twice for one run answers the first.
	 */
	async saveGenerated(
		transaction: Transaction,
		generated: {
			run_id: number;
			account_id: number;
			site_id: number;
			blueprint_id: number | null;
			name: string;
			description: string;
			created_by: number | null;
			structure: BlueprintStructure;
		}
	): Promise< { blueprint_id: number; version: number } > {
		const saved = await this.versionOfRun( transaction, generated.run_id );
		if ( saved ) {
			return saved;
		}
		const meta: SaveMeta = {
			name: generated.name,
			description: generated.description,
			source: 'ai',
			message: 'Generated with AI',
			created_by: generated.created_by,
			run_id: generated.run_id,
		};
		const existing =
			generated.blueprint_id !== null
				? await this.find(
						generated.account_id,
						generated.blueprint_id,
						generated.site_id,
						transaction
					)
				: null;
		if ( existing ) {
			return {
				blueprint_id: existing.id,
				version: await this.save(
					transaction,
					existing.id,
					generated.structure,
					{
						...meta,
						name: existing.name,
						description: existing.description,
					}
				),
			};
		}
		return {
			blueprint_id: await this.create(
				transaction,
				{
					account_id: generated.account_id,
					site_id: generated.site_id,
				},
				generated.structure,
				meta
			),
			version: 1,
		};
	}

	/**
	 * Keeps the paragraphs a `write_page_copy` run wrote, inside the run's
	 * save transaction: the page's section summaries, in order, and nothing
	 * else, as the blueprint's next version. Refused (409) when the
	 * blueprint was saved since `base_version` — the version the run was
	 * asked for — or the page or its outline is not what the run wrote for:
	 * someone's later edit is never overwritten. A save that runs twice for
	 * one run answers the first.
	 */
	async saveWrittenCopy(
		transaction: Transaction,
		written: {
			run_id: number;
			account_id: number;
			page_id: number;
			base_version: number;
			headings: string[];
			summaries: string[];
			created_by: number | null;
		}
	): Promise< { blueprint_id: number; version: number; page_id: number } > {
		const saved = await this.versionOfRun( transaction, written.run_id );
		if ( saved ) {
			return { ...saved, page_id: written.page_id };
		}
		const [ owner ] = await this.sequelize.query< {
			blueprint_id: number;
		} >(
			'SELECT blueprint_id::int AS blueprint_id FROM site_blueprint_pages WHERE id = $1 AND account_id = $2',
			{
				bind: [ written.page_id, written.account_id ],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		if ( ! owner ) {
			throw new ApiError(
				'conflict',
				'The page was removed from its site structure while its copy was being written, so the copy was not saved.'
			);
		}
		// Locks the blueprint until the run's transaction ends: no save slips in between.
		const [ locked ] = await this.sequelize.query< { version: number } >(
			'SELECT version FROM site_blueprints WHERE id = $1 FOR UPDATE',
			{
				bind: [ owner.blueprint_id ],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		const row = await this.find(
			written.account_id,
			owner.blueprint_id,
			undefined,
			transaction
		);
		const pages = await this.pages( owner.blueprint_id, transaction );
		const page = pages.find( ( p ) => p.id === written.page_id );
		const headings = page?.sections.map( ( s ) => s.heading ) ?? [];
		if (
			! locked ||
			! row ||
			! page ||
			locked.version !== written.base_version ||
			headings.length !== written.summaries.length ||
			headings.some( ( heading, i ) => heading !== written.headings[ i ] )
		) {
			throw new ApiError(
				'conflict',
				`The site structure was saved while the copy of this page was being written (it is at version ${ locked?.version ?? '?' }, the copy was written for version ${ written.base_version }), so the copy was not saved over those changes. Nothing was charged: write the copy again.`
			);
		}
		const structure: BlueprintStructure = {
			pages: pages.map(
				( {
					id,
					blueprint_id: _blueprint,
					site_id: _site,
					position: _position,
					created_at: _created,
					updated_at: _updated,
					...data
				} ) =>
					id === written.page_id
						? {
								...data,
								sections: data.sections.map(
									( section, i ) => ( {
										heading: section.heading,
										summary: written.summaries[ i ]!,
									} )
								),
							}
						: data
			),
			categories: row.categories,
			menus: row.menus,
		};
		const version = await this.save(
			transaction,
			owner.blueprint_id,
			structure,
			{
				name: row.name,
				description: row.description,
				source: 'ai',
				message: `Wrote the copy of “${ page.title }” with AI`,
				created_by: written.created_by,
				run_id: written.run_id,
			},
			written.base_version
		);
		return {
			blueprint_id: owner.blueprint_id,
			version,
			page_id: written.page_id,
		};
	}

	/** The version a generation run saved, if it saved one (a save that runs twice adds nothing). */
	async versionOfRun(
		transaction: Transaction,
		runId: number
	): Promise< { blueprint_id: number; version: number } | null > {
		const [ row ] = await this.sequelize.query< {
			blueprint_id: number;
			version: number;
		} >(
			'SELECT blueprint_id::int AS blueprint_id, version FROM site_blueprint_versions WHERE run_id = $1',
			{ bind: [ runId ], type: QueryTypes.SELECT, transaction }
		);
		return row ?? null;
	}

	private async addVersion(
		transaction: Transaction,
		blueprintId: number,
		version: number,
		structure: BlueprintStructure,
		meta: SaveMeta
	): Promise< void > {
		await this.sequelize.query(
			`INSERT INTO site_blueprint_versions (blueprint_id, version, source, message, name, description, structure, run_id, created_by)
			 VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
			{
				bind: [
					blueprintId,
					version,
					meta.source,
					meta.message,
					meta.name,
					meta.description,
					JSON.stringify( structure ),
					meta.run_id ?? null,
					meta.created_by,
				],
				transaction,
			}
		);
	}

	/** The page rows become the structure's pages: updated by key, added, or removed. */
	private async writePages(
		transaction: Transaction,
		blueprintId: number,
		owner: { account_id: number; site_id: number },
		structure: BlueprintStructure
	): Promise< void > {
		const keys = structure.pages.map( ( page ) => page.key );
		await this.sequelize.query(
			`DELETE FROM site_blueprint_pages WHERE blueprint_id = $1 AND NOT (key = ANY($2::varchar[]))`,
			{ bind: [ blueprintId, keys ], transaction }
		);
		if ( structure.pages.length === 0 ) {
			return;
		}
		const positions = positionsOf( structure.pages );
		// One statement for every page: the rows come in as JSON.
		const rows = structure.pages.map( ( page, ordinal ) => ( {
			key: page.key,
			parent_key: page.parent_key,
			ordinal,
			position: positions.get( page.key ) ?? 0,
			title: page.title,
			slug: page.slug,
			page_type: page.page_type,
			status: page.status,
			sections: page.sections,
			target_keywords: page.target_keywords,
			cluster_id: page.cluster_id,
		} ) );
		await this.sequelize.query(
			`INSERT INTO site_blueprint_pages (blueprint_id, account_id, site_id, key, parent_key, ordinal, position,
			   title, slug, page_type, status, sections, target_keywords, cluster_id)
			 SELECT $1, $2, $3, r.key, r.parent_key, r.ordinal, r.position, r.title, r.slug, r.page_type, r.status,
			   r.sections, r.target_keywords, r.cluster_id
			 FROM jsonb_to_recordset($4::jsonb) AS r(key varchar, parent_key varchar, ordinal int, position int,
			   title varchar, slug varchar, page_type varchar, status varchar, sections jsonb, target_keywords jsonb,
			   cluster_id bigint)
			 ON CONFLICT (blueprint_id, key) DO UPDATE SET parent_key = EXCLUDED.parent_key,
			   ordinal = EXCLUDED.ordinal, position = EXCLUDED.position, title = EXCLUDED.title,
			   slug = EXCLUDED.slug, page_type = EXCLUDED.page_type, status = EXCLUDED.status,
			   sections = EXCLUDED.sections, target_keywords = EXCLUDED.target_keywords,
			   cluster_id = EXCLUDED.cluster_id,
			   updated_at = CASE WHEN (site_blueprint_pages.parent_key, site_blueprint_pages.position,
			       site_blueprint_pages.title, site_blueprint_pages.slug, site_blueprint_pages.page_type,
			       site_blueprint_pages.status, site_blueprint_pages.sections, site_blueprint_pages.target_keywords,
			       site_blueprint_pages.cluster_id)
			     IS NOT DISTINCT FROM (EXCLUDED.parent_key, EXCLUDED.position, EXCLUDED.title, EXCLUDED.slug,
			       EXCLUDED.page_type, EXCLUDED.status, EXCLUDED.sections, EXCLUDED.target_keywords, EXCLUDED.cluster_id)
			     THEN site_blueprint_pages.updated_at ELSE NOW() END`,
			{
				bind: [
					blueprintId,
					owner.account_id,
					owner.site_id,
					JSON.stringify( rows ),
				],
				transaction,
			}
		);
	}

	async remove( id: number ): Promise< void > {
		await this.sequelize.query(
			'DELETE FROM site_blueprints WHERE id = $1',
			{
				bind: [ id ],
			}
		);
	}

	async versions(
		blueprintId: number,
		page: { limit: number; offset: number }
	): Promise< { count: number; rows: BlueprintVersion[] } > {
		const [ rows, [ counted ] ] = await Promise.all( [
			this.sequelize.query< VersionRow >(
				`SELECT ${ VERSION_COLUMNS } FROM site_blueprint_versions WHERE blueprint_id = $1
				 ORDER BY version DESC LIMIT ${ page.limit } OFFSET ${ page.offset }`,
				{ bind: [ blueprintId ], type: QueryTypes.SELECT }
			),
			this.sequelize.query< { n: number } >(
				'SELECT count(*)::int AS n FROM site_blueprint_versions WHERE blueprint_id = $1',
				{ bind: [ blueprintId ], type: QueryTypes.SELECT }
			),
		] );
		return {
			count: counted?.n ?? 0,
			rows: rows.map( ( row ) => {
				const {
					description: _description,
					structure: _structure,
					...version
				} = serializeVersion( row );
				return version;
			} ),
		};
	}

	async version(
		blueprintId: number,
		version: number,
		transaction?: Transaction
	): Promise< BlueprintVersionDetail | null > {
		const [ row ] = await this.sequelize.query< VersionRow >(
			`SELECT ${ VERSION_COLUMNS } FROM site_blueprint_versions WHERE blueprint_id = $1 AND version = $2`,
			{
				bind: [ blueprintId, version ],
				type: QueryTypes.SELECT,
				transaction,
			}
		);
		return row ? serializeVersion( row ) : null;
	}

	/**
	 * Records an apply as queued, or answers the one already queued or
	 * running for the blueprint (`created: false`): one at a time.
	 */
	async claimApply( apply: {
		blueprint_id: number;
		account_id: number;
		site_id: number;
		version: number;
		removed: string;
		overwrite_keys: string[];
		created_by: number | null;
	} ): Promise< { apply: BlueprintApplyRun; created: boolean } > {
		const [ inserted ] = await this.sequelize.query< ApplyRow >(
			`INSERT INTO site_blueprint_applies (blueprint_id, account_id, site_id, version, removed, overwrite_keys, created_by)
			 VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
			 ON CONFLICT (blueprint_id) WHERE status IN ('queued', 'running') DO NOTHING
			 RETURNING ${ APPLY_COLUMNS }`,
			{
				bind: [
					apply.blueprint_id,
					apply.account_id,
					apply.site_id,
					apply.version,
					apply.removed,
					JSON.stringify( apply.overwrite_keys ),
					apply.created_by,
				],
				type: QueryTypes.SELECT,
			}
		);
		if ( inserted ) {
			return { apply: serializeApply( inserted ), created: true };
		}
		const active = await this.activeApply( apply.blueprint_id );
		if ( ! active ) {
			// It finished between the insert and this read: claim again.
			return this.claimApply( apply );
		}
		return { apply: active, created: false };
	}

	async applyRun( id: number ): Promise< BlueprintApplyRun | null > {
		const [ row ] = await this.sequelize.query< ApplyRow >(
			`SELECT ${ APPLY_COLUMNS } FROM site_blueprint_applies WHERE id = $1`,
			{ bind: [ id ], type: QueryTypes.SELECT }
		);
		return row ? serializeApply( row ) : null;
	}

	async activeApply(
		blueprintId: number
	): Promise< BlueprintApplyRun | null > {
		const [ row ] = await this.sequelize.query< ApplyRow >(
			`SELECT ${ APPLY_COLUMNS } FROM site_blueprint_applies
			 WHERE blueprint_id = $1 AND status IN ('queued', 'running')`,
			{ bind: [ blueprintId ], type: QueryTypes.SELECT }
		);
		return row ? serializeApply( row ) : null;
	}

	async applies(
		blueprintId: number,
		limit: number
	): Promise< BlueprintApplyRun[] > {
		const rows = await this.sequelize.query< ApplyRow >(
			`SELECT ${ APPLY_COLUMNS } FROM site_blueprint_applies WHERE blueprint_id = $1
			 ORDER BY id DESC LIMIT ${ limit }`,
			{ bind: [ blueprintId ], type: QueryTypes.SELECT }
		);
		return rows.map( serializeApply );
	}

	/** Moves a queued (or interrupted running) apply to running; false when it is finished already. */
	async startApply( id: number ): Promise< boolean > {
		const started = await this.sequelize.query(
			`UPDATE site_blueprint_applies SET status = 'running', started_at = COALESCE(started_at, NOW())
			 WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
			{ bind: [ id ], type: QueryTypes.SELECT }
		);
		return started.length > 0;
	}

	/**
	 * Ends an apply; a successful one also records on the blueprint which
	 * version WordPress now holds. One transaction.
	 */
	async finishApply(
		apply: { id: number; blueprint_id: number; version: number },
		outcome:
			| { status: 'succeeded'; report: BlueprintApplyReport }
			| { status: 'failed'; error: string }
	): Promise< void > {
		await this.sequelize.transaction( async ( transaction ) => {
			const finished = await this.sequelize.query(
				`UPDATE site_blueprint_applies SET status = $2, report = $3::jsonb, error = $4, finished_at = NOW()
				 WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
				{
					bind: [
						apply.id,
						outcome.status,
						outcome.status === 'succeeded'
							? JSON.stringify( outcome.report )
							: null,
						outcome.status === 'failed' ? outcome.error : null,
					],
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			if ( finished.length > 0 && outcome.status === 'succeeded' ) {
				await this.sequelize.query(
					`UPDATE site_blueprints SET last_applied_version = $2, last_applied_at = NOW() WHERE id = $1`,
					{ bind: [ apply.blueprint_id, apply.version ], transaction }
				);
			}
		} );
	}
}

export function serializeBlueprint( row: BlueprintRow ): SiteBlueprintSummary {
	return {
		id: row.id,
		site_id: row.site_id,
		name: row.name,
		description: row.description,
		source: row.source,
		version: row.version,
		page_count: row.page_count,
		category_count: row.categories.length,
		menu_count: row.menus.length,
		last_applied_version: row.last_applied_version,
		last_applied_at: iso( row.last_applied_at ),
		created_by: row.created_by,
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

function serializePage( row: PageRow ): BlueprintPage {
	const { account_id: _account, ...page } = row;
	return {
		...page,
		created_at: row.created_at.toISOString(),
		updated_at: row.updated_at.toISOString(),
	};
}

function serializeApply( row: ApplyRow ): BlueprintApplyRun {
	const { account_id: _account, ...apply } = row;
	return {
		...apply,
		created_at: row.created_at.toISOString(),
		started_at: iso( row.started_at ),
		finished_at: iso( row.finished_at ),
	};
}

function serializeVersion( row: VersionRow ): BlueprintVersionDetail {
	return { ...row, created_at: row.created_at.toISOString() };
}
