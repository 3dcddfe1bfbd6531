/**
 * External dependencies
 */
import type { Account, Role, User } from '@igny8/shared-types';

/**
 * WordPress dependencies
 */
import { Button } from '@wordpress/components';
import {
	lazy,
	Suspense,
	useEffect,
	useMemo,
	useState,
} from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { ConsoleClient } from './api/client';
import { Link } from './components/link';
import { Empty, Loading } from './components/states';
import { mayReadAudit, roleLabel } from './roles';
import { navigate, useRoute, type Route } from './router';
import { SessionContext, type Session } from './session';
import { SignIn } from './sign-in';

// One chunk per page: a page's code (and the chart library) loads when it is first opened.
const SitesPage = lazy(
	() => import( /* webpackChunkName: "sites" */ './pages/sites' )
);
const SitePage = lazy(
	() => import( /* webpackChunkName: "site" */ './pages/site' )
);
const UsersPage = lazy(
	() => import( /* webpackChunkName: "users" */ './pages/users' )
);
const CreditsPage = lazy(
	() => import( /* webpackChunkName: "credits" */ './pages/credits' )
);
const AcceptPage = lazy(
	() => import( /* webpackChunkName: "accept" */ './pages/accept' )
);
const AuditPage = lazy(
	() => import( /* webpackChunkName: "audit" */ './pages/audit' )
);

const NAV: Array< {
	to: string;
	label: string;
	pages: Route[ 'page' ][];
	/** Shown only to these roles (the page and the cloud refuse the others anyway). */
	shownTo?: ( role: Role ) => boolean;
} > = [
	{ to: '/sites', label: __( 'Sites' ), pages: [ 'sites', 'site' ] },
	{ to: '/users', label: __( 'Users' ), pages: [ 'users' ] },
	{ to: '/credits', label: __( 'Credits & usage' ), pages: [ 'credits' ] },
	{
		to: '/audit',
		label: __( 'Audit log' ),
		pages: [ 'audit' ],
		shownTo: mayReadAudit,
	},
];

function Page( { route }: { route: Route } ) {
	switch ( route.page ) {
		case 'sites':
			return <SitesPage />;
		case 'site':
			return <SitePage id={ route.id } />;
		case 'users':
			return <UsersPage />;
		case 'credits':
			return <CreditsPage />;
		case 'audit':
			return <AuditPage />;
		default:
			return (
				<Empty title={ __( 'There is no such page in the console.' ) }>
					<Link to="/sites">{ __( 'Go to your sites' ) }</Link>
				</Empty>
			);
	}
}

export function App() {
	const [ who, setWho ] = useState<
		{ user: User; account: Account } | null | 'resuming'
	>( 'resuming' );
	const [ notice, setNotice ] = useState< string | undefined >();
	const client = useMemo(
		() =>
			new ConsoleClient( () => {
				setWho( null );
				setNotice( __( 'Your session ended. Sign in again.' ) );
			} ),
		[]
	);
	const route = useRoute();

	const loadMe = async () => {
		const me = await client.get< { user: User; account: Account } >(
			'/auth/me/'
		);
		setWho( me );
	};

	useEffect( () => {
		client
			.resume()
			.then( ( resumed ) => ( resumed ? loadMe() : setWho( null ) ) )
			.catch( () => setWho( null ) );
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ client ] );

	useEffect( () => {
		const page = NAV.find( ( item ) => item.pages.includes( route.page ) );
		document.title = `${ page?.label ?? __( 'Console' ) } ‹ IGNY8`;
	}, [ route ] );

	if ( who === 'resuming' ) {
		return <Loading />;
	}
	if ( route.page === 'accept' ) {
		// Whoever holds the link, signed in or not: accepting signs this tab in as the new person.
		return (
			<Suspense fallback={ <Loading /> }>
				<AcceptPage
					client={ client }
					onAccepted={ async () => {
						setNotice( undefined );
						await loadMe();
						navigate( '/sites' );
					} }
				/>
			</Suspense>
		);
	}
	if ( who === null ) {
		return (
			<SignIn
				notice={ notice }
				onSignIn={ async ( email, password ) => {
					await client.login( email, password );
					setNotice( undefined );
					await loadMe();
				} }
			/>
		);
	}
	const session: Session = { client, ...who };
	return (
		<SessionContext.Provider value={ session }>
			<a className="igny8c-skip" href="#igny8c-main">
				{ __( 'Skip to content' ) }
			</a>
			<header className="igny8c-header">
				<div className="igny8c-header__brand">
					<span className="igny8c-header__name">IGNY8</span>
					<span className="igny8c-header__account">
						{ who.account.name }
					</span>
				</div>
				<nav className="igny8c-nav" aria-label={ __( 'Console' ) }>
					{ NAV.filter(
						( item ) => item.shownTo?.( who.user.role ) ?? true
					).map( ( item ) => (
						<Link
							key={ item.to }
							to={ item.to }
							className="igny8c-nav__link"
							current={ item.pages.includes( route.page ) }
						>
							{ item.label }
						</Link>
					) ) }
				</nav>
				<div className="igny8c-header__me">
					<span className="igny8c-header__email">
						{ who.user.email }
					</span>
					<span className="igny8c-role" data-role={ who.user.role }>
						{ roleLabel( who.user.role ) }
					</span>
					<Button
						__next40pxDefaultSize
						variant="secondary"
						onClick={ async () => {
							await client.logout();
							setNotice( __( 'You are signed out.' ) );
							setWho( null );
						} }
					>
						{ __( 'Sign out' ) }
					</Button>
				</div>
			</header>
			<main id="igny8c-main" className="igny8c-main" tabIndex={ -1 }>
				<Suspense fallback={ <Loading /> }>
					<Page route={ route } />
				</Suspense>
			</main>
		</SessionContext.Provider>
	);
}
