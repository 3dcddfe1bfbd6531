import type { Transaction } from 'sequelize';
import { recordAudit, type AuditActor } from '../../audit';
import type {
	AccountRow,
	AccountStatus,
	Models,
	PlanRow,
	UserRow,
} from '../../db/models';
import { uniqueSlug } from './slugs';

/** A person's sign-in identity, with the password already hashed. */
export type NewUser = Pick<
	UserRow,
	'email' | 'username' | 'password_hash' | 'last_login'
>;

/**
 * Accounts and the people in them as sign-up, sign-in and the CLI create
 * and change them. The rules (who may register, which password is right)
 * are the caller's; the rows are written here.
 */
export class AccountService {
	constructor( private readonly models: Models ) {}

	/** A new account on `plan` with `owner` as its owner, in the caller's transaction. */
	async open(
		transaction: Transaction,
		input: {
			name: string;
			plan: PlanRow;
			credits: number;
			status: AccountStatus;
			owner: NewUser;
		}
	): Promise< { account: AccountRow; user: UserRow } > {
		const account = await this.models.Account.create(
			{
				name: input.name,
				slug: await uniqueSlug(
					this.models.Account,
					input.name,
					{},
					transaction
				),
				owner_id: null,
				plan_id: input.plan.id,
				credits: input.credits,
				status: input.status,
			},
			{ transaction }
		);
		const user = await this.addUser(
			account,
			{ ...input.owner, role: 'owner' },
			transaction
		);
		await account.update( { owner_id: user.id }, { transaction } );
		return { account, user };
	}

	async addUser(
		account: Pick< AccountRow, 'id' >,
		user: NewUser & Pick< UserRow, 'role' > & { is_staff?: boolean },
		transaction?: Transaction
	): Promise< UserRow > {
		return this.models.User.create(
			{ ...user, account_id: account.id },
			{ transaction }
		);
	}

	/** Renames the account; the audit log keeps the old and new name. */
	async rename(
		account: AccountRow,
		name: string,
		who: AuditActor
	): Promise< AccountRow > {
		const from = account.name;
		await this.models.Account.sequelize!.transaction(
			async ( transaction ) => {
				await account.update( { name }, { transaction } );
				if ( from !== name ) {
					await recordAudit(
						this.models.Account.sequelize!,
						transaction,
						{
							account_id: account.id,
							actor: who,
							action: 'account.renamed',
							target_type: 'account',
							target_id: account.id,
							target_label: name,
							details: { from, to: name },
						}
					);
				}
			}
		);
		return account;
	}

	async recordLogin( user: UserRow ): Promise< void > {
		await user.update( { last_login: new Date() } );
	}

	async setPasswordHash( user: UserRow, hash: string ): Promise< void > {
		await user.update( { password_hash: hash } );
	}
}
