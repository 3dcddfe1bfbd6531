/**
 * External dependencies
 */
import type {
	ImportMapping,
	ImportPreview,
	KeywordImport,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, Modal, Notice, SelectControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../api';
import { errorMessage } from '../api/errors';
import { ErrorNotice, Loading, ProgressBar } from '../components/states';

type Step = 'upload' | 'preview' | 'importing' | 'done';
type Field = keyof ImportMapping;

interface Problem {
	line: number;
	reason: string;
}

const POLL_MS = 700;

function fieldLabels(): Record< Field, string > {
	return {
		keyword: __( 'Keyword', 'igny8-bridge' ),
		search_volume: __( 'Search volume', 'igny8-bridge' ),
		difficulty: __( 'Difficulty', 'igny8-bridge' ),
		intent: __( 'Intent', 'igny8-bridge' ),
		cpc: __( 'CPC', 'igny8-bridge' ),
	};
}

function formWith( file: File, sectorId: number, mapping?: ImportMapping ) {
	const form = new FormData();
	form.append( 'sector_id', String( sectorId ) );
	if ( mapping ) {
		form.append( 'mapping', JSON.stringify( mapping ) );
	}
	form.append( 'file', file, file.name );
	return form;
}

/**
 * Keyword import: upload → preview with column mapping → progress → summary with bad lines.
 * @param props            Component props.
 * @param props.sectorId   Where the keywords go.
 * @param props.onClose    Closes the wizard.
 * @param props.onImported Called once the import finished.
 */
export function ImportWizard( {
	sectorId,
	onClose,
	onImported,
}: {
	sectorId: number;
	onClose: () => void;
	onImported: () => void;
} ) {
	const [ step, setStep ] = useState< Step >( 'upload' );
	const [ file, setFile ] = useState< File | null >( null );
	const [ preview, setPreview ] = useState< ImportPreview | null >( null );
	const [ mapping, setMapping ] = useState< ImportMapping | null >( null );
	const [ job, setJob ] = useState< KeywordImport | null >( null );
	const [ problems, setProblems ] = useState< Problem[] >( [] );
	const [ problemCount, setProblemCount ] = useState( 0 );
	const [ error, setError ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );

	const loadPreview = async () => {
		if ( ! file ) {
			return;
		}
		setBusy( true );
		setError( null );
		try {
			const answer = await getClient().request< ImportPreview >(
				'POST',
				'/planner/keywords/import/preview/',
				{ form: formWith( file, sectorId ) }
			);
			setPreview( answer );
			setMapping( answer.mapping );
			setStep( 'preview' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'The file could not be read.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
		}
	};

	const startImport = async () => {
		if ( ! file || ! mapping ) {
			return;
		}
		setBusy( true );
		setError( null );
		try {
			const created = await getClient().request< KeywordImport >(
				'POST',
				'/planner/keywords/import/',
				{ form: formWith( file, sectorId, mapping ) }
			);
			setJob( created );
			setStep( 'importing' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'The import could not start.', 'igny8-bridge' )
				)
			);
		} finally {
			setBusy( false );
		}
	};

	const jobId = job?.id;
	const jobDone = job?.status === 'succeeded' || job?.status === 'failed';
	useEffect( () => {
		if ( step !== 'importing' || jobId === undefined ) {
			return;
		}
		let live = true;
		let timer: ReturnType< typeof setTimeout >;
		const poll = async () => {
			try {
				const current = await getClient().get< KeywordImport >(
					`/planner/keywords/imports/${ jobId }/`
				);
				if ( ! live ) {
					return;
				}
				setJob( current );
				if (
					current.status === 'succeeded' ||
					current.status === 'failed'
				) {
					const bad = await getClient().list< Problem >(
						`/planner/keywords/imports/${ jobId }/problems/`,
						{ page_size: 100 }
					);
					if ( live ) {
						setProblems( bad.results );
						setProblemCount( bad.count );
						setStep( 'done' );
						onImported();
					}
					return;
				}
			} catch ( failure ) {
				if ( live ) {
					setError(
						errorMessage(
							failure,
							__(
								'Lost track of the import; retrying…',
								'igny8-bridge'
							)
						)
					);
				}
			}
			timer = setTimeout( poll, POLL_MS );
		};
		timer = setTimeout( poll, POLL_MS );
		return () => {
			live = false;
			clearTimeout( timer );
		};
	}, [ step, jobId, onImported ] );

	const labels = fieldLabels();
	const columnOptions = [
		{ value: '', label: __( '— not imported —', 'igny8-bridge' ) },
		...( preview?.columns ?? [] ).map( ( column, index ) => ( {
			value: String( index ),
			label:
				column ||
				sprintf(
					/* translators: %d: column number. */ __(
						'Column %d',
						'igny8-bridge'
					),
					index + 1
				),
		} ) ),
	];

	return (
		<Modal
			title={ __( 'Import keywords', 'igny8-bridge' ) }
			onRequestClose={ onClose }
			className="igny8-modal igny8-import"
			size="large"
		>
			<ol
				className="igny8-steps"
				aria-label={ __( 'Steps', 'igny8-bridge' ) }
			>
				{ (
					[ 'upload', 'preview', 'importing', 'done' ] as Step[]
				 ).map( ( id, index ) => (
					<li
						key={ id }
						aria-current={ id === step ? 'step' : undefined }
						className={ id === step ? 'is-current' : '' }
					>
						{
							[
								__( 'Upload', 'igny8-bridge' ),
								__( 'Map columns', 'igny8-bridge' ),
								__( 'Import', 'igny8-bridge' ),
								__( 'Summary', 'igny8-bridge' ),
							][ index ]
						}
					</li>
				) ) }
			</ol>
			{ error && <ErrorNotice message={ error } /> }
			{ step === 'upload' && (
				<div className="igny8-import__upload">
					<p>
						{ __(
							'CSV or TSV: Google Keyword Planner, Semrush and Ahrefs exports are recognised, or any file with a header, or one keyword per line.',
							'igny8-bridge'
						) }
					</p>
					<label
						className="igny8-import__file"
						htmlFor="igny8-import-file"
					>
						{ __( 'Keyword file', 'igny8-bridge' ) }
						<input
							id="igny8-import-file"
							type="file"
							accept=".csv,.tsv,.txt,text/csv,text/plain"
							onChange={ ( event ) =>
								setFile( event.target.files?.[ 0 ] ?? null )
							}
						/>
					</label>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							onClick={ loadPreview }
							disabled={ ! file || busy }
							isBusy={ busy }
							accessibleWhenDisabled
						>
							{ __( 'Preview', 'igny8-bridge' ) }
						</Button>
					</div>
				</div>
			) }
			{ step === 'preview' && preview && mapping && (
				<div className="igny8-import__preview">
					{ preview.warnings.map( ( warning ) => (
						<Notice
							key={ warning }
							status="warning"
							isDismissible={ false }
						>
							{ warning }
						</Notice>
					) ) }
					<div className="igny8-import__mapping">
						{ ( Object.keys( labels ) as Field[] ).map(
							( field ) => (
								<SelectControl
									key={ field }
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ labels[ field ] }
									value={
										mapping[ field ] === null ||
										mapping[ field ] === undefined
											? ''
											: String( mapping[ field ] )
									}
									options={
										field === 'keyword'
											? columnOptions.slice( 1 )
											: columnOptions
									}
									onChange={ ( value ) =>
										setMapping( {
											...mapping,
											[ field ]:
												value === ''
													? null
													: Number( value ),
										} as ImportMapping )
									}
								/>
							)
						) }
					</div>
					<table className="wp-list-table widefat striped igny8-import__rows">
						<caption className="screen-reader-text">
							{ __( 'First rows of the file', 'igny8-bridge' ) }
						</caption>
						<thead>
							<tr>
								{ preview.columns.map( ( column, index ) => (
									<th key={ index } scope="col">
										{ column }
									</th>
								) ) }
							</tr>
						</thead>
						<tbody>
							{ preview.rows
								.slice( 0, 10 )
								.map( ( row, index ) => (
									<tr key={ index }>
										{ row.map( ( cell, cellIndex ) => (
											<td key={ cellIndex }>{ cell }</td>
										) ) }
									</tr>
								) ) }
						</tbody>
					</table>
					<div className="igny8-modal__actions">
						<Button
							variant="primary"
							onClick={ startImport }
							disabled={ busy }
							isBusy={ busy }
							accessibleWhenDisabled
						>
							{ __( 'Import', 'igny8-bridge' ) }
						</Button>
						<Button
							variant="tertiary"
							onClick={ () => setStep( 'upload' ) }
						>
							{ __( 'Back', 'igny8-bridge' ) }
						</Button>
					</div>
				</div>
			) }
			{ step === 'importing' && job && (
				<div className="igny8-import__progress">
					<ProgressBar
						percent={ job.progress }
						label={ __( 'Import progress', 'igny8-bridge' ) }
					/>
					<p aria-live="polite">
						{ sprintf(
							/* translators: 1: rows imported so far, 2: rows in the file. */
							__( '%1$d of %2$d rows imported…', 'igny8-bridge' ),
							job.imported,
							job.total_rows
						) }
					</p>
					{ ! jobDone && (
						<Loading label={ __( 'Importing…', 'igny8-bridge' ) } />
					) }
				</div>
			) }
			{ step === 'done' && job && (
				<div className="igny8-import__summary">
					{ job.status === 'failed' ? (
						<ErrorNotice
							message={
								job.error ??
								__( 'The import failed.', 'igny8-bridge' )
							}
						/>
					) : (
						<Notice status="success" isDismissible={ false }>
							{ sprintf(
								/* translators: 1: imported, 2: duplicates skipped, 3: invalid lines. */
								__(
									'Imported %1$d keywords. Skipped %2$d duplicates and %3$d invalid lines.',
									'igny8-bridge'
								),
								job.imported,
								job.duplicates,
								job.invalid
							) }
						</Notice>
					) }
					{ problems.length > 0 && (
						<>
							<h3>
								{ __(
									'Lines that were not imported',
									'igny8-bridge'
								) }
							</h3>
							<table className="wp-list-table widefat striped igny8-import__problems">
								<thead>
									<tr>
										<th scope="col">
											{ __( 'Line', 'igny8-bridge' ) }
										</th>
										<th scope="col">
											{ __( 'Reason', 'igny8-bridge' ) }
										</th>
									</tr>
								</thead>
								<tbody>
									{ problems.map( ( problem ) => (
										<tr key={ problem.line }>
											<td>{ problem.line }</td>
											<td>{ problem.reason }</td>
										</tr>
									) ) }
								</tbody>
							</table>
							{ problemCount > problems.length && (
								<p>
									{ sprintf(
										/* translators: %d: number of further bad lines. */
										__( '…and %d more.', 'igny8-bridge' ),
										problemCount - problems.length
									) }
								</p>
							) }
						</>
					) }
					<div className="igny8-modal__actions">
						<Button variant="primary" onClick={ onClose }>
							{ __( 'Done', 'igny8-bridge' ) }
						</Button>
					</div>
				</div>
			) }
		</Modal>
	);
}
