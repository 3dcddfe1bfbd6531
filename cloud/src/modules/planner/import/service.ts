import { z } from 'zod';
import type { Request } from 'express';
import { Transform, type Readable } from 'node:stream';
import {
	Op,
	QueryTypes,
	type Sequelize,
	type Transaction,
	type WhereOptions,
} from 'sequelize';
import { recordEvent } from '../../../domain-events';
import {
	importMappingSchema,
	type ImportMapping,
	type ImportPreview,
	type KeywordImport,
	type ListQuery,
} from '@igny8/shared-types';
import type { KeywordImportRow } from '../../../db/content-models';
import type { Models, SectorRow } from '../../../db/models';
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
} from '../../auth';
import { findScoped, listScope, resolveSector } from '../../content';
import { assertRoom, lockQuota, roomIn } from '../quota';
import {
	detect,
	SAMPLE_BYTES,
	UnreadableFileError,
	type Detection,
} from './detect';
import { copyKeywords } from './copy';
import { readRows, type ReadOptions } from './reader';
import { receiveUpload } from './upload';
import { judgeRow, type ParsedKeyword } from './values';

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
	/**
	 * INSERTs at the database at once while the file is read on: two keep a
	 * second core busy (the database does most of an import's work), more
	 * only queue for the same pages.
	 */
	inFlight: 2,
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
			/** COPY batches straight into keywords (PostgreSQL; PGlite's socket cannot). */
			copy: boolean;
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
		// The verdicts the import will give these rows: same reader, same rules.
		const rows: string[][] = [];
		const rowLines: number[] = [];
		const problems: { line: number; reason: string }[] = [];
		for ( const row of detection.sample ) {
			if ( 'fields' in row ) {
				rows.push( row.fields );
				rowLines.push( row.line );
			}
			const outcome = judgeRow( row, mapping as ImportMapping );
			if ( ! outcome.ok ) {
				problems.push( { line: row.line, reason: outcome.reason } );
			}
		}
		if ( problems.length ) {
			warnings.push(
				`${ problems.length } of the first ${ detection.sample.length } rows will be skipped: ${ problems
					.map( ( p ) => `line ${ p.line } (${ p.reason })` )
					.join( '; ' ) }.`
			);
		}
		return {
			format: detection.format,
			encoding: detection.encoding,
			delimiter: detection.delimiter,
			header_line: detection.headerLine,
			columns: detection.columns,
			mapping: mapping as ImportMapping,
			rows,
			row_lines: rowLines,
			problems,
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
			upload = await receiveUpload( req, async ( stream ) => {
				const sniffer = uploadSniffer();
				stream.on( 'error', ( error ) => sniffer.destroy( error ) );
				// It may refuse before storage is listening; storage still sees the error.
				sniffer.on( 'error', () => undefined );
				try {
					const stored = await storage.write(
						prefix,
						stream.pipe( sniffer ),
						'.csv'
					);
					return {
						...stored,
						lines: sniffer.lines,
						detection: sniffer.detection!,
					};
				} catch ( error ) {
					// Refused mid-upload: the rest is read and dropped, never stored.
					stream.resume();
					throw error;
				}
			} );
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
			const { detection } = file.result;
			if ( detection.sampleDataRows === 0 ) {
				const broken = detection.firstDataProblem;
				const message = broken
					? `The file has no readable keyword rows: line ${ broken.line }: ${ broken.problem }.`
					: 'The file has a header row but no keyword rows.';
				throw new ValidationError( message, { file: [ message ] } );
			}
			const mapping = override ?? detection.mapping;
			checkMapping( mapping, detection.columns );
			const row = await this.admit(
				sector,
				{ key: file.result.key, lines: file.result.lines },
				detection,
				mapping,
				( transaction, reserved ) =>
					models.KeywordImport.create(
						{
							account_id: sector.account_id,
							site_id: sector.site_id,
							sector_id: sector.id,
							created_by: actingUserId( principal ),
							status: 'queued',
							filename: file.filename.slice( 0, 255 ),
							storage_path: file.result.key,
							format: detection.format,
							mapping: mapping as Record< string, number | null >,
							reserved_keywords: reserved,
							read_options: readOptionsOf( detection ),
							file_size: file.result.size,
							error: null,
							started_at: null,
							finished_at: null,
						},
						{ transaction }
					)
			);
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

	/**
	 * Records the import holding its room in the plan's keyword quota, or
	 * refuses it (403, with the numbers) having changed nothing. The file's
	 * line count bounds the keywords it can add, so an import well inside the
	 * quota is admitted at once; only one that might not fit has its
	 * keywords counted exactly (the whole file read, against the sector's
	 * keywords), and then it reserves just those.
	 */
	private async admit(
		sector: SectorRow,
		file: { key: string; lines: number },
		detection: Detection,
		mapping: ImportMapping,
		record: (
			transaction: Transaction,
			reserved: number
		) => Promise< KeywordImportRow >
	): Promise< KeywordImportRow > {
		const { sequelize } = this.deps;
		const bounded = await sequelize.transaction( async ( transaction ) => {
			const quota = await lockQuota(
				sequelize,
				sector.account_id,
				transaction
			);
			return file.lines <= roomIn( quota )
				? record( transaction, file.lines )
				: null;
		} );
		if ( bounded ) {
			return bounded;
		}
		// Read outside the lock: it may take seconds, and nobody should wait on it.
		const keywords = await this.distinctKeywords(
			file.key,
			detection,
			mapping
		);
		return sequelize.transaction( async ( transaction ) => {
			const quota = await lockQuota(
				sequelize,
				sector.account_id,
				transaction
			);
			const [ fresh ] = await sequelize.query< { n: number } >(
				`SELECT COUNT(*)::int AS n FROM unnest($1::text[]) AS f(normalized)
				 WHERE NOT EXISTS (SELECT 1 FROM keywords k WHERE k.sector_id = $2 AND k.normalized = f.normalized)`,
				{
					bind: [ keywords, sector.id ],
					type: QueryTypes.SELECT,
					transaction,
				}
			);
			const adding = fresh?.n ?? 0;
			assertRoom( quota, adding, 'this import' );
			return record( transaction, adding );
		} );
	}

	/** The distinct keywords a file would import (de-duplication keys), read as the job reads it. */
	private async distinctKeywords(
		key: string,
		detection: Detection,
		mapping: ImportMapping
	): Promise< string[] > {
		const seen = new Set< string >();
		for await ( const rows of readRows(
			this.deps.storage.read( key ),
			readOptionsOf( detection )
		) ) {
			for ( const row of rows ) {
				const outcome = judgeRow( row, mapping );
				if ( outcome.ok ) {
					seen.add( outcome.value.normalized );
				}
			}
		}
		return [ ...seen ];
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
		await this.deps.sequelize.transaction( async ( transaction ) => {
			await row.update(
				{
					status: 'succeeded',
					progress: 100,
					finished_at: new Date(),
					...counters,
				},
				{ transaction }
			);
			await recordEvent( this.deps.sequelize, transaction, {
				type: 'keywords.imported',
				account_id: Number( row.account_id ),
				payload: {
					import_id: Number( row.id ),
					site_id: Number( row.site_id ),
					sector_id: Number( row.sector_id ),
					imported: counters.imported,
				},
			} );
		} );
		await job.reportProgress( { stage: 'done', percent: 100 } );
		return counters;
	}

	/**
	 * Reads and validates the next rows while earlier batches are being
	 * inserted (`IMPORT_DEFAULTS.inFlight` at once), so parsing and the
	 * database overlap; counters and progress still follow the file's order.
	 */
	private async importFile(
		row: KeywordImportRow,
		rerun: boolean,
		counters: KeywordImportSummary,
		reportProgress: JobContext< unknown >[ 'reportProgress' ]
	): Promise< void > {
		const { storage } = this.deps;
		const { options, size } = await this.readingOf( row );
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
		// Batches at the database at once, oldest first; each entry settles once its batch is counted.
		const inFlight: Promise< void >[] = [];
		let counted: Promise< void > = Promise.resolve();
		const writes = new Set< Promise< number > >();

		// A re-run must count what an earlier run inserted, which COPY cannot see.
		let copying = this.deps.copy && ! rerun;
		const write = async (
			keywords: ParsedKeyword[],
			bad: typeof problems
		): Promise< number > => {
			if ( bad.length ) {
				await this.insertProblems( row.id, bad );
			}
			if ( ! keywords.length ) {
				return 0;
			}
			if ( copying ) {
				const copied = await copyKeywords(
					this.deps.sequelize,
					row,
					keywords
				);
				if ( copied !== null ) {
					return copied;
				}
				// The sector has some of these keywords already: skip them from here on.
				copying = false;
			}
			return this.insertKeywords( row, keywords, rerun );
		};
		const flush = async () => {
			if ( inFlight.length >= IMPORT_DEFAULTS.inFlight ) {
				await inFlight.shift();
			}
			const keywords = batch;
			// Below 100 until the row says succeeded.
			const percent = Math.min(
				99,
				size ? Math.floor( ( bytesRead / size ) * 100 ) : 99
			);
			const written = write( keywords, problems );
			writes.add( written );
			written.then(
				() => writes.delete( written ),
				() => writes.delete( written )
			);
			batch = [];
			problems = [];
			// Counters and progress in batch order, whichever write ends first.
			counted = counted.then( async () => {
				const mine = await written;
				counters.imported += mine;
				counters.duplicates += keywords.length - mine;
				await row.update( { progress: percent, ...counters } );
				if ( percent !== lastPercent ) {
					lastPercent = percent;
					await reportProgress( {
						stage: 'importing',
						percent,
						message: `${ counters.total_rows } rows read`,
					} );
				}
			} );
			// Awaited by a later flush or at the end; never an unhandled rejection meanwhile.
			counted.catch( () => undefined );
			inFlight.push( counted );
		};

		try {
			for await ( const rows of readRows( source, options ) ) {
				for ( const record of rows ) {
					counters.total_rows++;
					const outcome = judgeRow( record, mapping );
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
			await counted;
		} finally {
			// A failed run leaves no INSERT running behind it: its retry would race it.
			await Promise.allSettled( [ ...writes ] );
		}
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

	/** How to read an import's file: as its upload found it, or (imports recorded before that was kept) detected again. */
	private async readingOf(
		row: KeywordImportRow
	): Promise< { options: StoredReadOptions; size: number } > {
		const kept = storedReadOptionsSchema.safeParse( row.read_options );
		if ( kept.success && row.file_size !== null ) {
			return { options: kept.data, size: Number( row.file_size ) };
		}
		const { detection, size } = await this.detectStored( row.storage_path );
		return { options: readOptionsOf( detection ), size };
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

/** How the job (and the exact quota count) reads a file: as its detection says, checked against its header's width. */
/** What the job needs to read a file, as kept on its import row. */
const storedReadOptionsSchema = z.object( {
	encoding: z.enum( [ 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252' ] ),
	bomBytes: z.number().int().min( 0 ).max( 3 ),
	delimiter: z.enum( [ '\t', ',', ';', '' ] ),
	fromLine: z.number().int().min( 1 ),
	width: z.number().int().min( 1 ).nullable(),
} );
type StoredReadOptions = ReadOptions &
	Pick< Detection, 'encoding' | 'bomBytes' >;

const readOptionsOf = ( detection: Detection ): StoredReadOptions => ( {
	encoding: detection.encoding,
	bomBytes: detection.bomBytes,
	delimiter: detection.delimiter,
	fromLine: detection.firstDataLine,
	width: detection.columns.length,
} );

/**
 * Passes an upload through on its way to storage, learning what the import
 * needs without reading the file again:
 *
 * - its detection, from its first `SAMPLE_BYTES` (as soon as they are in): a
 *   file that cannot be a keyword list (50 MB on one line, an image) fails
 *   the upload there, so the rest is drained and never stored;
 * - its line breaks (LF, CRLF or a lone CR): one more than that bounds its
 *   rows in any of its encodings (a row spans at least one line; UTF-16 only
 *   counts high), which is what the keyword quota first checks.
 */
function uploadSniffer(): Transform & {
	readonly lines: number;
	detection?: Detection;
} {
	let breaks = 0;
	let crAtEnd = false;
	const head: Buffer[] = [];
	let headBytes = 0;
	const sniffer = new Transform( {
		transform( chunk: Buffer, _enc, done ) {
			if ( crAtEnd && chunk[ 0 ] !== 0x0a ) {
				breaks++;
			}
			for (
				let at = chunk.indexOf( 0x0a );
				at >= 0;
				at = chunk.indexOf( 0x0a, at + 1 )
			) {
				breaks++;
			}
			for (
				let at = chunk.indexOf( 0x0d );
				at >= 0 && at + 1 < chunk.length;
				at = chunk.indexOf( 0x0d, at + 1 )
			) {
				if ( chunk[ at + 1 ] !== 0x0a ) {
					breaks++;
				}
			}
			if ( chunk.length ) {
				crAtEnd = chunk[ chunk.length - 1 ] === 0x0d;
			}
			if ( ! sniffer.detection ) {
				head.push( chunk );
				headBytes += chunk.length;
				if ( headBytes > SAMPLE_BYTES ) {
					try {
						sniffer.detection = detectOrRefuse(
							Buffer.concat( head ).subarray( 0, SAMPLE_BYTES ),
							false
						);
					} catch ( error ) {
						done( error as Error );
						return;
					}
					head.length = 0;
				}
			}
			done( null, chunk );
		},
		flush( done ) {
			if ( ! sniffer.detection ) {
				try {
					sniffer.detection = detectOrRefuse(
						Buffer.concat( head ),
						true
					);
				} catch ( error ) {
					done( error as Error );
					return;
				}
			}
			done();
		},
	} ) as Transform & { readonly lines: number; detection?: Detection };
	return Object.defineProperty( sniffer, 'lines', {
		get: () => breaks + ( crAtEnd ? 1 : 0 ) + 1,
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
