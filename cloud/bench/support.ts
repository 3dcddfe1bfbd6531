import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';

export type BenchResult = {
	name: string;
	value: number;
	unit: string;
	baseline: string;
	baseline_value: number;
	ratio: number;
};

/** Every benchmark ends by printing exactly one of these lines. */
export function report( result: Omit< BenchResult, 'ratio' > ): void {
	const ratio =
		result.baseline_value === 0 ? 0 : result.value / result.baseline_value;
	process.stdout.write(
		`${ JSON.stringify( { ...result, ratio: Number( ratio.toFixed( 3 ) ) } ) }\n`
	);
}

export async function listen( server: http.Server ): Promise< string > {
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	return `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }`;
}

/** Average requests per second over a fixed window; fails on any non-2xx. */
export async function requestsPerSecond(
	url: string,
	options: {
		seconds?: number;
		connections?: number;
		headers?: Record< string, string >;
	} = {}
): Promise< number > {
	const result = await autocannon( {
		url,
		connections: options.connections ?? 10,
		duration: options.seconds ?? Number( process.env.BENCH_SECONDS ?? 5 ),
		headers: options.headers,
	} );
	if ( result.non2xx > 0 || result.errors > 0 ) {
		throw new Error(
			`${ url }: ${ result.non2xx } non-2xx answers and ${ result.errors } errors`
		);
	}
	return Math.round( result.requests.average );
}
