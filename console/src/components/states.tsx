/**
 * WordPress dependencies
 */
import { Notice, Spinner } from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';

export function Loading( { label }: { label?: string } ) {
	return (
		<p className="igny8c-loading" role="status">
			<Spinner />
			{ label ?? __( 'Loading…' ) }
		</p>
	);
}

export function ErrorNotice( {
	error,
	onRetry,
}: {
	error: unknown;
	onRetry?: () => void;
} ) {
	return (
		<Notice
			status="error"
			isDismissible={ false }
			actions={
				onRetry
					? [ { label: __( 'Try again' ), onClick: onRetry } ]
					: []
			}
		>
			{ errorText( error ) }
		</Notice>
	);
}

/**
 * Nothing to show yet: says so, and what to do next.
 * @param root0          The props.
 * @param root0.title    What there is not (yet).
 * @param root0.children What to do next.
 */
export function Empty( {
	title,
	children,
}: {
	title: string;
	children?: React.ReactNode;
} ) {
	return (
		<div className="igny8c-empty">
			<p className="igny8c-empty__title">{ title }</p>
			{ children && (
				<div className="igny8c-empty__next">{ children }</div>
			) }
		</div>
	);
}

export type Loaded< T > =
	| { state: 'loading' }
	| { state: 'error'; error: unknown }
	| { state: 'ready'; value: T };

/**
 * Runs `load` when its dependencies change; `reload` runs it again. A late
 * answer for older dependencies is dropped.
 * @param load What to load.
 * @param deps When to load it again.
 */
export function useLoad< T >(
	load: () => Promise< T >,
	deps: unknown[]
): [ Loaded< T >, () => void ] {
	const [ result, setResult ] = useState< Loaded< T > >( {
		state: 'loading',
	} );
	const [ tick, setTick ] = useState( 0 );
	useEffect( () => {
		let current = true;
		setResult( ( previous ) =>
			previous.state === 'ready' ? previous : { state: 'loading' }
		);
		load().then(
			( value ) => current && setResult( { state: 'ready', value } ),
			( error: unknown ) =>
				current && setResult( { state: 'error', error } )
		);
		return () => {
			current = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ ...deps, tick ] );
	const reload = useCallback( () => setTick( ( t ) => t + 1 ), [] );
	return [ result, reload ];
}
