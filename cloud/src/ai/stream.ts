import type { Request, Response } from 'express';
import type { AiRun } from '@igny8/shared-types';
import { AI_DEFAULTS } from './defaults';
import { isFinal, type AiEngine, type RunSnapshot } from './engine';
import { serializeRun } from './serialize';

/**
 * A run's progress as Server-Sent Events: `state` (where it is now), then
 * `progress` for every change, then `done` with the final state, and the
 * stream ends. Changes made in this process arrive at once through the
 * engine's listeners; the run row is also re-read every `streamPollMs`, so a
 * worker in another process (bee-queue) is heard too, through the database
 * both already share. Every change carries a sequence number: an event is
 * sent only when it is newer than the last one, so the two sources never
 * repeat or reorder anything.
 */
export function streamRun(
	engine: AiEngine,
	req: Request,
	res: Response,
	first: RunSnapshot
): void {
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
	const unwatch = engine.watch( Number( first.id ), deliver );
	const poll = setInterval( () => {
		engine.load( Number( first.id ) ).then( deliver, () => undefined );
	}, AI_DEFAULTS.streamPollMs );
	const heartbeat = setInterval(
		() => res.write( ': keep-alive\n\n' ),
		AI_DEFAULTS.streamHeartbeatMs
	);
	function end() {
		if ( ended ) {
			return;
		}
		ended = true;
		unwatch();
		clearInterval( poll );
		clearInterval( heartbeat );
		res.end();
	}
	req.on( 'close', end );
	deliver( first );
}
