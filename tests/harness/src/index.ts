export * from './paths';
export * from './postgres';
export * from './redis';
export * from './wordpress/core';
