module.exports = {
	...require( '../../jest.preset' ),
	rootDir: __dirname,
	// Each file starts real WordPress, PHP and Chromium: one at a time on a 2-core machine.
	maxWorkers: 1,
	testTimeout: 180_000,
};
