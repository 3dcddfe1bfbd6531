/**
 * The sidebar's Optimizer panel: the post's SEO and readability score and
 * checks, updated as the writer types, with the focus keyphrase and meta
 * description fields and a search result preview. The analysis runs on the
 * server, after a pause in typing (live-analysis.ts): a keystroke costs the
 * editor a timer reset, never a serialization of the post.
 */

/**
 * External dependencies
 */
import type {
	OptimizerAnalysis,
	OptimizerAnalyzeInput,
	OptimizerCheckId,
} from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { PanelBody, TextControl, TextareaControl } from '@wordpress/components';
import { useRegistry } from '@wordpress/data';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';
import { getBootData } from '../boot';
import { AiActionModal } from '../components/ai-action';
import { SnippetPreview } from '../components/snippet-preview';
import { ErrorNotice } from '../components/states';
import { ChecksList } from '../screens/optimizer/checks';
import { ScoreBars } from '../screens/optimizer/scores';
import '../screens/optimizer/optimizer.scss';
import { analyzeText } from '../store/optimizer';
import { label } from '../labels';
import { createLiveAnalyzer, fingerprint } from './live-analysis';
import { usePostInfo } from './post-meta';
import { useManagedContent } from './use-managed-content';
import { useSeoFields, type SeoFieldsMode } from './use-seo-fields';

/** The analyze route's limits (optimizerAnalyzeSchema): longer text is cut, not refused. */
const LIMITS = { title: 1000, keyphrase: 191, meta: 1000, slug: 400 };

/**
 * IGNY8 → Optimizer, open on one content.
 * @param contentId The content.
 */
function optimizerScreenUrl( contentId: number ): string {
	const admin = getBootData().adminUrl.replace( /\/?$/, '/' );
	return `${ admin }admin.php?page=igny8-optimizer&content=${ contentId }`;
}

/** The page's language as a BCP 47 tag, when it names one. */
function pageLocale(): string | undefined {
	const lang = document.documentElement.lang;
	return /^[a-zA-Z]{2,3}([_-][a-zA-Z0-9]{2,8})*$/.test( lang )
		? lang
		: undefined;
}

/**
 * Where the fields are saved, in words.
 * @param mode Where they live.
 */
function whereSaved( mode: SeoFieldsMode ): string {
	switch ( mode ) {
		case 'yoast':
			return __(
				'These are Yoast SEO’s fields: they are saved with the post.',
				'igny8-bridge'
			);
		case 'rank_math':
			return __(
				'These are Rank Math’s fields: they are saved with the post.',
				'igny8-bridge'
			);
		default:
			return __(
				'Used for this analysis only: activate Yoast SEO or Rank Math to keep them with the post.',
				'igny8-bridge'
			);
	}
}

type Failure = { message: string; kind?: ApiErrorKind };

/**
 * The live analysis of the edited post: subscribes to the editor's stores
 * cheaply (references compared, nothing serialized) and analyzes after a
 * pause. Re-rendering happens only when a result (or an error) arrives.
 * @param fields             The keyphrase and meta description.
 * @param fields.keyphrase   The focus keyphrase.
 * @param fields.description The meta description.
 * @param fields.ready       Whether they are known yet: the first analysis waits for them.
 * @param target             Which post this is, for the cloud.
 * @param target.content_id  Its IGNY8 content, if any.
 * @param target.post_id     Its WordPress post, otherwise.
 */
function useLiveAnalysis(
	fields: { keyphrase: string; description: string; ready: boolean },
	target: { content_id?: number; post_id?: number }
) {
	const registry = useRegistry();
	const [ analysis, setAnalysis ] = useState< OptimizerAnalysis | null >(
		null
	);
	const [ checking, setChecking ] = useState( false );
	const [ error, setError ] = useState< Failure | null >( null );
	const latest = useRef( { fields, target } );
	latest.current = { fields, target };
	const analyzer = useRef< ReturnType< typeof createLiveAnalyzer > | null >(
		null
	);

	useEffect( () => {
		const live = createLiveAnalyzer<
			OptimizerAnalyzeInput & { html: string },
			OptimizerAnalysis
		>( {
			read: () => {
				const editor = registry.select( 'core/editor' ) as any;
				const { fields: now, target: post } = latest.current;
				const locale = pageLocale();
				return {
					...post,
					// The one serialization of the post, once per pause.
					html: String( editor.getEditedPostContent() ?? '' ),
					title: String(
						editor.getEditedPostAttribute( 'title' ) ?? ''
					).slice( 0, LIMITS.title ),
					keyphrase: now.keyphrase
						.trim()
						.slice( 0, LIMITS.keyphrase ),
					meta_description: now.description.slice( 0, LIMITS.meta ),
					slug: String(
						editor.getEditedPostAttribute( 'slug' ) ?? ''
					).slice( 0, LIMITS.slug ),
					...( locale ? { locale } : {} ),
				};
			},
			keyOf: ( input ) => fingerprint( JSON.stringify( input ) ),
			analyze: analyzeText,
			onStart: () => setChecking( true ),
			onResult: ( result ) => {
				setAnalysis( result );
				setError( null );
				setChecking( false );
			},
			onError: ( failure ) => {
				setChecking( false );
				setError( {
					message: errorMessage(
						failure,
						__( 'Could not analyze the post.', 'igny8-bridge' )
					),
					kind: isApiError( failure ) ? failure.kind : undefined,
				} );
			},
		} );
		analyzer.current = live;

		// Compared by reference: the block list, title and slug are new
		// objects only when they change, so this costs nothing per keystroke
		// beyond three selector calls.
		let blocks: unknown = null;
		let title: unknown = null;
		let slug: unknown = null;
		const unsubscribe = registry.subscribe( () => {
			const editor = registry.select( 'core/editor' ) as any;
			const nextBlocks = (
				registry.select( 'core/block-editor' ) as any
			 ).getBlocks();
			const nextTitle = editor.getEditedPostAttribute( 'title' );
			const nextSlug = editor.getEditedPostAttribute( 'slug' );
			if (
				nextBlocks !== blocks ||
				nextTitle !== title ||
				nextSlug !== slug
			) {
				blocks = nextBlocks;
				title = nextTitle;
				slug = nextSlug;
				live.changed();
			}
		} );
		return () => {
			unsubscribe();
			live.dispose();
			analyzer.current = null;
		};
	}, [ registry ] );

	// The first analysis as soon as the fields are known; after it, the
	// fields' edits restart the same timer as the post's.
	const started = useRef( false );
	useEffect( () => {
		if ( ! fields.ready ) {
			return;
		}
		if ( ! started.current ) {
			started.current = true;
			analyzer.current?.now();
			return;
		}
		analyzer.current?.changed();
	}, [ fields.ready, fields.keyphrase, fields.description ] );

	return {
		analysis,
		checking,
		error,
		retry: () => analyzer.current?.now(),
	};
}

