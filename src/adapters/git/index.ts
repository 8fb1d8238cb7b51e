/** The git adapter: the local repository, the tool's branch, and pushing it safely. */
export * from './commit.js';
export * from './errors.js';
export * from './remote-branch.js';
export * from './repository.js';
export * from './run.js';
