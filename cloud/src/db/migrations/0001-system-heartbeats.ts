import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate';

/**
 * Heartbeats written by the queue's round-trip check: proof that a job left
 * the API, reached a worker and was committed, once.
 */
export const migration: Migration = {
	name: '0001-system-heartbeats',
	async up( { context: qi } ) {
		await qi.createTable( 'system_heartbeats', {
			id: {
				type: DataTypes.BIGINT,
				autoIncrement: true,
				primaryKey: true,
			},
			job_id: {
				type: DataTypes.STRING( 128 ),
				allowNull: false,
				unique: true,
			},
			driver: { type: DataTypes.STRING( 16 ), allowNull: false },
			created_at: {
				type: DataTypes.DATE,
				allowNull: false,
				defaultValue: DataTypes.NOW,
			},
		} );
	},
	async down( { context: qi } ) {
		await qi.dropTable( 'system_heartbeats' );
	},
};
