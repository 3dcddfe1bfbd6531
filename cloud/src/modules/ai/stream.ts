import type { Request, Response } from 'express';
import type { AiRun } from '@igny8/shared-types';
import type { Principal } from '../auth';
import { AI_DEFAULTS } from './defaults';
import { isFinal, type AiEngine, type RunSnapshot } from './engine';
import { serializeRun } from './serialize';

/** Who holds a stream slot: the person, or the site for its key and its WordPress users. */
function holderOf( principal: Principal ): string {
	return principal.kind === 'user'
		? `user:${ principal.user.id }`
		: `site:${ principal.site.id }`;
}

/**
 * A run's progress as Server-Sent Events: `state` (where it is now), then
 * `progress` for every change, then `done` with the final state, and the
 * stream ends. Changes arrive through the engine's run feed: at once when
 * this process made them, else from the feed's one batched re-read of the
 * followed runs (a worker in another process writes the row). Every change
 * carries a sequence number: an event is sent only when it is newer than the
 * last one, so the two sources never repeat or reorder anything. A holder
 * over its stream limit gets 429 before anything is streamed.
 */
export function streamRun(
	engine: AiEngine,
	principal: Principal,
	req: Request,
	res: Response,
	first: RunSnapshot
): void {
	const release = engine.feed.admit( holderOf( principal ) );
	res.status( 200 ).set( {
		'Content-Type': 'text/event-stream; charset=utf-8',
		'Cache-Control': 'no-cache, no-transform',
		Connection: 'keep-alive',
		'X-Accel-Buffering': 'no',
	} );
	res.flushHeaders();

	let lastSeq = -1;
	let ended = false;
	const write = ( event: string, run: AiRun ) => {
		res.write(
			`id: ${ run.progress.seq }\nevent: ${ event }\ndata: ${ JSON.stringify( run ) }\n\n`
		);
	};
	const deliver = ( snapshot: RunSnapshot | null ) => {
		if ( ended || ! snapshot ) {
			return;
		}
		const run = serializeRun( snapshot );
		if ( run.progress.seq <= lastSeq ) {
			return;
		}
		const event =
			lastSeq < 0 ? 'state' : isFinal( run.status ) ? 'done' : 'progress';
		lastSeq = run.progress.seq;
		if ( isFinal( run.status ) ) {
			if ( event === 'state' ) {
				write( 'state', run );
			}
			write( 'done', run );
			end();
			return;
		}
		write( event, run );
	};
	const unfollow = engine.feed.follow( Number( first.id ), deliver );
	const heartbeat = setInterval(
		() => res.write( ': keep-alive\n\n' ),
		AI_DEFAULTS.streamHeartbeatMs
	);
	function end() {
		if ( ended ) {
			return;
		}
		ended = true;
		unfollow();
		release();
		clearInterval( heartbeat );
		res.end();
	}
	req.on( 'close', end );
	res.on( 'close', end );
	deliver( first );
}