export function OptimizerPanel() {
	const { postId, meta, title, permalink } = usePostInfo();
	const fields = useSeoFields();
	const contentId = meta._igny8_content_id || undefined;
	const { session } = useManagedContent( contentId );
	const canFix = session !== null && session.role !== 'viewer';
	let target: { content_id?: number; post_id?: number } = {};
	if ( contentId ) {
		target = { content_id: contentId };
	} else if ( postId ) {
		target = { post_id: postId };
	}
	const { analysis, checking, error, retry } = useLiveAnalysis(
		fields,
		target
	);
	const [ fixing, setFixing ] = useState< OptimizerCheckId[] | null >( null );

	return (
		<PanelBody
			title={ __( 'Optimizer', 'igny8-bridge' ) }
			className="igny8-optimizer-panel"
		>
			<p
				className="igny8-optimizer__status"
				aria-live="polite"
				data-testid="igny8-optimizer-status"
			>
				{ checking
					? __( 'Checking…', 'igny8-bridge' )
					: analysis &&
						sprintf(
							/* translators: %s: a number of words. */
							__(
								'Checked %s words; the score updates when you pause typing.',
								'igny8-bridge'
							),
							analysis.word_count.toLocaleString()
						) }
			</p>
			{ error && (
				<ErrorNotice
					message={ error.message }
					kind={ error.kind }
					onRetry={ retry }
				/>
			) }
			{ analysis && <ScoreBars analysis={ analysis } /> }
			{ fields.edit ? (
				<div className="igny8-optimizer__fields">
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Focus keyphrase', 'igny8-bridge' ) }
						value={ fields.keyphrase }
						onChange={ fields.edit.setKeyphrase }
						maxLength={ LIMITS.keyphrase }
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'Meta description', 'igny8-bridge' ) }
						help={ sprintf(
							/* translators: %d: number of characters. */
							__(
								'%d characters; about 120–156 show in results.',
								'igny8-bridge'
							),
							[ ...fields.description.trim() ].length
						) }
						value={ fields.description }
						onChange={ fields.edit.setDescription }
						rows={ 3 }
						maxLength={ 320 }
					/>
					<p className="igny8-editor__hint">
						{ whereSaved( fields.mode ) }
					</p>
					<SnippetPreview
						title={ title }
						url={ permalink }
						description={ fields.description }
					/>
				</div>
			) : (
				<p className="igny8-editor__hint">
					{ __(
						'The score uses the focus keyphrase and meta description as saved in the SEO panel above.',
						'igny8-bridge'
					) }
				</p>
			) }
			{ fields.error && <ErrorNotice message={ fields.error } /> }
			{ analysis && (
				<ChecksList
					checks={ analysis.checks }
					onFix={
						contentId && canFix
							? ( ids ) => setFixing( ids )
							: undefined
					}
				/>
			) }
			{ fixing && contentId && (
				<AiActionModal
					title={ __( 'Fix with AI', 'igny8-bridge' ) }
					fn="optimize_content"
					// The AI function prices a list of drafts; a fix is a list of one.
					estimateInput={ {
						content_ids: [ contentId ],
						check_ids: fixing,
					} }
					path="/optimizer/fix/"
					body={ { content_id: contentId, check_ids: fixing } }
					startLabel={ __( 'Write a revision', 'igny8-bridge' ) }
					onClose={ () => setFixing( null ) }
					result={ () => (
						<p>
							<a href={ optimizerScreenUrl( contentId ) }>
								{ __(
									'Compare the revision with the draft and accept or reject it in IGNY8 → Optimizer.',
									'igny8-bridge'
								) }
							</a>
						</p>
					) }
				>
					<p>
						{ sprintf(
							/* translators: %s: list of check names. */
							__(
								'The AI rewrites the IGNY8 draft (as last saved, not the unsaved text here) to address: %s. The result is a revision to compare and accept; nothing changes by itself.',
								'igny8-bridge'
							),
							fixing
								.map( ( id ) => label( 'optimizerCheck', id ) )
								.join( ', ' )
						) }
					</p>
				</AiActionModal>
			) }
		</PanelBody>
	);
}
