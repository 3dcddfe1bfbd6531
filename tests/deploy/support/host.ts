import {
	environmentOf,
	type ComposeFile,
	type ComposeService,
} from './compose';
import {
	finalStage,
	jsonCommand,
	lastStep,
	readDockerfile,
} from './dockerfile';

/**
 * A compose service's containers as host processes: the environment and
 * command they would get, with what only makes sense on the compose network
 * replaced.
 */

function dockerfileOf( service: ComposeService ): string | undefined {
	return typeof service.build === 'object'
		? service.build.dockerfile
		: undefined;
}

/** The environment a service's containers get: its image's ENV, then compose's. */
export function containerEnvironment(
	compose: ComposeFile,
	serviceName: string
): Record< string, string > {
	const service = compose.services[ serviceName ];
	if ( ! service ) {
		throw new Error( `compose.yml has no service ${ serviceName }` );
	}
	const dockerfile = dockerfileOf( service );
	const imageEnv: Record< string, string > = {};
	if ( dockerfile ) {
		for ( const step of finalStage( readDockerfile( dockerfile ) ).steps ) {
			if ( step.keyword === 'ENV' ) {
				for ( const pair of step.args ) {
					const at = pair.indexOf( '=' );
					imageEnv[ pair.slice( 0, at ) ] = pair.slice( at + 1 );
				}
			}
		}
	}
	return { ...imageEnv, ...environmentOf( service ) };
}

/**
 * A container's environment on this host: only `replacements` differ (each
 * must be a variable compose sets, so a renamed one fails here), plus the
 * PATH and HOME every process needs.
 */
export function onHost(
	env: Record< string, string >,
	replacements: Record< string, string >,
	home: string
): Record< string, string > {
	for ( const name of Object.keys( replacements ) ) {
		if ( ! ( name in env ) ) {
			throw new Error( `compose.yml no longer sets ${ name }` );
		}
	}
	return {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: home,
		...env,
		...replacements,
	};
}

/** What a service's container runs: its `command`, else its image's CMD. */
export function commandOf(
	compose: ComposeFile,
	serviceName: string
): string[] {
	const service = compose.services[ serviceName ]!;
	if ( Array.isArray( service.command ) ) {
		return service.command;
	}
	const dockerfile = dockerfileOf( service );
	const cmd = dockerfile
		? lastStep( finalStage( readDockerfile( dockerfile ) ), 'CMD' )
		: undefined;
	if ( ! cmd ) {
		throw new Error( `${ serviceName }: no exec-form command to run` );
	}
	return jsonCommand( cmd.content );
}
