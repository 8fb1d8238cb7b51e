/** The GitHub adapter: the tool's pull requests through the REST API. */
export * from './client.js';
export * from './errors.js';
