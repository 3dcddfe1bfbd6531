/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * Newer / Older over a list shown newest first.
 * @param props         The pages and how to move between them.
 * @param props.label   What the pages are of, for screen readers ("Ledger pages").
 * @param props.page    The page shown (from 1).
 * @param props.pages   How many pages there are.
 * @param props.summary Where the reader is, in words ("Page 2 of 5").
 * @param props.onPage  Shows another page.
 */
export function Pager( {
	label,
	page,
	pages,
	summary,
	onPage,
}: {
	label: string;
	page: number;
	pages: number;
	summary: string;
	onPage: ( page: number ) => void;
} ) {
	return (
		<nav className="igny8c-pager" aria-label={ label }>
			<Button
				__next40pxDefaultSize
				variant="tertiary"
				disabled={ page <= 1 }
				onClick={ () => onPage( page - 1 ) }
			>
				{ __( 'Newer' ) }
			</Button>
			<span>{ summary }</span>
			<Button
				__next40pxDefaultSize
				variant="tertiary"
				disabled={ page >= pages }
				onClick={ () => onPage( page + 1 ) }
			>
				{ __( 'Older' ) }
			</Button>
		</nav>
	);
}
