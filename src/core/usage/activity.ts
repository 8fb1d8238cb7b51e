/**
 * The result of reading activity: the usage ledger plus an account of everything not counted as a call.
 * Produced the same way by the in-process collector and the parallel reader.
 */
import type { UsageLedger } from './ledger.js';
import type { InputProblem } from './types.js';

/** What reading the activity produced. */
export interface ActivityResult {
  ledger: UsageLedger;
  /** Records normalized into calls (any principal). */
  calls: number;
  /** Records that are not API calls made with a principal's permissions, by reason. */
  ignored: Record<string, number>;
  /** Problems by code (input files and records). */
  problemCounts: Record<string, number>;
  /** The first few problems of each code, in reading order. */
  problemExamples: InputProblem[];
  /** Unknown eventSource/eventName pairs, with counts: reported, never turned into made-up actions. */
  unknownEvents: Record<string, number>;
}
