import {
	Op,
	type Model,
	type ModelStatic,
	type Transaction,
	type WhereOptions,
} from 'sequelize';

export function slugify( value: string ): string {
	const slug = value
		.normalize( 'NFKD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase()
		.replace( /&/g, ' and ' )
		.replace( /[^a-z0-9]+/g, '-' )
		.replace( /^-+|-+$/g, '' )
		.slice( 0, 80 );
	return slug || 'item';
}

/** `name` slugified, suffixed -2, -3… until no row in `scope` has it. */
export async function uniqueSlug< M extends Model >(
	model: ModelStatic< M >,
	name: string,
	scope: WhereOptions,
	transaction?: Transaction
): Promise< string > {
	const base = slugify( name );
	const taken = new Set(
		(
			await model.findAll( {
				attributes: [ 'slug' ],
				where: {
					...( scope as object ),
					slug: { [ Op.like ]: `${ base }%` },
				} as WhereOptions,
				transaction,
			} )
		).map( ( row ) => row.get( 'slug' ) as string )
	);
	if ( ! taken.has( base ) ) {
		return base;
	}
	for ( let n = 2; ; n++ ) {
		if ( ! taken.has( `${ base }-${ n }` ) ) {
			return `${ base }-${ n }`;
		}
	}
}
