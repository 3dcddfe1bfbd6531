/**
 * Internal dependencies
 */
import { BASE, navigate } from '../router';

/**
 * An in-app link: a real href (open in a new tab works), client-side navigation on a plain click.
 * @param root0           The props.
 * @param root0.to        The console path, e.g. `/sites/3`.
 * @param root0.children  What to do next.
 * @param root0.className Extra class names.
 * @param root0.current   Whether it is the page shown.
 */
export function Link( {
	to,
	children,
	className,
	current,
}: {
	to: string;
	children: React.ReactNode;
	className?: string;
	current?: boolean;
} ) {
	return (
		<a
			href={ BASE + to }
			className={ className }
			aria-current={ current ? 'page' : undefined }
			onClick={ ( event ) => {
				if (
					event.button !== 0 ||
					event.metaKey ||
					event.ctrlKey ||
					event.shiftKey ||
					event.altKey
				) {
					return;
				}
				event.preventDefault();
				navigate( to );
			} }
		>
			{ children }
		</a>
	);
}

/**
 * Shows a site's URL as a link only when it is http(s); anything else stays text.
 * @param root0       The props.
 * @param root0.url   The URL as stored.
 * @param root0.label What the link reads (the URL itself by default).
 */
export function SafeUrl( {
	url,
	label,
}: {
	url: string | null;
	label?: string;
} ) {
	if ( ! url ) {
		return <span className="igny8c-muted">—</span>;
	}
	let safe = false;
	try {
		safe = [ 'http:', 'https:' ].includes( new URL( url ).protocol );
	} catch {
		safe = false;
	}
	return safe ? (
		<a href={ url } target="_blank" rel="noreferrer noopener">
			{ label ?? url }
		</a>
	) : (
		<span>{ url }</span>
	);
}
