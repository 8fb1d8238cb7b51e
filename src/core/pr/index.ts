/** The pure side of `policy-trim pr`: branch names, the repository, commit messages, limits, redaction. */
export * from './branch.js';
export * from './commit-message.js';
export * from './errors.js';
export * from './limits.js';
export * from './redact.js';
export * from './remote.js';
export * from './body.js';
