import fs from 'node:fs';
import path from 'node:path';

/**
 * The terminal gets only what a person needs; everything else goes to files
 * under the logs folder. Each start moves the previous run's log to `*.1`.
 */
export class StartLog {
	readonly file: string;

	constructor( readonly logDir: string ) {
		fs.mkdirSync( logDir, { recursive: true } );
		this.file = rotateLog( path.join( logDir, 'start.log' ) );
	}

	/** Path of a sibling log file, rotated (the previous run's kept as `.1`). */
	fresh( name: string ): string {
		return rotateLog( path.join( this.logDir, name ) );
	}

	/** A line for the log only. */
	note( message: string ): void {
		fs.appendFileSync(
			this.file,
			`${ new Date().toISOString() } ${ message }\n`
		);
	}

	/** A line for the person at the terminal (and the log). */
	say( message: string ): void {
		process.stdout.write( `${ message }\n` );
		this.note( message );
	}

	/** An error for the person at the terminal (and the log). */
	error( message: string ): void {
		process.stderr.write( `${ message }\n` );
		this.note( `ERROR ${ message }` );
	}
}

export function rotateLog( file: string ): string {
	if ( fs.existsSync( file ) ) {
		fs.renameSync( file, `${ file }.1` );
	}
	fs.writeFileSync( file, '' );
	return file;
}

/** The last `count` non-empty lines of a log file, for error messages. */
export function tailLines( file: string, count = 20 ): string {
	let text: string;
	try {
		const size = fs.statSync( file ).size;
		const fd = fs.openSync( file, 'r' );
		const length = Math.min( size, 64 * 1024 );
		const buffer = Buffer.alloc( length );
		fs.readSync( fd, buffer, 0, length, size - length );
		fs.closeSync( fd );
		text = buffer.toString( 'utf8' );
	} catch {
		return '  (no log output)';
	}
	const lines = text
		.split( /\r?\n/ )
		// Progress redraws and colour codes are noise in an error message.
		.map(
			( line ) =>
				line
					.replace( /\x1b\[[0-9;?]*[A-Za-z]/g, '' )
					.split( '\r' )
					.pop() ?? ''
		)
		.filter( ( line ) => line.trim() !== '' );
	const tail = lines.slice( -count );
	return tail.length
		? tail.map( ( line ) => `  ${ line }` ).join( '\n' )
		: '  (no log output)';
}
