/**
 * External dependencies
 */
import type { Sector } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	TextControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import { getBootData } from '../../boot';
import {
	AiActionModal,
	useActiveRunId,
	useReopenActiveRun,
} from '../../components/ai-action';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice } from '../../components/states';
import { useList } from '../../hooks/use-list';
import { safeUrl } from '../../safe-url';
import type { SessionInfo } from '../../store/settings/types';
import { ImportWizard } from '../import-wizard';
import { keywordCount } from '../keywords';
import { SAMPLE_KEYWORDS, sampleTopic } from './sample-keywords';
import { currentStep, SETUP_STEPS, stepState, type SetupStepId } from './steps';
import './setup-guide.scss';

const SETTINGS = 'igny8/settings';
const PLANNER = 'igny8/planner';
/** Where a site owner gets a cloud URL and key. */
const GET_KEY_URL = 'https://igny8.com/docs/connect/';

function stepTitles(): Record< SetupStepId, string > {
	return {
		connect: __( 'Connect this site', 'igny8-bridge' ),
		sector: __( 'Create your first sector', 'igny8-bridge' ),
		keywords: __( 'Add keywords', 'igny8-bridge' ),
		cluster: __( 'Make your first clusters', 'igny8-bridge' ),
		done: __( 'Turn clusters into ideas', 'igny8-bridge' ),
	};
}

/** Why each step matters, in one sentence. */
function stepReasons(): Record< SetupStepId, string > {
	return {
		connect: __(
			'IGNY8 does its planning and writing in the cloud, so this site needs its cloud address and key.',
			'igny8-bridge'
		),
		sector: __(
			'A sector is one topic area of the site; keeping keywords and content per sector keeps each topic’s plan focused.',
			'igny8-bridge'
		),
		keywords: __(
			'Keywords are the searches you want to be found for, and everything IGNY8 writes starts from them.',
			'igny8-bridge'
		),
		cluster: __(
			'Clusters group keywords one article can answer together, so your posts do not compete for the same searches.',
			'igny8-bridge'
		),
		done: __(
			'Ideas turn each cluster into proposed articles you can approve and have written.',
			'igny8-bridge'
		),
	};
}

/**
 * Hides the guide for the whole site (igny8/v1/setup), with an undo.
 * @param dismissed Hide (true) or show again (false).
 */
function saveDismissed( dismissed: boolean ): Promise< unknown > {
	return apiFetch( {
		path: `/${ getBootData().restNamespace }/setup`,
		method: 'POST',
		data: { dismissed },
	} );
}

function ConnectStep() {
	const settingsUrl = safeUrl( getBootData().settingsUrl );
	return (
		<div className="igny8-setup__actions">
			{ settingsUrl ? (
				<Button variant="primary" href={ settingsUrl }>
					{ __( 'Enter the cloud URL and key', 'igny8-bridge' ) }
				</Button>
			) : (
				<p>
					{ __(
						'Ask a site administrator to connect the site under Settings.',
						'igny8-bridge'
					) }
				</p>
			) }
			<a href={ GET_KEY_URL } target="_blank" rel="noopener noreferrer">
				{ __( 'Where do I get a key?', 'igny8-bridge' ) }{ ' ' }
				<span className="screen-reader-text">
					{ __( '(opens in a new tab)', 'igny8-bridge' ) }
				</span>
			</a>
		</div>
	);
}

