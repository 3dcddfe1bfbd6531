import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { REPO_ROOT } from './compose';

/**
 * A Dockerfile read into its build stages, with the `ARG`s declared before
 * the first `FROM` resolved in the stages' base images, as `docker build`
 * resolves them without `--build-arg`.
 */

export type Step = {
	keyword: string;
	/** Arguments without flags (`--from=…`, `--chown=…`). */
	args: string[];
	/** The arguments as written, flags excluded, continuations joined. */
	content: string;
	/** Flags as `name=value`. */
	flags: string[];
	line: number;
};

export type Stage = {
	name?: string;
	/** The base image with build arguments resolved. */
	image: string;
	steps: Step[];
};

export type ParsedDockerfile = {
	file: string;
	text: string;
	args: Record< string, string >;
	stages: Stage[];
};

function flagsOf( instruction: Instruction ): string[] {
	const withFlags = instruction as Instruction & {
		getFlags?: () => { getName(): string; getValue(): string | null }[];
	};
	return ( withFlags.getFlags?.() ?? [] ).map(
		( flag ) => `${ flag.getName() }=${ flag.getValue() ?? '' }`
	);
}

function resolveArgs( text: string, args: Record< string, string > ): string {
	return text.replace(
		/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
		( whole, braced?: string, bare?: string ) =>
			args[ ( braced ?? bare )! ] ?? whole
	);
}

export function readDockerfile( relative: string ): ParsedDockerfile {
	const file = path.join( REPO_ROOT, relative );
	const text = fs.readFileSync( file, 'utf8' );
	const dockerfile = DockerfileParser.parse( text );
	const args: Record< string, string > = {};
	for ( const arg of dockerfile.getInitialARGs() ) {
		const property = arg.getProperty();
		if ( property ) {
			args[ property.getName() ] = property.getValue() ?? '';
		}
	}
	const stages: Stage[] = [];
	for ( const instruction of dockerfile.getInstructions() ) {
		const keyword = instruction.getKeyword().toUpperCase();
		const step: Step = {
			keyword,
			args: instruction.getArguments().map( ( arg ) => arg.getValue() ),
			content: ( instruction.getArgumentsContent() ?? '' ).replace(
				/\s+/g,
				' '
			),
			flags: flagsOf( instruction ),
			line: instruction.getRange().start.line + 1,
		};
		if ( keyword === 'FROM' ) {
			const [ image = '', as, name ] = step.args;
			stages.push( {
				image: resolveArgs( image, args ),
				name: as?.toUpperCase() === 'AS' ? name : undefined,
				steps: [],
			} );
		} else if ( stages.length > 0 ) {
			stages.at( -1 )!.steps.push( step );
		}
	}
	return { file: relative, text, args, stages };
}

/** The stage an image is made of: the last one. */
export function finalStage( dockerfile: ParsedDockerfile ): Stage {
	const stage = dockerfile.stages.at( -1 );
	if ( ! stage ) {
		throw new Error( `${ dockerfile.file } has no FROM` );
	}
	return stage;
}

/** The last instruction of a kind in a stage (the one that takes effect). */
export function lastStep( stage: Stage, keyword: string ): Step | undefined {
	return stage.steps.filter( ( step ) => step.keyword === keyword ).at( -1 );
}

/** `CMD ["a", "b"]` → `[ 'a', 'b' ]`; the exec (JSON) form only. */
export function jsonCommand( content: string ): string[] {
	const json = content.slice( content.indexOf( '[' ) );
	const parsed: unknown = JSON.parse( json );
	if (
		! Array.isArray( parsed ) ||
		! parsed.every( ( part ) => typeof part === 'string' )
	) {
		throw new Error( `Not an exec-form command: ${ content }` );
	}
	return parsed;
}
