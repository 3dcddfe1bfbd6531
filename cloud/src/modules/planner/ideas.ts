import { Op, type Transaction } from 'sequelize';
import type { z } from 'zod';
import type { ideaCreateSchema, ideaUpdateSchema } from '@igny8/shared-types';
import type { Database } from '../../db/connection';
import type { ClusterRow, IdeaRow, TaskRow } from '../../db/content-models';
import type { Models } from '../../db/models';
import { recordEvent } from '../../domain-events';
import { ValidationError } from '../../http/errors';
import type { Principal } from '../auth';
import {
	assertReachable,
	assertTransition,
	idsInScope,
	type SectorScope,
} from '../content';
import type { WriterPipeline } from '../writer';

type IdeaCreate = z.infer< typeof ideaCreateSchema >;
type IdeaUpdate = z.infer< typeof ideaUpdateSchema >;

/** An idea as a generation run suggests it, for a cluster of the run's. */
export type GeneratedIdea = Pick<
	IdeaRow,
	| 'title'
	| 'description'
	| 'suggested_keywords'
	| 'content_type'
	| 'target_word_count'
>;

/** Content ideas, and their conversion into writer tasks (one task per idea, ever). */
export class IdeaService {
	constructor(
		private readonly db: Database,
		private readonly models: Models,
		/** Tasks are the writer's: conversion asks it for the idea's task. */
		private readonly writer: WriterPipeline
	) {}

	async create( scope: SectorScope, input: IdeaCreate ): Promise< IdeaRow > {
		await this.assertCluster( scope.sector_id, input.cluster_id );
		return this.models.Idea.create( {
			...scope,
			cluster_id: input.cluster_id ?? null,
			title: input.title,
			description: input.description ?? '',
			suggested_keywords: input.suggested_keywords ?? [],
			status: input.status ?? 'draft',
			content_type: input.content_type ?? 'post',
			target_word_count: input.target_word_count ?? null,
		} );
	}

	/** Draft ideas a run suggested for a cluster; answers their ids. */
	async saveGenerated(
		transaction: Transaction,
		cluster: ClusterRow,
		ideas: GeneratedIdea[]
	): Promise< number[] > {
		const rows = await this.models.Idea.bulkCreate(
			ideas.map( ( idea ) => ( {
				account_id: cluster.account_id,
				site_id: cluster.site_id,
				sector_id: cluster.sector_id,
				cluster_id: cluster.id,
				title: idea.title,
				description: idea.description,
				suggested_keywords: idea.suggested_keywords,
				content_type: idea.content_type,
				target_word_count: idea.target_word_count,
				status: 'draft' as const,
			} ) ),
			{ transaction, returning: true }
		);
		return rows.map( ( r ) => Number( r.id ) );
	}

	async update( row: IdeaRow, input: IdeaUpdate ): Promise< IdeaRow > {
		assertTransition( 'idea', row.status, input.status );
		await this.assertCluster( row.sector_id, input.cluster_id );
		const approving =
			input.status === 'approved' && row.status !== 'approved';
		await this.db.sequelize.transaction( async ( transaction ) => {
			await row.update( input, { transaction } );
			if ( approving ) {
				await this.recordApproved( [ row ], transaction );
			}
		} );
		return row;
	}

	/** Approves the caller's draft ideas among `ids`; answers the ids approved now. */
	async approve( principal: Principal, ids: number[] ): Promise< number[] > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const drafts = await this.models.Idea.findAll( {
				where: {
					[ Op.and ]: [
						idsInScope( principal, ids ),
						{ status: 'draft' },
					],
				},
				order: [ [ 'id', 'ASC' ] ],
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			for ( const idea of drafts ) {
				await idea.update( { status: 'approved' }, { transaction } );
			}
			await this.recordApproved( drafts, transaction );
			return drafts.map( ( idea ) => Number( idea.id ) );
		} );
	}

	/** `idea.approved`, one event per sector, so automation rules can start on it. */
	private async recordApproved(
		ideas: IdeaRow[],
		transaction: Transaction
	): Promise< void > {
		const bySector = new Map< number, IdeaRow[] >();
		for ( const idea of ideas ) {
			bySector.set( idea.sector_id, [
				...( bySector.get( idea.sector_id ) ?? [] ),
				idea,
			] );
		}
		for ( const group of bySector.values() ) {
			const first = group[ 0 ]!;
			await recordEvent( this.db.sequelize, transaction, {
				type: 'idea.approved',
				account_id: Number( first.account_id ),
				payload: {
					site_id: Number( first.site_id ),
					sector_id: Number( first.sector_id ),
					idea_ids: group.map( ( idea ) => Number( idea.id ) ),
				},
			} );
		}
	}

	/**
	 * Approved (or draft) ideas become tasks that carry their title, brief and
	 * keywords; the idea moves to in_progress. An idea that already has a task
	 * keeps it (the unique index on tasks.content_idea_id is the backstop), so
	 * converting twice — or two racing requests — never makes a second task.
	 */
	async toTasks(
		principal: Principal,
		ids: number[]
	): Promise< { tasks: TaskRow[]; not_found: number[] } > {
		return this.db.sequelize.transaction( async ( transaction ) => {
			const ideas = await this.models.Idea.findAll( {
				where: idsInScope( principal, ids ),
				order: [ [ 'id', 'ASC' ] ],
				transaction,
				lock: transaction.LOCK.UPDATE,
			} );
			const refused = ideas.filter(
				( idea ) => idea.status === 'completed'
			);
			if ( refused.length ) {
				throw new ValidationError( 'Invalid body.', {
					ids: [
						`ideas ${ refused.map( ( i ) => i.id ).join( ', ' ) } are completed`,
					],
				} );
			}
			const tasks: TaskRow[] = [];
			for ( const idea of ideas ) {
				tasks.push( await this.taskFor( idea, transaction ) );
			}
			const found = ideas.map( ( i ) => i.id );
			return {
				tasks,
				not_found: ids.filter( ( id ) => ! found.includes( id ) ),
			};
		} );
	}

	private async taskFor(
		idea: IdeaRow,
		transaction: Transaction
	): Promise< TaskRow > {
		const { task, created } = await this.writer.taskForIdea(
			idea,
			transaction
		);
		if ( created && idea.status !== 'in_progress' ) {
			// Converting a draft approves it on the way.
			assertReachable( 'idea', idea.status, 'in_progress' );
			await idea.update( { status: 'in_progress' }, { transaction } );
		}
		return task;
	}

	/** Its tasks stay, without an idea (the link is set to null). */
	async remove( row: IdeaRow ): Promise< void > {
		await row.destroy();
	}

	private async assertCluster(
		sectorId: number,
		clusterId: number | null | undefined
	): Promise< void > {
		if ( ! clusterId ) {
			return;
		}
		const cluster = await this.models.Cluster.findByPk( clusterId );
		if ( ! cluster || cluster.sector_id !== sectorId ) {
			throw new ValidationError( 'Invalid body.', {
				cluster_id: [
					`cluster ${ clusterId } does not exist in this sector`,
				],
			} );
		}
	}
}
