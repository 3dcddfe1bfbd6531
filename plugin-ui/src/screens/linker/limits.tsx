/**
 * External dependencies
 */
import type { LinkerSettings } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	TextControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient } from '../../api';
import { errorMessage } from '../../api/errors';
import { announce } from '../../components/data-view/notices';
import { ErrorNotice, Loading } from '../../components/states';

/** The bounds the cloud accepts (shared-types linkerSettingsSchema). */
const MAX_PER_POST = 50;
const MAX_PER_PARAGRAPH = 10;

/**
 * A whole number within bounds, or null for anything else.
 * @param value The field's text.
 * @param max   The largest accepted.
 */
function count( value: string, max: number ): number | null {
	if ( ! /^\d{1,3}$/.test( value.trim() ) ) {
		return null;
	}
	const number = Number( value );
	return number <= max ? number : null;
}

/**
 * How many links the Linker suggests per post and per paragraph (the
 * cloud's `/linker/settings/` for this site). Only for those who manage
 * the site.
 */
export function LinkLimits() {
	const [ saved, setSaved ] = useState< LinkerSettings | null >( null );
	const [ perPost, setPerPost ] = useState( '' );
	const [ perParagraph, setPerParagraph ] = useState( '' );
	const [ error, setError ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );

	useEffect( () => {
		let live = true;
		getClient()
			.get< LinkerSettings >( '/linker/settings/' )
			.then(
				( settings ) => {
					if ( live ) {
						setSaved( settings );
						setPerPost( String( settings.max_links_per_post ) );
						setPerParagraph(
							String( settings.max_links_per_paragraph )
						);
					}
				},
				( failure: unknown ) =>
					live &&
					setError(
						errorMessage(
							failure,
							__(
								'Could not load the link limits.',
								'igny8-bridge'
							)
						)
					)
			);
		return () => {
			live = false;
		};
	}, [] );

	const post = count( perPost, MAX_PER_POST );
	const paragraph = count( perParagraph, MAX_PER_PARAGRAPH );
	const changed =
		saved !== null &&
		( post !== saved.max_links_per_post ||
			paragraph !== saved.max_links_per_paragraph );

	const save = async ( event: React.FormEvent ) => {
		event.preventDefault();
		if ( post === null || paragraph === null ) {
			return;
		}
		setBusy( true );
		setError( null );
		try {
			const next = await getClient().request< LinkerSettings >(
				'PUT',
				'/linker/settings/',
				{
					body: {
						max_links_per_post: post,
						max_links_per_paragraph: paragraph,
					},
				}
			);
			setSaved( next );
			announce(
				sprintf(
					/* translators: 1: links per post, 2: links per paragraph. */
					__(
						'Link limits saved: up to %1$d per post and %2$d per paragraph. Rebuild the index to apply them to every post now.',
						'igny8-bridge'
					),
					next.max_links_per_post,
					next.max_links_per_paragraph
				)
			);
		} catch ( failure ) {
			setError(
				errorMessage(
					failure,
					__(
						'The limits were not saved. Try again.',
						'igny8-bridge'
					)
				)
			);
		} finally {
			setBusy( false );
		}
	};

	return (
		<Card size="small" className="igny8-linker__limits">
			<CardHeader>
				<h2>{ __( 'Link limits', 'igny8-bridge' ) }</h2>
			</CardHeader>
			<CardBody>
				{ error && <ErrorNotice message={ error } /> }
				{ ! saved && ! error && <Loading /> }
				{ saved && (
					<form
						onSubmit={ save }
						className="igny8-linker__limits-form"
					>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="number"
							min={ 0 }
							max={ MAX_PER_POST }
							label={ __( 'Links per post', 'igny8-bridge' ) }
							help={ sprintf(
								/* translators: %d: the largest number accepted. */
								__(
									'The most links IGNY8 suggests for one post (0 to %d).',
									'igny8-bridge'
								),
								MAX_PER_POST
							) }
							value={ perPost }
							onChange={ setPerPost }
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							type="number"
							min={ 0 }
							max={ MAX_PER_PARAGRAPH }
							label={ __(
								'Links per paragraph',
								'igny8-bridge'
							) }
							help={ sprintf(
								/* translators: %d: the largest number accepted. */
								__(
									'So a paragraph does not turn into a list of links (0 to %d).',
									'igny8-bridge'
								),
								MAX_PER_PARAGRAPH
							) }
							value={ perParagraph }
							onChange={ setPerParagraph }
						/>
						<Button
							variant="secondary"
							type="submit"
							isBusy={ busy }
							disabled={
								busy ||
								! changed ||
								post === null ||
								paragraph === null
							}
							accessibleWhenDisabled
							__next40pxDefaultSize
						>
							{ __( 'Save limits', 'igny8-bridge' ) }
						</Button>
					</form>
				) }
			</CardBody>
		</Card>
	);
}
