/**
 * WordPress dependencies
 */
import { Button, TextareaControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { announce } from '../../components/data-view/notices';
import { CheckedText, ParentSelect, problemOf } from './fields';
import { TreeList } from './tree-list';
import {
	addItem,
	removeCategory,
	setParent,
	slugify,
	temporaryKey,
	updateItem,
	type Draft,
	type DraftCategory,
	type FieldProblems,
} from './tree';

type SetDraft = ( change: ( draft: Draft ) => Draft ) => void;

/**
 * The Categories tab: the post categories the structure makes, as a tree.
 * @param props          Component props.
 * @param props.draft    The draft.
 * @param props.setDraft Changes the draft.
 * @param props.problems What is wrong, by category.
 * @param props.readOnly Whether the person may change it.
 * @param props.open     The rows open now.
 * @param props.onToggle Opens or closes a row.
 * @param props.onOpen   Opens a row (a new category's).
 */
export function CategoriesTab( {
	draft,
	setDraft,
	problems,
	readOnly,
	open,
	onToggle,
	onOpen,
}: {
	draft: Draft;
	setDraft: SetDraft;
	problems: Record< string, FieldProblems >;
	readOnly: boolean;
	open: Set< string >;
	onToggle: ( key: string ) => void;
	onOpen: ( key: string ) => void;
} ) {
	const categories = draft.categories;
	const change = ( key: string, changes: Partial< DraftCategory > ) =>
		setDraft( ( current ) => ( {
			...current,
			categories: updateItem( current.categories, key, changes ),
		} ) );
	const add = ( parentKey: string | null ) => {
		const category: DraftCategory = {
			key: temporaryKey(),
			isNew: true,
			parent_key: parentKey,
			name: __( 'New category', 'igny8-bridge' ),
			slug: '',
			description: '',
		};
		setDraft( ( current ) => ( {
			...current,
			categories: addItem( current.categories, category ),
		} ) );
		onOpen( category.key );
	};
	const details = ( category: DraftCategory ) => {
		const id = `igny8-sb-category-${ category.key }`;
		return (
			<fieldset className="igny8-sb__fields" disabled={ readOnly }>
				<CheckedText
					id={ `${ id }-name` }
					label={ __( 'Name', 'igny8-bridge' ) }
					value={ category.name }
					onChange={ ( name ) => change( category.key, { name } ) }
					problem={ problemOf( problems, category.key, 'name' ) }
				/>
				<CheckedText
					id={ `${ id }-slug` }
					label={ __( 'Slug', 'igny8-bridge' ) }
					value={ category.slug }
					onChange={ ( slug ) => change( category.key, { slug } ) }
					problem={ problemOf( problems, category.key, 'slug' ) }
					help={
						category.isNew
							? __(
									'Empty: made from the name. A category of this slug that WordPress has already is used as it is.',
									'igny8-bridge'
								)
							: undefined
					}
				/>
				<ParentSelect
					items={ categories }
					item={ category }
					nameOf={ ( candidate ) => candidate.name }
					label={ __( 'Parent category', 'igny8-bridge' ) }
					onChange={ ( parentKey ) =>
						setDraft( ( current ) => ( {
							...current,
							categories: setParent(
								current.categories,
								category.key,
								parentKey
							),
						} ) )
					}
				/>
				<TextareaControl
					__nextHasNoMarginBottom
					label={ __( 'Description', 'igny8-bridge' ) }
					value={ category.description }
					onChange={ ( description ) =>
						change( category.key, { description } )
					}
					rows={ 2 }
				/>
			</fieldset>
		);
	};
	return (
		<div className="igny8-sb__tab">
			{ categories.length === 0 ? (
				<p className="igny8-sb__hint">
					{ __(
						'No categories: posts are filed under WordPress’s own categories.',
						'igny8-bridge'
					) }
				</p>
			) : (
				<TreeList
					items={ categories }
					label={ __( 'Categories', 'igny8-bridge' ) }
					titleOf={ ( category ) => category.name }
					summaryOf={ ( category ) => (
						<>
							<span>
								{ category.slug || slugify( category.name ) }
							</span>
							{ category.isNew && (
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
							categories: next,
						} ) )
					}
					onRemove={ ( key ) => {
						const before = draft;
						setDraft( ( current ) =>
							removeCategory( current, key )
						);
						announce(
							sprintf(
								/* translators: %s: category name. */
								__( '“%s” removed.', 'igny8-bridge' ),
								categories.find(
									( category ) => category.key === key
								)?.name ?? ''
							),
							() => setDraft( () => before )
						);
					} }
					onAddChild={ add }
					addChildLabel={ ( title ) =>
						sprintf(
							/* translators: %s: category name. */
							__( 'Add a category under “%s”', 'igny8-bridge' ),
							title
						)
					}
					readOnly={ readOnly }
					flagged={ new Set( Object.keys( problems ) ) }
					open={ open }
					onToggle={ onToggle }
					idPrefix="category"
				/>
			) }
			{ ! readOnly && (
				<Button
					variant="secondary"
					onClick={ () => add( null ) }
					__next40pxDefaultSize
				>
					{ __( 'Add a category', 'igny8-bridge' ) }
				</Button>
			) }
		</div>
	);
}
