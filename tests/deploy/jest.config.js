module.exports = {
	...require( '../../jest.preset' ),
	rootDir: __dirname,
	// The topology test runs five cloud processes, Caddy and WordPress: one
	// file at a time on a 2-core machine.
	maxWorkers: 1,
	testTimeout: 60_000,
};
