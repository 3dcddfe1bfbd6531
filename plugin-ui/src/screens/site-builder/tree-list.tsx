/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import {
	canPlace,
	childrenOf,
	moveAmongSiblings,
	placeItem,
	type DropPlace,
	type TreeItem,
} from './tree';

/**
 * A tree the person reorders: drag a row onto another (its upper edge puts
 * it before, its lower edge after, its middle inside), or — from the
 * keyboard — the Move up / Move down buttons of each row and the parent
 * menu in its details. Each row opens its details below it. What moved is
 * said to screen readers.
 */

export interface TreeListProps< T extends TreeItem > {
	items: T[];
	/** The list's accessible name, e.g. “Pages”. */
	label: string;
	titleOf: ( item: T ) => string;
	/** A line under the title: slug, type … */
	summaryOf: ( item: T ) => React.ReactNode;
	/** The item's fields, shown when its row is open. */
	details: ( item: T ) => React.ReactNode;
	onChange: ( items: T[] ) => void;
	onRemove: ( key: string ) => void;
	/** Adds a child under an item; none: items have no “Add under” button. */
	onAddChild?: ( parentKey: string ) => void;
	/** The “Add under” button's words for an item's title, e.g. “Add a page under “About””. */
	addChildLabel?: ( title: string ) => string;
	readOnly: boolean;
	/** Keys whose fields have problems: their rows say so. */
	flagged: Set< string >;
	/** Rows open now. */
	open: Set< string >;
	onToggle: ( key: string ) => void;
	/** Makes the ids of the rows' details unique on the page. */
	idPrefix: string;
}

/**
 * “2 of 5”, where an item sits among its siblings.
 * @param items The tree.
 * @param key   The item.
 */
function placeOf( items: TreeItem[], key: string ): [ number, number ] {
	const item = items.find( ( candidate ) => candidate.key === key );
	const siblings = childrenOf( items, item?.parent_key ?? null );
	return [
		siblings.findIndex( ( sibling ) => sibling.key === key ) + 1,
		siblings.length,
	];
}