function SectorStep() {
	const session = useSelect(
		( select ) =>
			( select( SETTINGS ) as any ).getSession() as SessionInfo | null,
		[]
	);
	const { invalidateResolutionForStoreSelector, selectSector } = useDispatch(
		SETTINGS
	) as any;
	const [ name, setName ] = useState( '' );
	const [ saving, setSaving ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	if ( session?.role !== 'admin' ) {
		return (
			<p>
				{ __(
					'Only a site administrator can add a sector. Ask one to open this Dashboard.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	const create = async ( event: React.FormEvent ) => {
		event.preventDefault();
		setSaving( true );
		setError( null );
		try {
			const sector = await getClient().post< Sector >( '/auth/sectors/', {
				site_id: session.siteId,
				name: name.trim(),
			} );
			selectSector( sector.id );
			invalidateResolutionForStoreSelector( 'getSectors' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not create the sector.', 'igny8-bridge' )
				)
			);
		} finally {
			setSaving( false );
		}
	};
	return (
		<form onSubmit={ create } className="igny8-setup__form">
			{ error && <ErrorNotice message={ error } /> }
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Sector name', 'igny8-bridge' ) }
				help={ __(
					'For example “Coffee brewing” or “Running shoes”. You can add more later in Settings.',
					'igny8-bridge'
				) }
				value={ name }
				onChange={ setName }
			/>
			<Button
				variant="primary"
				type="submit"
				isBusy={ saving }
				disabled={ saving || name.trim() === '' }
				accessibleWhenDisabled
				__next40pxDefaultSize
			>
				{ __( 'Create sector', 'igny8-bridge' ) }
			</Button>
		</form>
	);
}

function KeywordsStep( { sectorId }: { sectorId: number } ) {
	const canEdit = useSelect(
		( select ) => ( select( SETTINGS ) as any ).canEdit() as boolean,
		[]
	);
	const { invalidate } = useDispatch( PLANNER ) as any;
	const [ importing, setImporting ] = useState( false );
	const [ adding, setAdding ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	if ( ! canEdit ) {
		return (
			<p>
				{ __(
					'Your role can look but not add keywords. Ask an editor or administrator.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	const addSamples = async () => {
		setAdding( true );
		setError( null );
		try {
			const result = await getClient().post< {
				created: unknown[];
			} >( '/planner/keywords/bulk_create/', {
				sector_id: sectorId,
				keywords: SAMPLE_KEYWORDS,
			} );
			announce(
				sprintf(
					/* translators: 1: e.g. “20 keywords”, 2: a topic, e.g. Home coffee brewing. */
					__( '%1$s added on “%2$s”.', 'igny8-bridge' ),
					keywordCount( result.created.length ),
					sampleTopic()
				)
			);
			invalidate( 'keywords' );
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not add the sample keywords.', 'igny8-bridge' )
				)
			);
		} finally {
			setAdding( false );
		}
	};
	return (
		<>
			{ error && <ErrorNotice message={ error } /> }
			<div className="igny8-setup__actions">
				<Button
					variant="primary"
					onClick={ () => setImporting( true ) }
					__next40pxDefaultSize
				>
					{ __( 'Import keywords from a CSV file', 'igny8-bridge' ) }
				</Button>
				<Button
					variant="secondary"
					onClick={ addSamples }
					isBusy={ adding }
					disabled={ adding }
					accessibleWhenDisabled
					__next40pxDefaultSize
				>
					{ __( 'Try sample keywords', 'igny8-bridge' ) }
				</Button>
			</div>
			<p className="igny8-setup__hint">
				{ sprintf(
					/* translators: 1: number of keywords, 2: a topic, e.g. Home coffee brewing. */
					__(
						'The samples are %1$d keywords about “%2$s”; delete them any time on the Keywords screen.',
						'igny8-bridge'
					),
					SAMPLE_KEYWORDS.length,
					sampleTopic()
				) }
			</p>
			{ importing && (
				<ImportWizard
					sectorId={ sectorId }
					onClose={ () => setImporting( false ) }
					onImported={ () => invalidate( 'keywords' ) }
				/>
			) }
		</>
	);
}

function ClusterStep( {
	sectorId,
	keywords,
}: {
	sectorId: number;
	keywords: number;
} ) {
	const canEdit = useSelect(
		( select ) => ( select( SETTINGS ) as any ).canEdit() as boolean,
		[]
	);
	const { invalidate } = useDispatch( PLANNER ) as any;
	const running = useActiveRunId( 'auto_cluster' );
	const [ open, setOpen ] = useState( false );
	// Back on the Dashboard mid-run: the progress shows again without a click.
	useReopenActiveRun( running, () => setOpen( true ) );
	if ( ! canEdit ) {
		return (
			<p>
				{ __(
					'Your role can look but not cluster keywords. Ask an editor or administrator.',
					'igny8-bridge'
				) }
			</p>
		);
	}
	const input = { sector_id: sectorId, method: 'lexical' };
	return (
		<>
			<div className="igny8-setup__actions">
				<Button
					variant="primary"
					onClick={ () => setOpen( true ) }
					__next40pxDefaultSize
				>
					{ running !== null
						? __( 'Show clustering progress', 'igny8-bridge' )
						: sprintf(
								/* translators: %s: e.g. “20 keywords”. */
								__( 'Cluster %s', 'igny8-bridge' ),
								keywordCount( keywords )
							) }
				</Button>
			</div>
			{ open && (
				<AiActionModal
					title={ __( 'Make your first clusters', 'igny8-bridge' ) }
					fn="auto_cluster"
					estimateInput={ input }
					path="/planner/keywords/auto_cluster/"
					body={ input }
					startLabel={ __( 'Start clustering', 'igny8-bridge' ) }
					runId={ running }
					onClose={ () => setOpen( false ) }
					onFinished={ ( run ) => {
						// On success the guide moves on to its last step, which
						// closes this dialog: say so where it stays visible.
						if ( run.status === 'succeeded' ) {
							announce(
								__(
									'Clustering finished: your first clusters are ready.',
									'igny8-bridge'
								)
							);
						}
						invalidate( 'keywords', 'clusters' );
					} }
				>
					<p>
						{ __(
							'Lexical clustering groups keywords that share words. It is free and needs no AI key; you can re-cluster by meaning later.',
							'igny8-bridge'
						) }
					</p>
				</AiActionModal>
			) }
		</>
	);
}

function DoneStep( { onFinish }: { onFinish: () => Promise< void > } ) {
	const ideas = safeUrl( getBootData().pages.ideas );
	return (
		<div className="igny8-setup__actions">
			{ ideas && (
				<Button
					variant="primary"
					href={ ideas }
					onClick={ async ( event: React.MouseEvent ) => {
						// Finished: hide the guide before leaving for Ideas.
						event.preventDefault();
						await onFinish();
						window.location.assign( ideas );
					} }
					__next40pxDefaultSize
				>
					{ __( 'Go to Ideas', 'igny8-bridge' ) }
				</Button>
			) }
		</div>
	);
}

/**
 * The first-run guide on the Dashboard: connect → sector → keywords → first
 * cluster → ideas. Each step is done when the cloud says so (see steps.ts).
 * @param props             Component props.
 * @param props.connected   Whether the site has a cloud session.
 * @param props.sectorId    The sector in use, if any.
 * @param props.onDismissed Called once the guide is hidden.
 */
export function SetupGuide( {
	connected,
	sectorId,
	onDismissed,
}: {
	connected: boolean;
	sectorId: number | null;
	onDismissed: () => void;
} ) {
	const sectors = useSelect(
		( select ) =>
			connected
				? ( ( select( SETTINGS ) as any ).getSectors() as
						Sector[] | null )
				: null,
		[ connected ]
	);
	const scope = sectorId ? { sector_id: sectorId, page_size: 1 } : null;
	const keywords = useList( PLANNER, 'getKeywords', 'keywords', scope );
	const clusters = useList( PLANNER, 'getClusters', 'clusters', scope );
	const [ error, setError ] = useState< string | null >( null );

	if ( connected && sectors === null ) {
		return null;
	}
	const step = currentStep( {
		connected,
		sectorCount: sectors?.length ?? 0,
		keywordCount: sectorId && ! keywords.isLoading ? keywords.count : null,
		clusterCount: sectorId && ! clusters.isLoading ? clusters.count : null,
	} );

	const dismiss = async () => {
		setError( null );
		try {
			await saveDismissed( true );
			onDismissed();
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__( 'Could not hide the guide.', 'igny8-bridge' )
				)
			);
		}
	};
	const hide = async () => {
		await dismiss();
		announce(
			__(
				'Setup guide hidden. The Help tab at the top of each IGNY8 screen still explains what to do next.',
				'igny8-bridge'
			)
		);
	};

	const titles = stepTitles();
	const reasons = stepReasons();
	const position = step ? SETUP_STEPS.indexOf( step ) + 1 : 0;
	return (
		<Card
			className="igny8-setup"
			as="section"
			aria-labelledby="igny8-setup-title"
		>
			<CardHeader className="igny8-setup__header">
				<h2 id="igny8-setup-title">
					{ __( 'Get started with IGNY8', 'igny8-bridge' ) }
				</h2>
				<Button variant="tertiary" onClick={ hide }>
					{ __( 'Hide this guide', 'igny8-bridge' ) }
				</Button>
			</CardHeader>
			<CardBody>
				{ error && <ErrorNotice message={ error } /> }
				{ step && (
					<p className="igny8-setup__progress">
						{ sprintf(
							/* translators: 1: current step number, 2: number of steps. */
							__( 'Step %1$d of %2$d', 'igny8-bridge' ),
							position,
							SETUP_STEPS.length
						) }
					</p>
				) }
				<ol className="igny8-setup__steps">
					{ SETUP_STEPS.map( ( id ) => {
						const state = step ? stepState( id, step ) : 'upcoming';
						return (
							<li
								key={ id }
								className={ `igny8-setup__step is-${ state }` }
								aria-current={
									state === 'current' ? 'step' : undefined
								}
							>
								<h3 className="igny8-setup__title">
									{ titles[ id ] }
									{ state === 'done' && (
										<span className="igny8-setup__done">
											{ __( 'Done', 'igny8-bridge' ) }
										</span>
									) }
								</h3>
								{ state === 'current' && (
									<div className="igny8-setup__body">
										<p>{ reasons[ id ] }</p>
										{ id === 'connect' && <ConnectStep /> }
										{ id === 'sector' && <SectorStep /> }
										{ id === 'keywords' && sectorId && (
											<KeywordsStep
												sectorId={ sectorId }
											/>
										) }
										{ id === 'cluster' && sectorId && (
											<ClusterStep
												sectorId={ sectorId }
												keywords={ keywords.count }
											/>
										) }
										{ id === 'done' && (
											<DoneStep onFinish={ dismiss } />
										) }
									</div>
								) }
							</li>
						);
					} ) }
				</ol>
			</CardBody>
		</Card>
	);
}
