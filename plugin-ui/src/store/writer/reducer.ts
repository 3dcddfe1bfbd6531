/**
 * Internal dependencies
 */
import { emptyCollection, reduceCollection } from '../collection';
import type { WriterKind, WriterState } from './types';

export const initialState: WriterState = {
	tasks: emptyCollection(),
	content: emptyCollection(),
	images: emptyCollection(),
	records: emptyCollection(),
};

const KINDS: WriterKind[] = [ 'tasks', 'content', 'images', 'records' ];

export default function reducer(
	state: WriterState = initialState,
	action: { type: string; kind?: string }
): WriterState {
	let changed = false;
	const next = { ...state };
	KINDS.forEach( ( kind ) => {
		const reduced = reduceCollection(
			kind,
			state[ kind ] as WriterState[ 'tasks' ],
			action
		);
		if ( reduced !== state[ kind ] ) {
			( next as Record< WriterKind, unknown > )[ kind ] = reduced;
			changed = true;
		}
	} );
	return changed ? next : state;
}
