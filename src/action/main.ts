/**
 * The GitHub Action's entry point (action.yml `runs.main` is its bundle, `action/index.mjs`, built by
 * `scripts/build-action.mjs`): runs the action in this process and leaves its exit code for Node to return.
 * Everything it does is in `run.ts`; this file only starts it, so tests can import the rest without running it.
 */
import { processContext, runAction } from './run.js';

process.exitCode = await runAction(processContext());
