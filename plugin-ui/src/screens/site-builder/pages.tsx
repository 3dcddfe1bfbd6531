/**
 * External dependencies
 */
import type { BlueprintPageType } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	SelectControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { announce } from '../../components/data-view/notices';
import { CheckedText, ParentSelect, problemOf } from './fields';
import { PAGE_TYPES, pageTypeLabel } from './format';
import { TreeList } from './tree-list';
import {
	addItem,
	removePage,
	setParent,
	slugify,
	temporaryKey,
	updateItem,
	type Draft,
	type DraftPage,
	type FieldProblems,
} from './tree';
import { WriteCopyButton } from './write-copy';

type SetDraft = ( change: ( draft: Draft ) => Draft ) => void;

/**
 * A new page, under a parent or at the top level.
 * @param parentKey Its parent.
 */
export function newPage( parentKey: string | null ): DraftPage {
	return {
		key: temporaryKey(),
		isNew: true,
		parent_key: parentKey,
		title: __( 'New page', 'igny8-bridge' ),
		slug: '',
		page_type: 'custom',
		status: 'publish',
		sections: [],
		target_keywords: [],
		cluster_id: null,
	};
}

/**
 * A page's outline: its sections (a heading and what the section says),
 * in order. They become the page's heading and paragraph blocks.
 * @param props          Component props.
 * @param props.page     The page.
 * @param props.onChange Called with the new sections.
 * @param props.readOnly Whether the outline can change.
 */
function Outline( {
	page,
	onChange,
	readOnly,
}: {
	page: DraftPage;
	onChange: ( sections: DraftPage[ 'sections' ] ) => void;
	readOnly: boolean;
} ) {
	const sections = page.sections;
	const change = (
		index: number,
		field: 'heading' | 'summary',
		value: string
	) =>
		onChange(
			sections.map( ( section, at ) =>
				at === index ? { ...section, [ field ]: value } : section
			)
		);
	const move = ( index: number, delta: -1 | 1 ) => {
		const next = [ ...sections ];
		const [ moved ] = next.splice( index, 1 );
		next.splice( index + delta, 0, moved! );
		onChange( next );
	};
	return (
		<fieldset className="igny8-sb__outline">
			<legend>{ __( 'Outline', 'igny8-bridge' ) }</legend>
			<p className="igny8-sb__hint">
				{ __(
					'Each section becomes a heading with a paragraph on the page, for the writer to fill in.',
					'igny8-bridge'
				) }
			</p>
			{ sections.length === 0 && (
				<p>{ __( 'No sections yet.', 'igny8-bridge' ) }</p>
			) }
			<ol className="igny8-sb__sections">
				{ sections.map( ( section, index ) => {
					const which = sprintf(
						/* translators: %d: the section's number. */
						__( 'section %d', 'igny8-bridge' ),
						index + 1
					);
					return (
						<li key={ index } className="igny8-sb__section">
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ sprintf(
									/* translators: %d: the section's number. */
									__(
										'Heading of section %d',
										'igny8-bridge'
									),
									index + 1
								) }
								value={ section.heading }
								onChange={ ( value ) =>
									change( index, 'heading', value )
								}
							/>
							<TextareaControl
								__nextHasNoMarginBottom
								label={ __( 'What it says', 'igny8-bridge' ) }
								value={ section.summary }
								onChange={ ( value ) =>
									change( index, 'summary', value )
								}
								rows={ 2 }
							/>
							{ ! readOnly && (
								<div className="igny8-sb__row-buttons">
									<Button
										icon="arrow-up-alt2"
										size="compact"
										label={ sprintf(
											/* translators: %s: e.g. “section 2”. */
											__( 'Move %s up', 'igny8-bridge' ),
											which
										) }
										disabled={ index === 0 }
										accessibleWhenDisabled
										onClick={ () =>
											index > 0 && move( index, -1 )
										}
									/>
									<Button
										icon="arrow-down-alt2"
										size="compact"
										label={ sprintf(
											/* translators: %s: e.g. “section 2”. */
											__(
												'Move %s down',
												'igny8-bridge'
											),
											which
										) }
										disabled={
											index === sections.length - 1
										}
										accessibleWhenDisabled
										onClick={ () =>
											index < sections.length - 1 &&
											move( index, 1 )
										}
									/>
									<Button
										icon="trash"
										size="compact"
										isDestructive
										label={ sprintf(
											/* translators: %s: e.g. “section 2”. */
											__( 'Remove %s', 'igny8-bridge' ),
											which
										) }
										onClick={ () =>
											onChange(
												sections.filter(
													( _section, at ) =>
														at !== index
												)
											)
										}
									/>
								</div>
							) }
						</li>
					);
				} ) }
			</ol>
			{ ! readOnly && (
				<Button
					variant="secondary"
					size="compact"
					onClick={ () =>
						onChange( [
							...sections,
							{ heading: '', summary: '' },
						] )
					}
				>
					{ __( 'Add a section', 'igny8-bridge' ) }
				</Button>
			) }
		</fieldset>
	);
}

