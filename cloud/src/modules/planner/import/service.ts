import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { Op, QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import {
	importMappingSchema,
	type ImportMapping,
	type ImportPreview,
	type KeywordImport,
	type ListQuery,
} from '@igny8/shared-types';
import type { KeywordImportRow } from '../../../db/content-models';
import type { Models } from '../../../db/models';
import { ValidationError } from '../../../http/errors';
import { pageUrl, paginate, type ListPage } from '../../../http/pagination';
import type { Logger } from '../../../logger';
import type { JobContext, JobQueue } from '../../../queue';
import type { FileStorage } from '../../../storage/file-storage';
import {
	actingUserId,
	type Principal,
	type SiteUserPrincipal,
	type UserPrincipal,
} from '../../auth/principal';
import { findScoped } from '../../content/crud';
import { listScope, resolveSector } from '../../content/scope';
import {
	detect,
	SAMPLE_BYTES,
	UnreadableFileError,
	type Detection,
} from './detect';
import { readRecordBatches } from './reader';
import { receiveUpload } from './upload';
import { parseRow, type ParsedKeyword } from './values';

export const KEYWORD_IMPORT_JOB = 'planner.keyword_import';
export type KeywordImportPayload = { importId: number };
export type KeywordImportSummary = Pick<
	KeywordImport,
	'total_rows' | 'imported' | 'duplicates' | 'invalid'
>;

/** Tunables of the import job, with why they have their value. */
export const IMPORT_DEFAULTS = {
	/** Keywords per INSERT: large enough that round trips stop mattering, small enough to keep statements short. */
	batchSize: 5_000,
	/** Problems buffered before they are written. */
	problemBatch: 1_000,
	/** The longest reason stored (the column's width). */
	maxReason: 500,
};

const jobIdFor = ( importId: number ) => `keyword-import-${ importId }`;

/**
 * Keyword files in: preview (detect and show), import (store, queue),
 * the import job (stream, validate, de-duplicate, insert in batches), and the
 * imports' status and problems.
 */
export class KeywordImportService {
	constructor(
		private readonly deps: {
			sequelize: Sequelize;
			models: Models;
			queue: JobQueue;
			storage: FileStorage;
			logger: Logger;
		}
	) {}

	/** Reads only the first bytes of the upload (the rest is discarded unread). */
	async preview(
		principal: UserPrincipal | SiteUserPrincipal,
		req: Request
	): Promise< ImportPreview > {
		const upload = await receiveUpload( req, ( stream ) =>
			readHead( stream, SAMPLE_BYTES )
		);
		await resolveSector(
			this.deps.models,
			principal,
			parseSectorId( upload.fields.sector_id )
		);
		if ( ! upload.file ) {
			throw missingFile();
		}
		const detection = detectOrRefuse(
			upload.file.result.head,
			upload.file.result.complete
		);
		const warnings: string[] = [];
		let mapping = detection.mapping;
		if ( mapping.keyword === null ) {
			warnings.push(
				'No keyword column was recognised; column 1 is assumed. Send a mapping with the import to choose another.'
			);
			mapping = { ...mapping, keyword: 0 };
		}
		if ( detection.sampleDataRows === 0 ) {
			warnings.push( 'The file has no data rows below its header.' );
		}
		return {
			format: detection.format,
			encoding: detection.encoding,
			delimiter: detection.delimiter,
			header_line: detection.headerLine,
			columns: detection.columns,
			mapping: mapping as ImportMapping,
			rows: detection.rows,
			warnings,
		};
	}

	/** Streams the upload to storage, checks it, records the import and queues its job. */
	async create(
		principal: UserPrincipal | SiteUserPrincipal,
		req: Request
	): Promise< KeywordImport > {
		const { storage, models } = this.deps;
		const prefix = `keyword-imports/${ principal.account.id }`;
		let upload;
		try {
			upload = await receiveUpload( req, ( stream ) =>
				storage.write( prefix, stream, '.csv' )
			);
		} catch ( error ) {
			const stored = ( error as { upload?: { result: { key: string } } } )
				.upload;
			if ( stored ) {
				await storage.remove( stored.result.key );
			}
			throw error;
		}
		const file = upload.file;
		let recorded = false;
		try {
			const sector = await resolveSector(
				models,
				principal,
				parseSectorId( upload.fields.sector_id )
			);
			if ( ! file ) {
				throw missingFile();
			}
			const override = parseMappingField( upload.fields.mapping );
			const { detection } = await this.detectStored(
				file.result.key,
				file.result.size
			);
			if ( detection.sampleDataRows === 0 ) {
				throw new ValidationError(
					'The file has a header row but no keyword rows.',
					{
						file: [
							'the file has a header row but no keyword rows',
						],
					}
				);
			}
			const mapping = override ?? detection.mapping;
			checkMapping( mapping, detection.columns );
			const row = await models.KeywordImport.create( {
				account_id: sector.account_id,
				site_id: sector.site_id,
				sector_id: sector.id,
				created_by: actingUserId( principal ),
				status: 'queued',
				filename: file.filename.slice( 0, 255 ),
				storage_path: file.result.key,
				format: detection.format,
				mapping: mapping as Record< string, number | null >,
				error: null,
				started_at: null,
				finished_at: null,
			} );
			recorded = true;
			try {
				await this.deps.queue.enqueue< KeywordImportPayload >(
					KEYWORD_IMPORT_JOB,
					{ importId: row.id },
					{ jobId: jobIdFor( row.id ) }
				);
			} catch ( error ) {
				await row.update( {
					status: 'failed',
					error: 'The import could not be queued; try again.',
				} );
				throw error;
			}
			return serializeImport( row );
		} catch ( error ) {
			if ( file && ! recorded ) {
				await storage.remove( file.result.key );
			}
			throw error;
		}
	}

	async list(
		principal: Principal,
		query: ListQuery & {
			site_id?: number;
			sector_id?: number;
			status?: string;
		},
		req: Request
	): Promise< ListPage< KeywordImport > > {
		const scope = await listScope( this.deps.models, principal, query );
		const where = {
			[ Op.and ]: [ scope, query.status ? { status: query.status } : {} ],
		} as WhereOptions;
		return paginate(
			req,
			this.deps.models.KeywordImport,
			query,
			where,
			{
				orderingFields: [ 'created_at', 'id', 'status', 'filename' ],
				searchFields: [ 'filename' ],
				defaultOrdering: '-created_at',
			},
			serializeImport
		);
	}

	async get( principal: Principal, id: number ): Promise< KeywordImport > {
		return serializeImport(
			await findScoped(
				this.deps.models.KeywordImport,
				principal,
				id,
				'Keyword import'
			)
		);
	}

	async problems(
		principal: Principal,
		id: number,
		query: ListQuery,
		req: Request
	): Promise< ListPage< { line: number; reason: string } > > {
		const row = await findScoped(
			this.deps.models.KeywordImport,
			principal,
			id,
			'Keyword import'
		);
		const { sequelize } = this.deps;
		const [ counted ] = await sequelize.query< { n: number } >(
			'SELECT COUNT(*)::int AS n FROM keyword_import_problems WHERE import_id = :id',
			{
				replacements: { id: row.id },
				type: QueryTypes.SELECT,
			}
		);
		const results = await sequelize.query< {
			line: number;
			reason: string;
		} >(
			'SELECT line, reason FROM keyword_import_problems WHERE import_id = :id ORDER BY line LIMIT :limit OFFSET :offset',
			{
				replacements: {
					id: row.id,
					limit: query.page_size,
					offset: ( query.page - 1 ) * query.page_size,
				},
				type: QueryTypes.SELECT,
			}
		);
		const count = counted?.n ?? 0;
		return {
			count,
			next:
				query.page * query.page_size < count
					? pageUrl( req, query.page + 1 )
					: null,
			previous: query.page > 1 ? pageUrl( req, query.page - 1 ) : null,
			results,
		};
	}

	/**
	 * The job. Idempotent: a re-run (a worker died, the job was redelivered)
	 * starts over from the file, resets counters and problems, and counts as
	 * "imported" both the rows it inserts and the rows an earlier run of the
	 * same import inserted (they carry `extra.import_id`), so the summary is
	 * the same however many times it runs, and the unique index keeps every
	 * keyword once.
	 */
	async run(
		job: Pick<
			JobContext< KeywordImportPayload >,
			'data' | 'reportProgress'
		>
	): Promise< KeywordImportSummary > {
		const { models } = this.deps;
		const row = await models.KeywordImport.findByPk( job.data.importId );
		if ( ! row ) {
			throw new Error(
				`Keyword import ${ job.data.importId } does not exist`
			);
		}
		// A run that started before may have committed keywords: look for them.
		const rerun = row.started_at !== null;
		const counters: KeywordImportSummary = {
			total_rows: 0,
			imported: 0,
			duplicates: 0,
			invalid: 0,
		};
		await this.deps.sequelize.query(
			'DELETE FROM keyword_import_problems WHERE import_id = :id',
			{ replacements: { id: row.id } }
		);
		await row.update( {
			status: 'running',
			started_at: new Date(),
			finished_at: null,
			error: null,
			progress: 0,
			...counters,
		} );
		try {
			await this.importFile( row, rerun, counters, job.reportProgress );
		} catch ( error ) {
			await row.update( {
				status: 'failed',
				error:
					error instanceof Error
						? error.message.slice( 0, 1000 )
						: String( error ),
				...counters,
			} );
			throw error;
		}
		await row.update( {
			status: 'succeeded',
			progress: 100,
			finished_at: new Date(),
			...counters,
		} );
		await job.reportProgress( { stage: 'done', percent: 100 } );
		return counters;
	}

	/**
	 * Reads and validates the next rows while the previous batch is being
	 * inserted (one batch in flight), so parsing and the database overlap.
	 */
	private async importFile(
		row: KeywordImportRow,
		rerun: boolean,
		counters: KeywordImportSummary,
		reportProgress: JobContext< unknown >[ 'reportProgress' ]
	): Promise< void > {
		const { storage } = this.deps;
		const { detection, size } = await this.detectStored( row.storage_path );
		const mapping = importMappingSchema.parse( row.mapping );
		const source = storage.read( row.storage_path );
		let bytesRead = 0;
		source.on( 'data', ( chunk: Buffer ) => {
			bytesRead += chunk.length;
		} );
		const seen = new Set< string >();
		let batch: ParsedKeyword[] = [];
		let problems: { line: number; reason: string }[] = [];
		let lastPercent = -1;
		let inFlight: Promise< void > = Promise.resolve();

		const write = async (
			keywords: ParsedKeyword[],
			bad: typeof problems,
			percent: number
		) => {
			if ( bad.length ) {
				await this.insertProblems( row.id, bad );
			}
			if ( keywords.length ) {
				const mine = await this.insertKeywords( row, keywords, rerun );
				counters.imported += mine;
				counters.duplicates += keywords.length - mine;
			}
			await row.update( { progress: percent, ...counters } );
			if ( percent !== lastPercent ) {
				lastPercent = percent;
				await reportProgress( {
					stage: 'importing',
					percent,
					message: `${ counters.total_rows } rows read`,
				} );
			}
		};
		const flush = async () => {
			await inFlight;
			// Below 100 until the row says succeeded.
			const percent = Math.min(
				99,
				size ? Math.floor( ( bytesRead / size ) * 100 ) : 99
			);
			inFlight = write( batch, problems, percent );
			// Awaited at the next flush; never an unhandled rejection meanwhile.
			inFlight.catch( () => undefined );
			batch = [];
			problems = [];
		};

		for await ( const records of readRecordBatches( source, {
			encoding: detection.encoding,
			bomBytes: detection.bomBytes,
			delimiter: detection.delimiter,
			fromLine: detection.firstDataLine,
		} ) ) {
			for ( const record of records ) {
				counters.total_rows++;
				const outcome = parseRow( record.fields, mapping );
				if ( ! outcome.ok ) {
					counters.invalid++;
					problems.push( {
						line: record.line,
						reason: outcome.reason.slice(
							0,
							IMPORT_DEFAULTS.maxReason
						),
					} );
				} else if ( seen.has( outcome.value.normalized ) ) {
					counters.duplicates++;
				} else {
					seen.add( outcome.value.normalized );
					batch.push( outcome.value );
				}
				if (
					batch.length >= IMPORT_DEFAULTS.batchSize ||
					problems.length >= IMPORT_DEFAULTS.problemBatch
				) {
					await flush();
				}
			}
		}
		await flush();
		await inFlight;
	}

	/**
	 * One multi-row INSERT from arrays (`unnest`), skipping keywords the
	 * sector already has; returns how many of the batch belong to this import.
	 * On a re-run that also counts the rows an earlier run of the same import
	 * inserted (they carry `extra.import_id`); all sub-statements see the
	 * snapshot from before the INSERT, so the two counts never overlap.
	 */
	private async insertKeywords(
		row: KeywordImportRow,
		batch: ParsedKeyword[],
		rerun: boolean
	): Promise< number > {
		const [ result ] = await this.deps.sequelize.query< {
			inserted: number;
			earlier: number;
		} >(
			`WITH input AS (
				SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::smallint[], $5::text[], $6::numeric[])
					AS t(keyword, normalized, search_volume, difficulty, intent, cpc)
			), inserted AS (
				INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, search_volume, difficulty, intent, status, source, cpc, extra, created_at, updated_at)
				SELECT $7, $8, $9, keyword, normalized, search_volume, difficulty, intent, 'active', 'csv_import', cpc, $10::jsonb, NOW(), NOW()
				FROM input
				ON CONFLICT (sector_id, normalized) DO NOTHING
				RETURNING 1
			)
			SELECT (SELECT COUNT(*) FROM inserted)::int AS inserted,
				${
					rerun
						? `(SELECT COUNT(*) FROM keywords k JOIN input i ON k.sector_id = $9 AND k.normalized = i.normalized
				 WHERE k.extra->>'import_id' = $10::jsonb->>'import_id')::int`
						: '0'
				} AS earlier`,
			{
				bind: [
					batch.map( ( k ) => k.keyword ),
					batch.map( ( k ) => k.normalized ),
					batch.map( ( k ) => k.search_volume ),
					batch.map( ( k ) => k.difficulty ),
					batch.map( ( k ) => k.intent ),
					batch.map( ( k ) => k.cpc ),
					row.account_id,
					row.site_id,
					row.sector_id,
					JSON.stringify( { import_id: row.id } ),
				],
				type: QueryTypes.SELECT,
			}
		);
		return ( result?.inserted ?? 0 ) + ( result?.earlier ?? 0 );
	}

	private async insertProblems(
		importId: number,
		problems: { line: number; reason: string }[]
	): Promise< void > {
		await this.deps.sequelize.query(
			`INSERT INTO keyword_import_problems (import_id, line, reason)
			 SELECT $1, line, reason FROM unnest($2::int[], $3::text[]) AS t(line, reason)
			 ON CONFLICT (import_id, line) DO NOTHING`,
			{
				bind: [
					importId,
					problems.map( ( p ) => p.line ),
					problems.map( ( p ) => p.reason ),
				],
			}
		);
	}

	private async detectStored(
		key: string,
		knownSize?: number
	): Promise< { detection: Detection; size: number } > {
		const size = knownSize ?? ( await this.deps.storage.size( key ) );
		if ( size === 0 ) {
			throw new ValidationError( 'The file is empty.', {
				file: [ 'the file is empty' ],
			} );
		}
		const { head } = await readHead(
			this.deps.storage.read( key, { start: 0, end: SAMPLE_BYTES - 1 } ),
			SAMPLE_BYTES
		);
		return {
			detection: detectOrRefuse( head, size <= SAMPLE_BYTES ),
			size,
		};
	}
}

/** The first `limit` bytes of a stream; the rest is drained unread. */
export function readHead(
	stream: Readable,
	limit: number
): Promise< { head: Buffer; complete: boolean } > {
	return new Promise( ( resolve, reject ) => {
		const chunks: Buffer[] = [];
		let length = 0;
		let overflow = false;
		stream.on( 'data', ( chunk: Buffer ) => {
			if ( length >= limit ) {
				overflow = true;
				return;
			}
			chunks.push( chunk );
			length += chunk.length;
		} );
		stream.on( 'error', reject );
		stream.on( 'end', () => {
			const all = Buffer.concat( chunks );
			resolve( {
				head: all.subarray( 0, limit ),
				complete: ! overflow && all.length <= limit,
			} );
		} );
	} );
}

function detectOrRefuse( head: Buffer, complete: boolean ): Detection {
	if ( head.length === 0 ) {
		throw new ValidationError( 'The file is empty.', {
			file: [ 'the file is empty' ],
		} );
	}
	try {
		return detect( head, complete );
	} catch ( error ) {
		if ( error instanceof UnreadableFileError ) {
			throw new ValidationError( error.message, {
				file: [ error.message ],
			} );
		}
		throw error;
	}
}

const missingFile = () =>
	new ValidationError( 'Invalid body.', {
		file: [
			'this field is required: send the file in a part named "file"',
		],
	} );

function parseSectorId( raw: string | undefined ): number {
	const id = Number( raw );
	if ( raw === undefined || raw === '' ) {
		throw new ValidationError( 'Invalid body.', {
			sector_id: [ 'this field is required' ],
		} );
	}
	if ( ! Number.isSafeInteger( id ) || id <= 0 ) {
		throw new ValidationError( 'Invalid body.', {
			sector_id: [ 'must be a positive whole number' ],
		} );
	}
	return id;
}

function parseMappingField(
	raw: string | undefined
): ImportMapping | undefined {
	if ( raw === undefined || raw.trim() === '' ) {
		return undefined;
	}
	let json: unknown;
	try {
		json = JSON.parse( raw );
	} catch {
		throw new ValidationError( 'Invalid body.', {
			mapping: [
				'must be JSON, e.g. {"keyword": 0, "search_volume": 2}',
			],
		} );
	}
	const parsed = importMappingSchema.safeParse( json );
	if ( ! parsed.success ) {
		throw new ValidationError( 'Invalid body.', {
			mapping: parsed.error.issues.map(
				( issue ) =>
					`${ issue.path.length ? `${ issue.path.join( '.' ) }: ` : '' }${ issue.message }`
			),
		} );
	}
	return parsed.data;
}

function checkMapping(
	mapping: Detection[ 'mapping' ],
	columns: string[]
): asserts mapping is ImportMapping {
	if ( mapping.keyword === null || mapping.keyword === undefined ) {
		throw new ValidationError(
			'No keyword column was recognised in the file.',
			{
				mapping: [
					`no keyword column among: ${ columns.map( ( c ) => `"${ c }"` ).join( ', ' ) }; send a mapping that names it, e.g. {"keyword": 0}`,
				],
			}
		);
	}
	const errors: string[] = [];
	for ( const [ field, index ] of Object.entries( mapping ) ) {
		if ( typeof index === 'number' && index >= columns.length ) {
			errors.push(
				`${ field }: column ${ index } does not exist; the file has ${ columns.length } column(s), numbered from 0`
			);
		}
	}
	if ( errors.length ) {
		throw new ValidationError( 'Invalid body.', { mapping: errors } );
	}
}

export function serializeImport( row: KeywordImportRow ): KeywordImport {
	const iso = ( date: Date | null ) =>
		date ? new Date( date ).toISOString() : null;
	return {
		id: row.id,
		site_id: row.site_id,
		sector_id: row.sector_id,
		status: row.status,
		filename: row.filename,
		format: row.format,
		mapping: row.mapping as ImportMapping,
		total_rows: row.total_rows,
		imported: row.imported,
		duplicates: row.duplicates,
		invalid: row.invalid,
		progress: row.progress,
		error: row.error,
		created_at: new Date( row.created_at ).toISOString(),
		started_at: iso( row.started_at ),
		finished_at: iso( row.finished_at ),
	};
}
