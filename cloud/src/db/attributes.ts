import { DataTypes } from 'sequelize';

/**
 * Column definitions shared by every model. Factories, not shared objects:
 * Sequelize writes into each attribute's definition (its column name among
 * others), so two attributes must never share one object.
 */

export const id = () => ( {
	type: DataTypes.BIGINT,
	autoIncrement: true,
	primaryKey: true,
} );

export const bigint = ( allowNull = false ) => ( {
	type: DataTypes.BIGINT,
	allowNull,
} );

export const timestamp = () => ( {
	type: DataTypes.DATE,
	allowNull: false,
	defaultValue: DataTypes.NOW,
} );

export const timestamps = () => ( {
	created_at: timestamp(),
	updated_at: timestamp(),
} );

/** Table options with snake_case timestamps; `updatedAt: false` for append-only tables. */
export const tableOptions = (
	tableName: string,
	updatedAt: string | false = 'updated_at'
) => ( {
	tableName,
	timestamps: true,
	createdAt: 'created_at',
	updatedAt,
	underscored: true,
} );
