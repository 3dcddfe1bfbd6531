import request from 'supertest';
import { bearer, type Tenant } from './fixtures';
import type { TestCloud } from './support';

export type WriterFixtures = {
	taskId: number;
	contentId: number;
	imageId: number;
};

/** A task, its content and a featured image in the tenant's sector, made through the API. */
export async function addWriterContent(
	cloud: TestCloud,
	tenant: Tenant,
	label = 'Fixture'
): Promise< WriterFixtures > {
	const auth = bearer( tenant.owner );
	const task = await request( cloud.app )
		.post( '/api/v1/writer/tasks/' )
		.set( auth )
		.send( { sector_id: tenant.sectorId, title: `${ label } task` } )
		.expect( 201 );
	const content = await request( cloud.app )
		.post( '/api/v1/writer/content/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			task_id: task.body.data.id,
			title: `${ label } content`,
			content_html: '<p>Hello world</p>',
		} )
		.expect( 201 );
	const image = await request( cloud.app )
		.post( '/api/v1/writer/images/' )
		.set( auth )
		.send( {
			sector_id: tenant.sectorId,
			content_id: content.body.data.id,
			image_url: 'https://cdn.example.test/a.png',
			is_featured: true,
		} )
		.expect( 201 );
	return {
		taskId: task.body.data.id,
		contentId: content.body.data.id,
		imageId: image.body.data.id,
	};
}
