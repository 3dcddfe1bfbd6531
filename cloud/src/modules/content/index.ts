/** The content module's public face: the only file other modules, ai/ and the composition root import from it (npm run lint checks). */
export { findScoped, scopedResourceRoutes } from './crud';

export {
	type SectorScope,
	assertReachable,
	assertTransition,
	idsInScope,
	listScope,
	resolveSector,
	scopeOf,
} from './scope';
