import fs from 'node:fs';

function alive( pid: number ): boolean {
	try {
		process.kill( pid, 0 );
		return true;
	} catch ( error ) {
		return ( error as NodeJS.ErrnoException ).code === 'EPERM';
	}
}

/**
 * One `npm start` per data folder: two would share one embedded database and
 * one SQLite file. Returns the running owner's pid when the lock is taken.
 */
export function acquireLock( file: string ): number | undefined {
	for ( let attempt = 0; attempt < 2; attempt++ ) {
		try {
			fs.writeFileSync( file, `${ process.pid }\n`, { flag: 'wx' } );
			process.on( 'exit', () => releaseLock( file ) );
			return undefined;
		} catch ( error ) {
			if ( ( error as NodeJS.ErrnoException ).code !== 'EEXIST' ) {
				throw error;
			}
		}
		const owner = parseInt( fs.readFileSync( file, 'utf8' ), 10 );
		if ( owner && owner !== process.pid && alive( owner ) ) {
			return owner;
		}
		// Left behind by a start that was killed: take it over.
		fs.rmSync( file, { force: true } );
	}
	throw new Error( `Could not take the lock ${ file }.` );
}

export function releaseLock( file: string ): void {
	try {
		if ( parseInt( fs.readFileSync( file, 'utf8' ), 10 ) === process.pid ) {
			fs.rmSync( file, { force: true } );
		}
	} catch {
		// Already gone.
	}
}
