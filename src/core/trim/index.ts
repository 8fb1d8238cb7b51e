/** Trim's public API: trail recording, trimPolicy, suggest (trim + verify), findings types and errors. */
export * from './types.js';
export { trimPolicy } from './trim.js';
export { suggest, observedCalls, type SuggestResult } from './suggest.js';
export {
  parseTrailRecording,
  defaultTrailRecording,
  combineTrailRecordings,
  type TrailRecording,
  type RecordingQuery,
  type RecordingAnswer,
  type NotRecordedCode,
} from './trail-recording.js';
export { TrailConfigError, InternalError } from './errors.js';
