/**
 * "Try sample keywords": a small, realistic set on one topic, so a new user
 * sees clustering and ideas work before bringing their own list. Volumes and
 * difficulties are plausible round figures, not measurements.
 */
import { __ } from '@wordpress/i18n';

export interface SampleKeyword {
	keyword: string;
	search_volume: number;
	difficulty: number;
	intent: 'informational' | 'commercial' | 'transactional';
}

/** The sample topic, as the user reads it. */
export function sampleTopic(): string {
	return __( 'Home coffee brewing', 'igny8-bridge' );
}

/*
 * The keywords stay in English whatever the admin language: they are search
 * terms for an English-language sample site, not interface text.
 */
export const SAMPLE_KEYWORDS: readonly SampleKeyword[] = [
	{
		keyword: 'how to make pour over coffee',
		search_volume: 9900,
		difficulty: 34,
		intent: 'informational',
	},
	{
		keyword: 'pour over ratio',
		search_volume: 6600,
		difficulty: 28,
		intent: 'informational',
	},
	{
		keyword: 'best pour over dripper',
		search_volume: 5400,
		difficulty: 46,
		intent: 'commercial',
	},
	{
		keyword: 'pour over grind size',
		search_volume: 2400,
		difficulty: 22,
		intent: 'informational',
	},
	{
		keyword: 'french press ratio',
		search_volume: 8100,
		difficulty: 30,
		intent: 'informational',
	},
	{
		keyword: 'how to use a french press',
		search_volume: 14800,
		difficulty: 38,
		intent: 'informational',
	},
	{
		keyword: 'best french press',
		search_volume: 12100,
		difficulty: 52,
		intent: 'commercial',
	},
	{
		keyword: 'french press grind size',
		search_volume: 3600,
		difficulty: 20,
		intent: 'informational',
	},
	{
		keyword: 'cold brew recipe',
		search_volume: 18100,
		difficulty: 41,
		intent: 'informational',
	},
	{
		keyword: 'cold brew concentrate ratio',
		search_volume: 9900,
		difficulty: 27,
		intent: 'informational',
	},
	{
		keyword: 'best cold brew maker',
		search_volume: 6600,
		difficulty: 48,
		intent: 'commercial',
	},
	{
		keyword: 'how long to steep cold brew',
		search_volume: 2900,
		difficulty: 18,
		intent: 'informational',
	},
	{
		keyword: 'espresso machine for home',
		search_volume: 8100,
		difficulty: 55,
		intent: 'commercial',
	},
	{
		keyword: 'best espresso machine under 500',
		search_volume: 4400,
		difficulty: 50,
		intent: 'commercial',
	},
	{
		keyword: 'how to make espresso at home',
		search_volume: 6600,
		difficulty: 36,
		intent: 'informational',
	},
	{
		keyword: 'buy espresso machine',
		search_volume: 1900,
		difficulty: 58,
		intent: 'transactional',
	},
	{
		keyword: 'best coffee grinder',
		search_volume: 14800,
		difficulty: 54,
		intent: 'commercial',
	},
	{
		keyword: 'burr grinder vs blade grinder',
		search_volume: 2400,
		difficulty: 25,
		intent: 'informational',
	},
	{
		keyword: 'how to grind coffee beans',
		search_volume: 5400,
		difficulty: 24,
		intent: 'informational',
	},
	{
		keyword: 'buy burr grinder',
		search_volume: 880,
		difficulty: 45,
		intent: 'transactional',
	},
];
