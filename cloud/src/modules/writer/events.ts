import type { Sequelize, Transaction } from 'sequelize';
import type { ContentRow } from '../../db/content-models';
import { recordEvent } from '../../domain-events';

/**
 * Records that a content's text, title or state changed, in the transaction
 * that changed it: the linker (and whoever else reads the text) re-reads it.
 */
export async function contentSaved(
	db: { sequelize: Sequelize },
	transaction: Transaction,
	row: Pick< ContentRow, 'id' | 'account_id' | 'site_id' >
): Promise< void > {
	await recordEvent( db.sequelize, transaction, {
		type: 'content.saved',
		account_id: Number( row.account_id ),
		payload: {
			content_id: Number( row.id ),
			site_id: Number( row.site_id ),
		},
	} );
}
