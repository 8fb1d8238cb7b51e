/** Trim's public API: trimPolicy, suggest (trim + verify), findings types and errors. */
export * from './types.js';
export { trimPolicy } from './trim.js';
export { suggest, observedCalls, type SuggestResult } from './suggest.js';
export { InternalError } from './errors.js';
