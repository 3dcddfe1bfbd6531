/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import { getBootData } from '../../boot';

export interface Choice< T extends string | number = string > {
	value: T;
	label: string;
}

/** `GET igny8/v1/settings` (see SettingsController::state()). Never holds the key. */
export interface SiteSettings {
	can_manage: boolean;
	connection: {
		cloud_url: string | null;
		key_set: boolean;
		/** Shown to administrators only. */
		key_last4: string | null;
		connected: boolean;
		checked_at: string | null;
		error: string | null;
	};
	outbox: {
		pending: number;
		failing: number;
		dead: number;
		rejected: number;
		last_error: string | null;
		last_success_at: string | null;
	};
	publishing: {
		default_status: PublishDefaultStatus;
		/** 0: whoever publishes it. */
		default_author: number;
		default_categories: number[];
	};
	data: {
		post_types: string[];
		export_statuses: string[];
		image_hosts: string[];
		dead_letter_days: number;
		uninstall_delete: boolean;
	};
	choices: {
		post_types: Choice[];
		export_statuses: Choice[];
		authors: Choice< number >[];
		categories: Choice< number >[];
	};
}

export type PublishDefaultStatus = 'draft' | 'pending' | 'publish';

/** What `POST igny8/v1/settings` accepts; the key is write-only. */
export type SiteSettingsChanges = Partial<
	SiteSettings[ 'publishing' ] &
		SiteSettings[ 'data' ] & { cloud_url: string; api_key: string }
>;

export type SiteAction =
	| 'settings/test-connection'
	| 'settings/disconnect'
	| 'outbox/send'
	| 'outbox/retry';

/** What the outbox actions add to the settings. */
export interface SiteActionResult extends SiteSettings {
	result?: 'sent' | 'failed' | 'busy';
	sent?: number;
	queued?: number;
}

function path( route: string ): string {
	return `/${ getBootData().restNamespace }/${ route }`;
}

/* The REST nonce is added by api-fetch's own middleware, set up by WordPress. */

export function fetchSiteSettings(): Promise< SiteSettings > {
	return apiFetch< SiteSettings >( { path: path( 'settings' ) } );
}

export function postSiteSettings(
	changes: SiteSettingsChanges
): Promise< SiteSettings > {
	return apiFetch< SiteSettings >( {
		path: path( 'settings' ),
		method: 'POST',
		data: changes,
	} );
}

export function postSiteAction(
	action: SiteAction,
	data: Record< string, string > = {}
): Promise< SiteActionResult > {
	return apiFetch< SiteActionResult >( {
		path: path( action ),
		method: 'POST',
		data,
	} );
}
