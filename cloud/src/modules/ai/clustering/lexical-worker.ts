import { parentPort } from 'node:worker_threads';
import { clusterLexical, type LexicalOptions } from './lexical';

/**
 * The body of the lexical clustering worker thread (see lexical-pool.ts):
 * one request at a time, answered with the clustering or the error message.
 */

export type LexicalRequest = {
	id: number;
	keywords: string[];
	options: LexicalOptions;
};

export type LexicalReply =
	| { id: number; result: ReturnType< typeof clusterLexical > }
	| { id: number; error: string };

parentPort?.on( 'message', ( request: LexicalRequest ) => {
	let reply: LexicalReply;
	try {
		reply = {
			id: request.id,
			result: clusterLexical( request.keywords, request.options ),
		};
	} catch ( error ) {
		reply = {
			id: request.id,
			error: error instanceof Error ? error.message : String( error ),
		};
	}
	parentPort!.postMessage( reply );
} );
