/**
 * Validates the configuration's plain value against the JSON Schema (ajv, draft 2020-12) and turns ajv's
 * errors into problems a person can act on: each at the line of the node, with the path, and saying what is
 * expected ("unknown key 'defined_in'; did you mean 'defined-in'?").
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean } from './did-you-mean.js';
import { describeValue, patternProblem, typeName } from './explain.js';
import { formatPath, pointerToPath } from './paths.js';
import { ACCOUNT_ID_PATTERN, CONFIG_SCHEMA, SITE_FORMATS } from './schema.js';
import type { ConfigPath, ConfigProblem } from './types.js';
import { problemAt, type YamlSource } from './yaml-source.js';

let compiled: ValidateFunction | undefined;

/** The compiled schema, built on first use (a few milliseconds, paid only by commands that read the file). */
function validator(): ValidateFunction {
  // allErrors: report every problem in one run; verbose: errors carry their schema and data, which the
  // messages below read (the keys allowed, the value given). Strict, except that the activity sources'
  // `dependentSchemas` name in `required` the properties their parent defines, which strictRequired flags.
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile(CONFIG_SCHEMA);
  return compiled;
}

/** Every schema problem of `value`, located in `src`. */
export function schemaProblems(value: unknown, src: YamlSource, file: string): ConfigProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const p = toProblem(e, value, src, file);
    if (!p) continue;
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) out.push(p);
    seen.add(key);
  }
  return out;
}

/** One ajv error as a problem, or undefined for the errors that only repeat another (`if`). */
function toProblem(e: ErrorObject, root: unknown, src: YamlSource, file: string): ConfigProblem | undefined {
  const path = pointerToPath(e.instancePath, root);
  const at = (p: ConfigPath, message: string) => problemAt(src, file, p, message);
  switch (e.keyword) {
    case 'if':
      return undefined; // "must match then/else schema": the branch's own error says what
    case 'required':
      return at(path, `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`);
    case 'additionalProperties':
      return unknownKey(e, path, src, file);
    case 'not':
      return sourceConflict(e, path, at);
    case 'uniqueItems': {
      // Located on the later copy: that is the line to delete.
      const { i, j } = e.params as { i: number; j: number };
      const [earlier, later] = [Math.min(i, j), Math.max(i, j)];
      return at([...path, later], `${describeValue((e.data as unknown[])[later])} is listed twice (also entry ${earlier})`);
    }
    default:
      return at(path, valueMessage(e, path));
  }
}

/** An unknown key, located on the key itself, with the nearest allowed key or the list of them. */
function unknownKey(e: ErrorObject, path: (string | number)[], src: YamlSource, file: string): ConfigProblem {
  const key = (e.params as { additionalProperty: string }).additionalProperty;
  const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const guess = didYouMean(key, allowed);
  const isSite = allowed.join() === SITE_FORMATS.join();
  const message = isSite
    ? `unknown key '${key}'; expected one of ${allowed.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}`
    : `unknown key '${key}'; ${guess ? `did you mean '${guess}'?` : allowed.length ? `expected one of ${allowed.join(', ')}` : 'no keys are allowed here'}`;
  return { file, ...src.locateKey(path, key), path: formatPath([...path, key]), message };
}

/** Two activity sources at once (the schema's dependentSchemas): named once per pair. */
function sourceConflict(e: ErrorObject, path: (string | number)[], at: (p: ConfigPath, m: string) => ConfigProblem): ConfigProblem {
  const m = /\/dependentSchemas\/([^/]+)\/not$/.exec(e.schemaPath);
  const data = (e.data ?? {}) as Record<string, unknown>;
  const anyOf = ((e.schema as { anyOf?: { required: string[] }[] } | undefined)?.anyOf ?? []).map((s) => s.required[0]!);
  const pair = [m?.[1] ?? '?', ...anyOf.filter((k) => k in data)].sort();
  return at(path, `two activity sources, ${pair.map((k) => `'${k}'`).join(' and ')}: keep one (a flag on the command line can still name another)`);
}

/** The message of an error about a value (type, pattern, enum, sizes). */
function valueMessage(e: ErrorObject, path: (string | number)[]): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return typeMessage(String(params.type), e.data, e.parentSchema as { pattern?: string; title?: string } | undefined);
    case 'const':
      return constMessage(path, params.allowedValue, e.data);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return `expected one of ${allowed.join(', ')}; got ${describeValue(e.data)}${guess ? ` (did you mean '${guess}'?)` : ''}`;
    }
    case 'pattern':
      return patternProblem(String(params.pattern), e.data);
    case 'minItems':
      return params.limit === 1 ? 'the list is empty: add an entry, or leave the key out' : `expected at least ${String(params.limit)} entries`;
    case 'minProperties':
      return `an empty entry: name one of ${SITE_FORMATS.join(', ')}`;
    case 'maxProperties':
      return `one entry names one place, this one has ${Object.keys(e.data as object).map((k) => `'${k}'`).join(' and ')}: make them separate entries`;
    case 'minimum':
    case 'maximum':
      return `expected ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}; got ${describeValue(e.data)}`;
    case 'minLength':
      return 'expected a value; it is empty';
    case 'maxLength':
      return `expected at most ${String(params.limit)} characters; got ${String(e.data).length}`;
    default:
      return e.message ?? `invalid (${e.keyword})`;
  }
}

/** A value of the wrong type; a number where an account id belongs says to quote it. */
function typeMessage(type: string, data: unknown, schema: { pattern?: string; title?: string } | undefined): string {
  if (type === 'string' && typeof data === 'number' && schema?.pattern === ACCOUNT_ID_PATTERN) {
    return `expected the account id as text: quote it ("${String(data).padStart(12, '0')}"); unquoted, YAML reads a number and drops leading zeros`;
  }
  // A function entry is a name or a mapping (the schema's if/then/else): the else branch alone would say "a mapping".
  if (type === 'object' && schema?.title === 'Function') return `expected a function name or {name, unobservable, vpc, tracing}; got ${describeValue(data)}`;
  return `expected ${typeName(type)}; got ${describeValue(data)}`;
}

/** `version` and `lookup`, the two constants. */
function constMessage(path: (string | number)[], allowed: unknown, data: unknown): string {
  if (path.join() === 'version') {
    return typeof data === 'number' && data > 1
      ? `version ${data} is newer than this policy-trim reads (version 1): upgrade policy-trim`
      : `expected version: 1; got ${describeValue(data)}`;
  }
  if (path[path.length - 1] === 'lookup') return `expected true; got ${describeValue(data)} (leave the key out to not read Event history)`;
  return `expected ${JSON.stringify(allowed)}; got ${describeValue(data)}`;
}
