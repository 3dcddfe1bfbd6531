import type { Router } from 'express';
import request from 'supertest';
import { toOpenApiPath } from '../src/http/openapi';
import { startTestCloud, type TestCloud } from './support';

type Layer = {
	route?: { path: string; methods: Record< string, boolean > };
	name: string;
	handle: Router & { stack?: Layer[] };
	matchers?: unknown;
};

/** Every (method, path) Express actually serves under /api/v1, read from the router itself. */
function servedRoutes( cloud: TestCloud ): string[] {
	const appStack = ( cloud.app as unknown as { router: { stack: Layer[] } } )
		.router.stack;
	const api = appStack.find(
		( layer ) =>
			layer.name === 'router' &&
			layer.handle.stack?.some( ( l ) => l.route?.path === '/health/' )
	);
	const served: string[] = [];
	for ( const layer of api?.handle.stack ?? [] ) {
		if ( ! layer.route ) {
			continue;
		}
		for ( const method of Object.keys( layer.route.methods ) ) {
			served.push( `${ method } ${ toOpenApiPath( layer.route.path ) }` );
		}
	}
	return served;
}

describe( 'the OpenAPI document', () => {
	let cloud: TestCloud;
	let document: {
		openapi: string;
		paths: Record<
			string,
			Record< string, { responses: Record< string, unknown > } >
		>;
	};

	beforeAll( async () => {
		cloud = await startTestCloud( { db: 'postgres', queue: 'inline' } );
		document = (
			await request( cloud.app ).get( '/api/v1/schema/' ).expect( 200 )
		).body;
	} );
	afterAll( async () => {
		await cloud?.stop();
	} );

	it( 'is a valid OpenAPI 3.1 document', async () => {
		// ESM-only package: loaded the way ESM loads.
		const { Validator } =
			await import( '@seriousme/openapi-schema-validator' );
		const validator = new Validator();
		const result = await validator.validate(
			document as unknown as object
		);
		expect( result.errors ).toBeUndefined();
		expect( result.valid ).toBe( true );
		expect( validator.version ).toBe( '3.1' );
	} );

	it( 'lists exactly the routes the server answers (the schema and docs routes aside)', () => {
		const documented = Object.entries( document.paths ).flatMap(
			( [ path, operations ] ) =>
				Object.keys( operations ).map(
					( method ) => `${ method } ${ path }`
				)
		);
		const served = servedRoutes( cloud ).filter(
			( r ) => ! r.endsWith( '/schema/' )
		);
		expect( served.length ).toBeGreaterThan( 25 );
		expect( documented.sort() ).toEqual( served.sort() );
	} );

	it( 'describes the envelope of each answer, and the error envelope', () => {
		const login = document.paths[ '/api/v1/auth/login/' ]!.post!;
		expect( JSON.stringify( login.responses[ '200' ] ) ).toContain(
			'"request_id"'
		);
		expect( JSON.stringify( login.responses[ '400' ] ) ).toContain(
			'"errors"'
		);
		const sites = document.paths[ '/api/v1/auth/sites/' ]!.get!;
		expect( JSON.stringify( sites.responses[ '200' ] ) ).toMatch(
			/"count".*"next".*"previous".*"results"/
		);
	} );

	it( 'is browsable', async () => {
		const page = await request( cloud.app )
			.get( '/api/v1/docs/' )
			.expect( 200 );
		expect( page.text ).toContain( 'swagger-ui-bundle.js' );
		await request( cloud.app )
			.get( '/api/v1/docs/assets/swagger-ui-bundle.js' )
			.expect( 200 );
		const init = await request( cloud.app )
			.get( '/api/v1/docs/init.js' )
			.expect( 200 );
		expect( init.text ).toContain( '/api/v1/schema/' );
	} );
} );
