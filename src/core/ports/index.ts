/** Ports: interfaces the core needs from the outside world; adapters implement them. */
export * from './policy-source.js';
export * from './function-directory.js';
export * from './activity-source.js';
