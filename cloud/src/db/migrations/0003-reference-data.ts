import type { Migration } from '../migrate';

/** Plans and the industry / sector catalogue every account picks from. */

const PLANS = [
	{
		slug: 'free',
		name: 'Free',
		max_sites: 1,
		max_sectors_per_site: 1,
		monthly_credits: 100,
		features: [ 'planner', 'writer' ],
	},
	{
		slug: 'starter',
		name: 'Starter',
		max_sites: 3,
		max_sectors_per_site: 3,
		monthly_credits: 1000,
		features: [ 'planner', 'writer', 'images' ],
	},
	{
		slug: 'growth',
		name: 'Growth',
		max_sites: 10,
		max_sectors_per_site: 5,
		monthly_credits: 5000,
		features: [ 'planner', 'writer', 'images', 'linker', 'optimizer' ],
	},
	{
		slug: 'agency',
		name: 'Agency',
		max_sites: 50,
		max_sectors_per_site: 5,
		monthly_credits: 25000,
		features: [
			'planner',
			'writer',
			'images',
			'linker',
			'optimizer',
			'automation',
		],
	},
];

const INDUSTRIES: Array< {
	slug: string;
	name: string;
	description: string;
	sectors: string[];
} > = [
	{
		slug: 'technology',
		name: 'Technology',
		description: 'Software, hardware and IT services.',
		sectors: [
			'SaaS',
			'Cybersecurity',
			'Consumer Electronics',
			'Web Hosting',
			'Artificial Intelligence',
		],
	},
	{
		slug: 'health-wellness',
		name: 'Health & Wellness',
		description: 'Healthcare, fitness and wellbeing.',
		sectors: [
			'Fitness',
			'Nutrition',
			'Mental Health',
			'Dental Care',
			'Physiotherapy',
		],
	},
	{
		slug: 'home-garden',
		name: 'Home & Garden',
		description: 'Home improvement, interiors and gardening.',
		sectors: [
			'Interior Design',
			'Gardening',
			'Home Improvement',
			'Furniture',
			'Cleaning Services',
		],
	},
	{
		slug: 'finance',
		name: 'Finance',
		description: 'Personal and business finance.',
		sectors: [
			'Personal Finance',
			'Insurance',
			'Investing',
			'Accounting',
			'Mortgages',
		],
	},
	{
		slug: 'travel-hospitality',
		name: 'Travel & Hospitality',
		description: 'Travel, hotels and restaurants.',
		sectors: [
			'Hotels',
			'Restaurants',
			'Tour Operators',
			'Vacation Rentals',
		],
	},
	{
		slug: 'ecommerce-retail',
		name: 'E-commerce & Retail',
		description: 'Online and physical retail.',
		sectors: [
			'Fashion',
			'Beauty',
			'Pet Supplies',
			'Sporting Goods',
			'Toys & Games',
		],
	},
	{
		slug: 'education',
		name: 'Education',
		description: 'Schools, courses and training.',
		sectors: [
			'Online Courses',
			'Language Learning',
			'Tutoring',
			'Professional Training',
		],
	},
	{
		slug: 'professional-services',
		name: 'Professional Services',
		description: 'Legal, marketing and consulting.',
		sectors: [ 'Legal', 'Marketing Agencies', 'Consulting', 'Real Estate' ],
	},
	{
		slug: 'automotive',
		name: 'Automotive',
		description: 'Vehicles, parts and services.',
		sectors: [
			'Car Dealerships',
			'Auto Repair',
			'Electric Vehicles',
			'Car Parts',
		],
	},
];

const slugify = ( value: string ) =>
	value
		.toLowerCase()
		.replace( /&/g, 'and' )
		.replace( /[^a-z0-9]+/g, '-' )
		.replace( /^-|-$/g, '' );

export const migration: Migration = {
	name: '0003-reference-data',
	async up( { context: qi } ) {
		const db = qi.sequelize;
		for ( const plan of PLANS ) {
			await db.query(
				`INSERT INTO plans (name, slug, max_sites, max_sectors_per_site, monthly_credits, features)
				 VALUES (:name, :slug, :max_sites, :max_sectors_per_site, :monthly_credits, CAST(:features AS JSONB))`,
				{
					replacements: {
						...plan,
						features: JSON.stringify( plan.features ),
					},
				}
			);
		}
		for ( const industry of INDUSTRIES ) {
			await db.query(
				`INSERT INTO industries (name, slug, description) VALUES (:name, :slug, :description)`,
				{ replacements: industry }
			);
			for ( const sector of industry.sectors ) {
				await db.query(
					`INSERT INTO industry_sectors (industry_id, name, slug)
					 SELECT id, :name, :slug FROM industries WHERE slug = :industry`,
					{
						replacements: {
							name: sector,
							slug: slugify( sector ),
							industry: industry.slug,
						},
					}
				);
			}
		}
	},
	async down( { context: qi } ) {
		await qi.sequelize.query(
			'DELETE FROM industry_sectors; DELETE FROM industries; DELETE FROM plans;'
		);
	},
};
