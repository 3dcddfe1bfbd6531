/**
 * External dependencies
 */
import type { Content, PublishingRecord, Task } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getClient, getSession, type CloudSession } from '../api';
import { errorMessage, isApiError, type ApiErrorKind } from '../api/errors';

export type Failure = { message: string; kind?: ApiErrorKind };

export interface ManagedContent {
	content: Content | null;
	task: Task | null;
	/** The last time IGNY8 sent this content to WordPress. */
	record: PublishingRecord | null;
	session: CloudSession | null;
	error: Failure | null;
	/** Puts a saved copy of the content in place (after the SEO panel saves). */
	replaceContent: ( content: Content ) => void;
}

interface Loaded {
	content: Content;
	task: Task | null;
	record: PublishingRecord | null;
	session: CloudSession;
}

/*
 * The document panel and the sidebar both show this post's IGNY8 data: one
 * request per content id for the page's life, whichever asks first.
 */
const loads = new Map< number, Promise< Loaded > >();
/** Every mounted user of a content id, told when a panel saved it. */
const listeners = new Map< number, Set< ( loaded: Loaded ) => void > >();

function load( contentId: number ): Promise< Loaded > {
	let pending = loads.get( contentId );
	if ( ! pending ) {
		pending = ( async () => {
			const client = getClient();
			const [ session, content, records ] = await Promise.all( [
				getSession().get(),
				client.get< Content >( `/writer/content/${ contentId }/` ),
				client.list< PublishingRecord >(
					'/publisher/publishing-records/',
					{ content_id: contentId, ordering: '-id', page_size: 1 }
				),
			] );
			// A missing task (deleted in IGNY8) leaves the rest of the panel useful.
			const task = content.task_id
				? await client
						.get< Task >( `/writer/tasks/${ content.task_id }/` )
						.catch( () => null )
				: null;
			return {
				content,
				task,
				record: records.results[ 0 ] ?? null,
				session,
			};
		} )();
		// A failure is not kept: opening the panel again tries again.
		pending.catch( () => loads.delete( contentId ) );
		loads.set( contentId, pending );
	}
	return pending;
}

/**
 * The IGNY8 content behind this post, its task, its last publication and
 * the cloud session's role.
 * @param contentId The post's `_igny8_content_id`.
 */
export function useManagedContent(
	contentId: number | undefined
): ManagedContent {
	const [ state, setState ] = useState< {
		loaded: Loaded | null;
		error: Failure | null;
	} >( { loaded: null, error: null } );
	useEffect( () => {
		if ( ! contentId ) {
			return;
		}
		let live = true;
		load( contentId ).then(
			( loaded ) => live && setState( { loaded, error: null } ),
			( failure: unknown ) =>
				live &&
				setState( {
					loaded: null,
					error: {
						message:
							isApiError( failure ) &&
							failure.kind === 'not_found'
								? __(
										'The IGNY8 content of this post no longer exists in the cloud.',
										'igny8-bridge'
									)
								: errorMessage(
										failure,
										__(
											'Could not load this post’s IGNY8 content.',
											'igny8-bridge'
										)
									),
						kind: isApiError( failure ) ? failure.kind : undefined,
					},
				} )
		);
		const replaced = ( loaded: Loaded ) =>
			live && setState( { loaded, error: null } );
		let mounted = listeners.get( contentId );
		if ( ! mounted ) {
			mounted = new Set();
			listeners.set( contentId, mounted );
		}
		mounted.add( replaced );
		return () => {
			live = false;
			mounted.delete( replaced );
		};
	}, [ contentId ] );
	// Every panel showing this content gets the saved copy (the Optimizer
	// scores what the SEO panel saved).
	const replaceContent = ( content: Content ) => {
		const current = state.loaded;
		if ( ! current ) {
			return;
		}
		const loaded = { ...current, content };
		loads.set( content.id, Promise.resolve( loaded ) );
		listeners.get( content.id )?.forEach( ( tell ) => tell( loaded ) );
	};
	return {
		content: state.loaded?.content ?? null,
		task: state.loaded?.task ?? null,
		record: state.loaded?.record ?? null,
		session: state.loaded?.session ?? null,
		error: state.error,
		replaceContent,
	};
}
