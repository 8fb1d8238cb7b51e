/**
 * Whose calls are whose, in a role shared by several functions. Lambda names a function's session after the
 * function (`assumed-role/ROLE/FUNCTION`), so a session named after one of the role's functions is that
 * function's; Lambda's pollers read event sources in sessions of their own, so their calls on a mapped source
 * are the mapped function's (pollers.ts); everything else made with the role — a person, another service, a
 * session named after no function — is the residual, reported apart and never dropped.
 */
import { pollerOwners, type EventSourceMapping } from './pollers.js';
import { emptyPrincipalUsage, mergeUsages, partitionUsage } from './usage-parts.js';
import type { PrincipalUsage } from '../usage/types.js';

/** One session of the shared role in the window. */
export interface SessionUsage {
  session: string;
  usage: PrincipalUsage;
  /**
   * Records of the session whose user agent did not show the Lambda runtime (`exec-env/AWS_Lambda_…`);
   * undefined when the reader did not count them.
   */
  notFromLambda?: number;
}

/** Why a part of the usage is a function's (or the residual's), for the evidence lines. */
export interface AttributionNote {
  /** The function, or undefined for the residual. */
  functionName?: string;
  session: string;
  how: 'session-name' | 'poller' | 'mixed-session' | 'unattributed';
  /** The event sources a poller read (how = poller). */
  sources?: string[];
}

/** The role's usage split: one usage per function (every function named, used or not), the residual, and why. */
export interface Attribution {
  byFunction: Map<string, PrincipalUsage>;
  residual: PrincipalUsage;
  notes: AttributionNote[];
}

/**
 * Splits the role's sessions among `functions`. A session named after a function whose records were not all
 * made by the Lambda runtime (someone assumed the role with that session name) is counted for both the function
 * and the residual: the function keeps what it may have done, and the shared role stays until that is explained.
 */
export function attributeUsage(roleArn: string, functions: readonly string[], sessions: readonly SessionUsage[], mappings: readonly EventSourceMapping[]): Attribution {
  const names = new Set(functions);
  const parts = new Map<string, PrincipalUsage[]>(functions.map((f) => [f, []]));
  const residual: PrincipalUsage[] = [];
  const notes: AttributionNote[] = [];
  for (const s of sessions) {
    if (names.has(s.session)) {
      parts.get(s.session)!.push(s.usage);
      const mixed = (s.notFromLambda ?? 0) > 0;
      notes.push({ functionName: s.session, session: s.session, how: mixed ? 'mixed-session' : 'session-name' });
      if (mixed) residual.push(s.usage);
      continue;
    }
    const { parts: polled, rest } = partitionUsage(s.usage, (action, resource) => pollerOwners(action, resource, mappings).filter((f) => names.has(f)));
    for (const [fn, usage] of polled) {
      parts.get(fn)!.push(usage);
      const sources = [...new Set(usage.used.flatMap((u) => u.resources.map((r) => r.resource)))].sort();
      notes.push({ functionName: fn, session: s.session, how: 'poller', sources });
    }
    if (rest.used.length + rest.denied.length + rest.failed.length > 0 || polled.size === 0) {
      residual.push(rest);
      notes.push({ session: s.session, how: 'unattributed' });
    }
  }
  const byFunction = new Map<string, PrincipalUsage>();
  for (const f of [...functions].sort()) byFunction.set(f, parts.get(f)!.length ? mergeUsages(roleArn, parts.get(f)!) : emptyPrincipalUsage(roleArn));
  return { byFunction, residual: residual.length ? mergeUsages(roleArn, residual) : emptyPrincipalUsage(roleArn), notes };
}
