/**
 * What the plugin prints before the bundle (see AssetLoader::boot_data() and
 * AdminPage::screen_data()).
 */
export type ScreenId =
	| 'dashboard'
	| 'keywords'
	| 'clusters'
	| 'ideas'
	| 'tasks'
	| 'content'
	| 'images'
	| 'linker'
	| 'optimizer'
	| 'automation'
	| 'site-builder'
	| 'activity'
	| 'settings';

export interface OutboxStats {
	pending: number;
	failing: number;
	dead: number;
	rejected: number;
}

export interface BootData {
	restNamespace: string;
	pluginVersion: string;
	adminUrl: string;
	screen: ScreenId;
	/** Screen id → its wp-admin URL. */
	pages: Partial< Record< ScreenId, string > >;
	/** IGNY8 → Settings, Connection tab (key entry); empty for users who cannot manage options. */
	settingsUrl: string;
	/** The site's default status for posts IGNY8 publishes (Settings → Publishing). */
	publishStatus?: 'draft' | 'pending' | 'publish';
	siteUrl: string;
	/** Whether the site has a cloud URL and key; false skips the session call. */
	connected: boolean;
	/** Who a cloud session kept between pages must belong to (see tabSessionStore()). */
	sessionScope?: string;
	outbox?: OutboxStats;
	/** Automation only: the site's time zone (an IANA name, or an offset such as "+02:00"). */
	timezone?: string;
	/** Dashboard only: whether the first-run guide was hidden on this site. */
	setupDismissed?: boolean;
}

declare global {
	interface Window {
		igny8Bridge?: Partial< BootData >;
	}
}

const DEFAULTS: BootData = {
	restNamespace: 'igny8/v1',
	pluginVersion: '',
	adminUrl: '',
	screen: 'dashboard',
	pages: {},
	settingsUrl: '',
	siteUrl: '',
	connected: true,
};

export function getBootData(): BootData {
	return { ...DEFAULTS, ...( window.igny8Bridge ?? {} ) };
}