/**
 * The Pages tab: the page tree, each page's fields when its row is open.
 * @param props          Component props.
 * @param props.draft    The draft.
 * @param props.setDraft Changes the draft.
 * @param props.problems What is wrong, by page.
 * @param props.readOnly Whether the person may change it.
 * @param props.open     The rows open now.
 * @param props.onToggle Opens or closes a row.
 * @param props.onOpen   Opens a row (a new page's).
 * @param props.pageIds  The saved pages' ids, by key.
 * @param props.dirty    Whether the draft has unsaved changes.
 * @param props.onWrite  Opens “Write the copy with AI” for a saved page (absent: the person may not).
 */
export function PagesTab( {
	draft,
	setDraft,
	problems,
	readOnly,
	open,
	onToggle,
	onOpen,
	pageIds,
	dirty,
	onWrite,
}: {
	draft: Draft;
	setDraft: SetDraft;
	problems: Record< string, FieldProblems >;
	readOnly: boolean;
	open: Set< string >;
	onToggle: ( key: string ) => void;
	onOpen: ( key: string ) => void;
	pageIds: ReadonlyMap< string, number >;
	dirty: boolean;
	onWrite?: ( key: string ) => void;
} ) {
	const pages = draft.pages;
	const change = ( key: string, changes: Partial< DraftPage > ) =>
		setDraft( ( current ) => ( {
			...current,
			pages: updateItem( current.pages, key, changes ),
		} ) );
	const add = ( parentKey: string | null ) => {
		const page = newPage( parentKey );
		setDraft( ( current ) => ( {
			...current,
			pages: addItem( current.pages, page ),
		} ) );
		onOpen( page.key );
	};

	const details = ( page: DraftPage ) => {
		const id = `igny8-sb-page-${ page.key }`;
		return (
			<fieldset className="igny8-sb__fields" disabled={ readOnly }>
				<CheckedText
					id={ `${ id }-title` }
					label={ __( 'Title', 'igny8-bridge' ) }
					value={ page.title }
					onChange={ ( title ) => change( page.key, { title } ) }
					problem={ problemOf( problems, page.key, 'title' ) }
				/>
				<CheckedText
					id={ `${ id }-slug` }
					label={ __( 'Slug', 'igny8-bridge' ) }
					value={ page.slug }
					onChange={ ( slug ) => change( page.key, { slug } ) }
					problem={ problemOf( problems, page.key, 'slug' ) }
					help={
						page.isNew
							? sprintf(
									/* translators: %s: the slug made from the title. */
									__(
										'The last part of the page’s address. Empty: “%s”, from the title.',
										'igny8-bridge'
									),
									slugify( page.title ) || 'page'
								)
							: __(
									'The last part of the page’s address. Changing it changes the address of the page in WordPress.',
									'igny8-bridge'
								)
					}
				/>
				<div className="igny8-sb__field-row">
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Type', 'igny8-bridge' ) }
						value={ page.page_type }
						options={ PAGE_TYPES.map( ( type ) => ( {
							value: type,
							label: pageTypeLabel( type ),
						} ) ) }
						onChange={ ( value ) =>
							change( page.key, {
								page_type: value as BlueprintPageType,
							} )
						}
					/>
					<ParentSelect
						items={ pages }
						item={ page }
						nameOf={ ( candidate ) => candidate.title }
						label={ __( 'Parent page', 'igny8-bridge' ) }
						onChange={ ( parentKey ) =>
							setDraft( ( current ) => ( {
								...current,
								pages: setParent(
									current.pages,
									page.key,
									parentKey
								),
							} ) )
						}
					/>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Status in WordPress', 'igny8-bridge' ) }
						value={ page.status }
						options={ [
							{
								value: 'publish',
								label: __( 'Published', 'igny8-bridge' ),
							},
							{
								value: 'draft',
								label: __( 'Draft', 'igny8-bridge' ),
							},
						] }
						onChange={ ( value ) =>
							change( page.key, {
								status: value as DraftPage[ 'status' ],
							} )
						}
					/>
				</div>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Target keywords', 'igny8-bridge' ) }
					help={ __( 'Separated by commas.', 'igny8-bridge' ) }
					value={ page.target_keywords.join( ',' ) }
					onChange={ ( value ) =>
						change( page.key, {
							target_keywords:
								value === '' ? [] : value.split( ',' ),
						} )
					}
				/>
				<Outline
					page={ page }
					readOnly={ readOnly }
					onChange={ ( sections ) =>
						change( page.key, { sections } )
					}
				/>
				{ ! readOnly && onWrite && (
					<WriteCopyButton
						pageId={
							page.isNew
								? null
								: ( pageIds.get( page.key ) ?? null )
						}
						sections={ page.sections.length }
						dirty={ dirty }
						onOpen={ () => onWrite( page.key ) }
					/>
				) }
			</fieldset>
		);
	};

	return (
		<div className="igny8-sb__tab">
			{ pages.length === 0 ? (
				<p className="igny8-sb__hint">
					{ readOnly
						? __(
								'This site structure has no pages.',
								'igny8-bridge'
							)
						: __(
								'No pages yet: add the first one (usually the home page), then the pages under it.',
								'igny8-bridge'
							) }
				</p>
			) : (
				<>
					{ ! readOnly && (
						<p className="igny8-sb__hint">
							{ __(
								'Drag a page onto another to move it: near its top edge puts it before, near its bottom edge after, on its middle under it. Or use the arrows, and the parent page in its details.',
								'igny8-bridge'
							) }
						</p>
					) }
					<TreeList
						items={ pages }
						label={ __( 'Pages', 'igny8-bridge' ) }
						titleOf={ ( page ) => page.title }
						summaryOf={ ( page ) => (
							<>
								<span>
									{ `/${ page.slug || slugify( page.title ) }/` }
								</span>
								<span>{ pageTypeLabel( page.page_type ) }</span>
								{ page.status === 'draft' && (
									<span>
										{ __( 'Draft', 'igny8-bridge' ) }
									</span>
								) }
								{ page.sections.length > 0 && (
									<span>
										{ sprintf(
											/* translators: %d: number of outline sections. */
											_n(
												'%d section',
												'%d sections',
												page.sections.length,
												'igny8-bridge'
											),
											page.sections.length
										) }
									</span>
								) }
								{ page.isNew && (
									<span className="igny8-sb__new">
										{ __( 'New', 'igny8-bridge' ) }
									</span>
								) }
							</>
						) }
						details={ details }
						onChange={ ( next ) =>
							setDraft( ( current ) => ( {
								...current,
								pages: next,
							} ) )
						}
						onRemove={ ( key ) => {
							const before = draft;
							const title =
								pages.find( ( page ) => page.key === key )
									?.title ?? '';
							setDraft( ( current ) =>
								removePage( current, key )
							);
							announce(
								pages.some(
									( page ) => page.parent_key === key
								)
									? sprintf(
											/* translators: %s: page title. */
											__(
												'“%s” removed; the pages under it moved up a level.',
												'igny8-bridge'
											),
											title
										)
									: sprintf(
											/* translators: %s: page title. */
											__(
												'“%s” removed.',
												'igny8-bridge'
											),
											title
										),
								() => setDraft( () => before )
							);
						} }
						onAddChild={ add }
						addChildLabel={ ( title ) =>
							sprintf(
								/* translators: %s: page title. */
								__( 'Add a page under “%s”', 'igny8-bridge' ),
								title
							)
						}
						readOnly={ readOnly }
						flagged={ new Set( Object.keys( problems ) ) }
						open={ open }
						onToggle={ onToggle }
						idPrefix="page"
					/>
				</>
			) }
			{ ! readOnly && (
				<Button
					variant="secondary"
					onClick={ () => add( null ) }
					__next40pxDefaultSize
				>
					{ __( 'Add a page', 'igny8-bridge' ) }
				</Button>
			) }
		</div>
	);
}
