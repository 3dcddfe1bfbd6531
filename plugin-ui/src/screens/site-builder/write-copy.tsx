/**
 * External dependencies
 */
import type { AiRun, Estimate } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { AiActionModal } from '../../components/ai-action';

export const WRITE_COPY_FUNCTION = 'write_page_copy';

/**
 * The path that starts writing a page's copy.
 * @param pageId The saved page.
 */
export const writeCopyPath = ( pageId: number ) =>
	`/site-builder/pages/${ pageId }/write/`;

/**
 * What writing one page's copy costs, asked once per page: the price on
 * the button before anyone opens the dialog (null until known, or when the
 * cloud could not say).
 * @param pageId The saved page, or null when there is none to price.
 */
export function useWriteCopyCost( pageId: number | null ): number | null {
	const [ credits, setCredits ] = useState< number | null >( null );
	useEffect( () => {
		if ( pageId === null ) {
			return;
		}
		let live = true;
		getClient()
			.post< Estimate >( '/billing/estimate/', {
				function: WRITE_COPY_FUNCTION,
				input: { page_id: pageId },
			} )
			.then(
				( estimate ) => live && setCredits( estimate.credits ),
				() => undefined
			);
		return () => {
			live = false;
		};
	}, [ pageId ] );
	return credits;
}

/**
 * “Write the copy with AI (1 credit)”, or without the price while it is unknown.
 * @param credits The price, when known.
 */
export function writeCopyLabel( credits: number | null ): string {
	const base = __( 'Write the copy with AI', 'igny8-bridge' );
	if ( credits === null ) {
		return base;
	}
	return sprintf(
		/* translators: 1: “Write the copy with AI”, 2: credits it costs. */
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
 * Why a page's copy cannot be written now, or null when it can.
 * @param props          What decides it.
 * @param props.pageId   The saved page (null: not saved yet).
 * @param props.sections How many sections its outline has.
 * @param props.dirty    Whether the structure has unsaved changes.
 */
export function writeCopyHint( {
	pageId,
	sections,
	dirty,
}: {
	pageId: number | null;
	sections: number;
	dirty: boolean;
} ): string | null {
	if ( pageId === null || dirty ) {
		return __(
			'Save your changes first: the copy is written for the saved version.',
			'igny8-bridge'
		);
	}
	if ( sections === 0 ) {
		return __(
			'Add the headings of the page’s outline first: a paragraph is written under each.',
			'igny8-bridge'
		);
	}
	return null;
}

/**
 * The button in a page's details that writes its copy with AI, its price
 * said on it; disabled, with the reason, when the page is not saved as it
 * is or has no outline.
 * @param props          Component props.
 * @param props.pageId   The saved page (null: not saved yet).
 * @param props.sections How many sections its outline has.
 * @param props.dirty    Whether the structure has unsaved changes.
 * @param props.onOpen   Opens the dialog.
 */
export function WriteCopyButton( {
	pageId,
	sections,
	dirty,
	onOpen,
}: {
	pageId: number | null;
	sections: number;
	dirty: boolean;
	onOpen: () => void;
} ) {
	const cost = useWriteCopyCost( sections > 0 ? pageId : null );
	const hint = writeCopyHint( { pageId, sections, dirty } );
	const hintId = `igny8-sb-copy-hint-${ pageId ?? 'new' }`;
	return (
		<div className="igny8-sb__copy">
			<Button
				variant="secondary"
				onClick={ onOpen }
				disabled={ hint !== null }
				accessibleWhenDisabled
				aria-describedby={ hint ? hintId : undefined }
				__next40pxDefaultSize
			>
				{ writeCopyLabel( hint ? null : cost ) }
			</Button>
			<p className="igny8-sb__hint" id={ hint ? hintId : undefined }>
				{ hint ??
					__(
						'IGNY8 writes the paragraph under each heading from the outline, the target keywords and your site, and saves it as the next version. The version before stays in the history.',
						'igny8-bridge'
					) }
			</p>
		</div>
	);
}

/**
 * The version a finished run saved.
 * @param run The finished run.
 */
export function writtenVersion( run: AiRun ): number | null {
	const version = run.output_summary?.version;
	return typeof version === 'number' ? version : null;
}

/**
 * Writing one page's copy with AI: the credit estimate first, then its
 * progress; once the new version is saved the editor loads it.
 * @param props           Component props.
 * @param props.pageId    The saved page.
 * @param props.title     Its title.
 * @param props.version   The version the editor shows (a save since is refused).
 * @param props.onClose   Closes the dialog.
 * @param props.onWritten Called with the finished run once the new version is saved.
 */
export function WriteCopyModal( {
	pageId,
	title,
	version,
	onClose,
	onWritten,
}: {
	pageId: number;
	title: string;
	version: number;
	onClose: () => void;
	onWritten: ( run: AiRun ) => void;
} ) {
	return (
		<AiActionModal
			title={ sprintf(
				/* translators: %s: page title. */
				__( 'Write the copy of “%s” with AI', 'igny8-bridge' ),
				title
			) }
			fn={ WRITE_COPY_FUNCTION }
			estimateInput={ { page_id: pageId } }
			path={ writeCopyPath( pageId ) }
			body={ { expected_version: version } }
			startLabel={ __( 'Write', 'igny8-bridge' ) }
			onClose={ onClose }
			onFinished={ ( run ) => {
				if ( run.status === 'succeeded' ) {
					onWritten( run );
				}
			} }
			result={ ( run ) => {
				const saved = writtenVersion( run );
				return (
					<p>
						{ saved === null
							? __(
									'The copy is written and shown in the outline.',
									'igny8-bridge'
								)
							: sprintf(
									/* translators: %d: version number. */
									__(
										'The copy is saved as version %d and shown in the outline.',
										'igny8-bridge'
									),
									saved
								) }
					</p>
				);
			} }
		>
			<p>
				{ __(
					'IGNY8 writes the paragraph under each heading of this page’s outline from its headings and notes, its target keywords, your site’s industry and sectors, and your default author profile. Only this page’s paragraphs change; they are saved as the next version.',
					'igny8-bridge'
				) }
			</p>
		</AiActionModal>
	);
}
