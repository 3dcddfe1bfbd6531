/**
 * External dependencies
 */
import type { Role, User } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import {
	Button,
	Notice,
	SearchControl,
	SelectControl,
} from '@wordpress/components';
import { useMemo, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { errorText } from '../api/client';
import { ConfirmModal } from '../components/confirm-modal';
import { Invites } from '../components/invites';
import { Empty, ErrorNotice, Loading, useLoad } from '../components/states';
import { Table, formatTime, type Column } from '../components/table';
import { ASSIGNABLE, mayManageRole, mayManageUsers, roleLabel } from '../roles';
import { useSession } from '../session';

type Status = 'active' | 'removed' | '';

export default function UsersPage() {
	const { client, user: me } = useSession();
	const [ search, setSearch ] = useState( '' );
	const [ role, setRole ] = useState< Role | '' >( '' );
	const [ status, setStatus ] = useState< Status >( 'active' );
	const [ busy, setBusy ] = useState< number | null >( null );
	const [ message, setMessage ] = useState< {
		status: 'success' | 'error';
		text: string;
	} | null >( null );
	const [ loaded, reload ] = useLoad(
		() => client.all< User >( '/auth/users/', { ordering: 'email' } ),
		[ client ]
	);
	const [ removing, setRemoving ] = useState< User | null >( null );
	const manages = mayManageUsers( me.role );

	const rows = useMemo( () => {
		if ( loaded.state !== 'ready' ) {
			return [];
		}
		const needle = search.trim().toLowerCase();
		return loaded.value.filter(
			( person ) =>
				( ! role || person.role === role ) &&
				( ! status || person.is_active === ( status === 'active' ) ) &&
				( ! needle ||
					person.email.toLowerCase().includes( needle ) ||
					person.username.toLowerCase().includes( needle ) )
		);
	}, [ loaded, search, role, status ] );

	const act = async (
		person: User,
		work: () => Promise< unknown >,
		done: string
	) => {
		setBusy( person.id );
		setMessage( null );
		try {
			await work();
			setMessage( { status: 'success', text: done } );
			reload();
		} catch ( error ) {
			setMessage( { status: 'error', text: errorText( error ) } );
		} finally {
			setBusy( null );
		}
	};

	const columns: Column< User >[] = [
		{
			id: 'email',
			label: __( 'Email' ),
			render: ( person ) => (
				<>
					{ person.email }
					{ person.id === me.id && (
						<span className="igny8c-muted"> { __( '(you)' ) }</span>
					) }
				</>
			),
		},
		{
			id: 'role',
			label: __( 'Role' ),
			render: ( person ) => {
				const editable =
					manages &&
					person.is_active &&
					person.id !== me.id &&
					mayManageRole( me.role, person.role );
				if ( ! editable ) {
					return roleLabel( person.role );
				}
				return (
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						className="igny8c-role-select"
						label={ sprintf(
							/* translators: %s: the person's email. */
							__( 'Role of %s' ),
							person.email
						) }
						hideLabelFromVision
						value={ person.role }
						disabled={ busy === person.id }
						options={ ASSIGNABLE.filter( ( r ) =>
							mayManageRole( me.role, r )
						).map( ( r ) => ( {
							value: r,
							label: roleLabel( r ),
						} ) ) }
						onChange={ ( next ) =>
							act(
								person,
								() =>
									client.patch(
										`/auth/users/${ person.id }/`,
										{ role: next }
									),
								sprintf(
									/* translators: 1: email, 2: role. */
									__( '%1$s is now %2$s.' ),
									person.email,
									roleLabel( next )
								)
							)
						}
					/>
				);
			},
		},
		{
			id: 'status',
			label: __( 'Status' ),
			render: ( person ) =>
				person.is_active ? __( 'Active' ) : __( 'Removed' ),
		},
		{
			id: 'last_login',
			label: __( 'Last sign-in' ),
			render: ( person ) =>
				person.last_login
					? formatTime( person.last_login )
					: __( 'Never' ),
		},
	];
	if ( manages ) {
		columns.push( {
			id: 'actions',
			label: __( 'Actions' ),
			render: ( person ) =>
				person.is_active &&
				person.id !== me.id &&
				mayManageRole( me.role, person.role ) ? (
					<Button
						__next40pxDefaultSize
						variant="tertiary"
						isDestructive
						isBusy={ busy === person.id }
						disabled={ busy === person.id }
						onClick={ () => setRemoving( person ) }
					>
						{ __( 'Remove' ) }
					</Button>
				) : (
					<span className="igny8c-muted">—</span>
				),
		} );
	}

	return (
		<>
			<h1>{ __( 'Users' ) }</h1>
			{ removing && (
				<ConfirmModal
					title={ __( 'Remove this person?' ) }
					confirmLabel={ __( 'Remove' ) }
					onConfirm={ () => {
						const person = removing;
						setRemoving( null );
						act(
							person,
							() =>
								client.delete( `/auth/users/${ person.id }/` ),
							sprintf(
								/* translators: %s: email. */
								__( '%s was removed.' ),
								person.email
							)
						);
					} }
					onCancel={ () => setRemoving( null ) }
				>
					<p>
						{ sprintf(
							/* translators: %s: email. */
							__(
								'Remove %s from the account? Their sessions end; their work stays.'
							),
							removing.email
						) }
					</p>
				</ConfirmModal>
			) }
			{ ! manages && (
				<p className="igny8c-muted">
					{ __(
						'Only owners and admins can change roles or remove people.'
					) }
				</p>
			) }
			{ message && (
				<Notice
					status={ message.status }
					onRemove={ () => setMessage( null ) }
				>
					{ message.text }
				</Notice>
			) }
			{ loaded.state === 'loading' && (
				<Loading label={ __( 'Loading people…' ) } />
			) }
			{ loaded.state === 'error' && (
				<ErrorNotice error={ loaded.error } onRetry={ reload } />
			) }
			{ loaded.state === 'ready' && (
				<>
					<div className="igny8c-filters">
						<SearchControl
							__nextHasNoMarginBottom
							label={ __( 'Search people' ) }
							placeholder={ __( 'Email or username' ) }
							value={ search }
							onChange={ setSearch }
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Role' ) }
							value={ role }
							options={ [
								{ value: '', label: __( 'All roles' ) },
								...ASSIGNABLE.map( ( r ) => ( {
									value: r,
									label: roleLabel( r ),
								} ) ),
							] }
							onChange={ ( value ) =>
								setRole( value as Role | '' )
							}
						/>
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Status' ) }
							value={ status }
							options={ [
								{ value: 'active', label: __( 'Active' ) },
								{ value: 'removed', label: __( 'Removed' ) },
								{ value: '', label: __( 'All' ) },
							] }
							onChange={ ( value ) =>
								setStatus( value as Status )
							}
						/>
					</div>
					{ rows.length === 0 ? (
						<Empty title={ __( 'Nobody matches these filters.' ) }>
							<Button
								variant="secondary"
								onClick={ () => {
									setSearch( '' );
									setRole( '' );
									setStatus( 'active' );
								} }
							>
								{ __( 'Clear the filters' ) }
							</Button>
						</Empty>
					) : (
						<Table< User >
							caption={ __( 'People of your account' ) }
							items={ rows }
							rowLabel={ ( person ) => person.email }
							columns={ columns }
						/>
					) }
				</>
			) }
			{ manages && <Invites onChanged={ reload } /> }
		</>
	);
}
