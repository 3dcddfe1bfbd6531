/**
 * What the plugin prints before the bundle (see AssetLoader::boot_data()).
 */
export interface BootData {
	restNamespace: string;
	pluginVersion: string;
	adminUrl: string;
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
};

export function getBootData(): BootData {
	return { ...DEFAULTS, ...( window.igny8Bridge ?? {} ) };
}
