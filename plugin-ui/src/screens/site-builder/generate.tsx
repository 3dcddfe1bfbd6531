/**
 * External dependencies
 */
import type { AiRun, Estimate } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button, TextControl, TextareaControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { AiActionModal } from '../../components/ai-action';

export const GENERATE_FUNCTION = 'generate_site_structure';
const GENERATE_PATH = '/site-builder/blueprints/generate/';

/**
 * What generating a structure costs, asked once: the price shown on the
 * button before anyone opens the dialog (null until known, or when the
 * cloud could not say).
 * @param siteId The session's site.
 */
export function useGenerateCost( siteId: number | null ): number | null {
	const [ credits, setCredits ] = useState< number | null >( null );
	useEffect( () => {
		if ( siteId === null ) {
			return;
		}
		let live = true;
		getClient()
			.post< Estimate >( '/billing/estimate/', {
				function: GENERATE_FUNCTION,
				input: { site_id: siteId },
			} )
			.then(
				( estimate ) => live && setCredits( estimate.credits ),
				() => undefined
			);
		return () => {
			live = false;
		};
	}, [ siteId ] );
	return credits;
}

/**
 * “Generate with AI (3 credits)”, or without the price while it is unknown.
 * @param credits The price, when known.
 * @param again   A new version of an open blueprint rather than a new one.
 */
export function generateLabel( credits: number | null, again = false ): string {
	const base = again
		? __( 'Generate again with AI', 'igny8-bridge' )
		: __( 'Generate with AI', 'igny8-bridge' );
	if ( credits === null ) {
		return base;
	}
	return sprintf(
		/* translators: 1: e.g. “Generate with AI”, 2: credits it costs. */
		_n(
			'%1$s (%2$d credit)',
			'%1$s (%2$d credits)',
			credits,
			'igny8-bridge'
		),
		base,
		credits
	);
}

/**
 * The blueprint a finished generation saved.
 * @param run The finished run.
 */
export function generatedBlueprintId( run: AiRun ): number | null {
	const id = run.output_summary?.blueprint_id;
	return typeof id === 'number' ? id : null;
}

/**
 * Generating a site structure with AI: how many pages and what to keep in
 * mind, the credit estimate before it starts, then its progress; once done,
 * a button opens what it made.
 * @param props             Component props.
 * @param props.siteId      The session's site.
 * @param props.blueprintId A new version of this blueprint instead of a new one.
 * @param props.onClose     Closes the dialog.
 * @param props.onGenerated Called with the blueprint the run saved.
 */
export function GenerateModal( {
	siteId,
	blueprintId,
	onClose,
	onGenerated,
}: {
	siteId: number;
	blueprintId?: number;
	onClose: () => void;
	onGenerated: ( id: number ) => void;
} ) {
	const [ maxPages, setMaxPages ] = useState( '20' );
	const [ instructions, setInstructions ] = useState( '' );
	const pages = Math.min( 60, Math.max( 3, Number( maxPages ) || 20 ) );
	return (
		<AiActionModal
			title={
				blueprintId
					? __( 'Generate a new version with AI', 'igny8-bridge' )
					: __( 'Generate a site structure with AI', 'igny8-bridge' )
			}
			fn={ GENERATE_FUNCTION }
			// The price is per structure: what the options say does not change it.
			estimateInput={ { site_id: siteId } }
			path={ GENERATE_PATH }
			body={ {
				site_id: siteId,
				...( blueprintId ? { blueprint_id: blueprintId } : {} ),
				max_pages: pages,
				...( instructions.trim()
					? { instructions: instructions.trim() }
					: {} ),
			} }
			startLabel={ __( 'Generate', 'igny8-bridge' ) }
			onClose={ onClose }
			result={ ( run ) => {
				const id = generatedBlueprintId( run );
				return id === null ? null : (
					<Button
						variant="primary"
						onClick={ () => onGenerated( id ) }
					>
						{ blueprintId
							? __( 'Show the new version', 'igny8-bridge' )
							: __( 'Open the site structure', 'igny8-bridge' ) }
					</Button>
				);
			} }
		>
			<p>
				{ blueprintId
					? __(
							'IGNY8 designs the structure again from this site’s industry, sectors and keyword clusters, and saves it as the next version. The versions before it stay in the history.',
							'igny8-bridge'
						)
					: __(
							'IGNY8 designs the pages (with their outline and target keywords), categories and main menu from this site’s industry, sectors and keyword clusters. You can change everything before it goes to WordPress.',
							'igny8-bridge'
						) }
			</p>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="number"
				min={ 3 }
				max={ 60 }
				label={ __( 'Pages, at most', 'igny8-bridge' ) }
				help={ __( 'From 3 to 60.', 'igny8-bridge' ) }
				value={ maxPages }
				onChange={ setMaxPages }
			/>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __(
					'Anything to keep in mind (optional)',
					'igny8-bridge'
				) }
				help={ __(
					'For example: “We only serve Berlin” or “Add a page per service”.',
					'igny8-bridge'
				) }
				value={ instructions }
				onChange={ setInstructions }
				rows={ 3 }
			/>
		</AiActionModal>
	);
}