export function TreeList< T extends TreeItem >( props: TreeListProps< T > ) {
	const {
		items,
		label,
		titleOf,
		readOnly,
		onChange,
		flagged,
		open,
		onToggle,
	} = props;
	const [ dragged, setDragged ] = useState< string | null >( null );
	const [ drop, setDrop ] = useState< {
		key: string;
		place: DropPlace;
	} | null >( null );
	const [ said, setSaid ] = useState( '' );
	const listRef = useRef< HTMLUListElement >( null );
	const refocus = useRef< { key: string; direction: -1 | 1 } | null >( null );

	// A moved row keeps the focus on its button (or the other one at an end).
	useEffect( () => {
		const wanted = refocus.current;
		if ( ! wanted || ! listRef.current ) {
			return;
		}
		refocus.current = null;
		const row = listRef.current.querySelector(
			`[data-key="${ wanted.key }"]`
		);
		const [ position, total ] = placeOf( items, wanted.key );
		const atEnd =
			wanted.direction === -1 ? position === 1 : position === total;
		const direction = atEnd ? -wanted.direction : wanted.direction;
		row?.querySelector< HTMLButtonElement >(
			`:scope > .igny8-sb__row button[data-move="${ direction }"]`
		)?.focus();
	}, [ items ] );

	const nameOf = ( key: string ) => {
		const item = items.find( ( candidate ) => candidate.key === key );
		return item ? titleOf( item ) : '';
	};
	const tell = ( next: T[], key: string ) => {
		const [ position, total ] = placeOf( next, key );
		const item = next.find( ( candidate ) => candidate.key === key );
		const parent =
			item?.parent_key === null || ! item
				? null
				: next.find(
						( candidate ) => candidate.key === item.parent_key
					);
		setSaid(
			parent
				? sprintf(
						/* translators: 1: item name, 2: its place, 3: how many siblings, 4: its parent's name. */
						__(
							'“%1$s” moved: %2$d of %3$d under “%4$s”.',
							'igny8-bridge'
						),
						nameOf( key ),
						position,
						total,
						titleOf( parent )
					)
				: sprintf(
						/* translators: 1: item name, 2: its place, 3: how many siblings. */
						__(
							'“%1$s” moved: %2$d of %3$d at the top level.',
							'igny8-bridge'
						),
						nameOf( key ),
						position,
						total
					)
		);
	};
	const move = ( key: string, direction: -1 | 1 ) => {
		const next = moveAmongSiblings( items, key, direction );
		refocus.current = { key, direction };
		onChange( next );
		tell( next, key );
	};
	const dropOn = ( targetKey: string, place: DropPlace ) => {
		if ( dragged === null || ! canPlace( items, dragged, targetKey ) ) {
			return;
		}
		const next = placeItem( items, dragged, targetKey, place );
		onChange( next );
		tell( next, dragged );
	};

	const placeFor = ( event: React.DragEvent< HTMLElement > ): DropPlace => {
		const box = event.currentTarget.getBoundingClientRect();
		const at = ( event.clientY - box.top ) / ( box.height || 1 );
		if ( at < 0.3 ) {
			return 'before';
		}
		return at > 0.7 ? 'after' : 'inside';
	};

	const level = ( parentKey: string | null ): React.ReactNode =>
		childrenOf( items, parentKey ).map( ( item, index, siblings ) => {
			const title = titleOf( item ) || __( '(untitled)', 'igny8-bridge' );
			const isOpen = open.has( item.key );
			const children = childrenOf( items, item.key );
			const dropHere = drop?.key === item.key ? drop.place : undefined;
			const detailsId = `igny8-sb-${ props.idPrefix }-${ item.key }`;
			return (
				<li
					key={ item.key }
					className="igny8-sb__node"
					data-key={ item.key }
				>
					<div
						className="igny8-sb__row"
						data-drop={ dropHere }
						data-dragging={ dragged === item.key || undefined }
						data-flagged={ flagged.has( item.key ) || undefined }
						draggable={ ! readOnly }
						onDragStart={ ( event ) => {
							event.stopPropagation();
							event.dataTransfer.effectAllowed = 'move';
							event.dataTransfer.setData(
								'text/plain',
								item.key
							);
							setDragged( item.key );
						} }
						onDragEnd={ () => {
							setDragged( null );
							setDrop( null );
						} }
						onDragOver={ ( event ) => {
							if (
								dragged === null ||
								! canPlace( items, dragged, item.key )
							) {
								return;
							}
							event.preventDefault();
							event.dataTransfer.dropEffect = 'move';
							const place = placeFor( event );
							if (
								drop?.key !== item.key ||
								drop.place !== place
							) {
								setDrop( { key: item.key, place } );
							}
						} }
						onDragLeave={ () => {
							if ( drop?.key === item.key ) {
								setDrop( null );
							}
						} }
						onDrop={ ( event ) => {
							event.preventDefault();
							dropOn( item.key, placeFor( event ) );
							setDragged( null );
							setDrop( null );
						} }
					>
						{ ! readOnly && (
							<span
								className="igny8-sb__handle dashicons dashicons-menu"
								aria-hidden="true"
								title={ __( 'Drag to move', 'igny8-bridge' ) }
							/>
						) }
						<button
							type="button"
							className="igny8-sb__toggle"
							aria-expanded={ isOpen }
							aria-controls={ isOpen ? detailsId : undefined }
							onClick={ () => onToggle( item.key ) }
						>
							<span className="igny8-sb__title">{ title }</span>
							<span className="igny8-sb__summary">
								{ props.summaryOf( item ) }
								{ flagged.has( item.key ) && (
									<span className="igny8-sb__flag">
										{ __( 'Needs a fix', 'igny8-bridge' ) }
									</span>
								) }
							</span>
						</button>
						{ ! readOnly && (
							<div className="igny8-sb__row-buttons">
								<Button
									icon="arrow-up-alt2"
									size="compact"
									data-move="-1"
									label={ sprintf(
										/* translators: %s: item name. */
										__( 'Move “%s” up', 'igny8-bridge' ),
										title
									) }
									disabled={ index === 0 }
									accessibleWhenDisabled
									onClick={ () =>
										index > 0 && move( item.key, -1 )
									}
								/>
								<Button
									icon="arrow-down-alt2"
									size="compact"
									data-move="1"
									label={ sprintf(
										/* translators: %s: item name. */
										__( 'Move “%s” down', 'igny8-bridge' ),
										title
									) }
									disabled={ index === siblings.length - 1 }
									accessibleWhenDisabled
									onClick={ () =>
										index < siblings.length - 1 &&
										move( item.key, 1 )
									}
								/>
								{ props.onAddChild && props.addChildLabel && (
									<Button
										icon="plus-alt2"
										size="compact"
										label={ props.addChildLabel( title ) }
										onClick={ () =>
											props.onAddChild?.( item.key )
										}
									/>
								) }
								<Button
									icon="trash"
									size="compact"
									isDestructive
									label={ sprintf(
										/* translators: %s: item name. */
										__( 'Remove “%s”', 'igny8-bridge' ),
										title
									) }
									onClick={ () => props.onRemove( item.key ) }
								/>
							</div>
						) }
					</div>
					{ isOpen && (
						<div className="igny8-sb__details" id={ detailsId }>
							{ props.details( item ) }
						</div>
					) }
					{ children.length > 0 && (
						<ul className="igny8-sb__children">
							{ level( item.key ) }
						</ul>
					) }
				</li>
			);
		} );

	return (
		<>
			<ul className="igny8-sb__tree" aria-label={ label } ref={ listRef }>
				{ level( null ) }
			</ul>
			<p className="screen-reader-text" aria-live="polite">
				{ said }
			</p>
		</>
	);
}
