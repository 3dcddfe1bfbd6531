// WordPress provides these packages at runtime (script handles wp-plugins,
// wp-editor); the build maps them to externals, so they are not installed.
// Only what the sidebar uses is declared.
declare module '@wordpress/plugins' {
	export function registerPlugin(
		name: string,
		settings: { render: () => JSX.Element | null; icon?: string }
	): unknown;
}

declare module '@wordpress/editor' {
	import type { ReactNode } from 'react';
	export function PluginSidebar( props: {
		name: string;
		title: string;
		icon?: string;
		children?: ReactNode;
	} ): JSX.Element;
	export function PluginSidebarMoreMenuItem( props: {
		target: string;
		icon?: string;
		children?: ReactNode;
	} ): JSX.Element;
	export function PluginDocumentSettingPanel( props: {
		name: string;
		title: string;
		className?: string;
		children?: ReactNode;
	} ): JSX.Element;
}
