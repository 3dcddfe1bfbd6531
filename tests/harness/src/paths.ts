import path from 'node:path';

/** The repository root, found from this file whether it runs from src/ or dist/. */
export const REPO_ROOT = path.resolve( __dirname, '..', '..', '..' );

/** Where local state lives: git-ignored, reused between runs. */
export const STATE_DIR = path.join( REPO_ROOT, '.igny8' );

export const PLUGIN_DIR = path.join( REPO_ROOT, 'plugin' );

/** Test artefacts CI keeps: screenshots, logs. */
export const TEST_OUTPUT_DIR =
	process.env.IGNY8_TEST_OUTPUT ?? path.join( REPO_ROOT, 'test-output' );
