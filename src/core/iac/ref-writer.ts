/**
 * Writing a policy string with reference tokens back as CloudFormation: the inverse of `cfn-intrinsics.ts`.
 * - no token → the string;
 * - exactly one token → the node the reference was read from, as written, or else one built from its key
 *   (`Ref:X` → `!Ref X`, `GetAtt:X.A` → `!GetAtt X.A`, an opaque reference → its text);
 * - tokens inside text → `Sub`, with `${X}` / `${X.A}` for references and a variable map for the others; a
 *   literal `${` is escaped as `${!`. The file's own variables (serverless `${self:…}`) stay inline, and a string
 *   holding only those needs no `Sub`.
 * YAML templates written in short form get `!Sub`; the others, and JSON, get `Fn::Sub`.
 */

import type { NewValue } from './emit.js';
import { splitTokens, type ReferenceCollector } from './references.js';
import type { QuoteStyle, TTree } from './tree.js';
import type { IacReference } from './types.js';

/** Turns a policy string with tokens into the value to write. */
export type StringWriter = (value: string, quote?: QuoteStyle) => NewValue;

/** What the writer needs to know about the file. */
export interface WriterOptions {
  tree: TTree;
  /** The site's references, those of the edit included (tokens index this table). */
  refs: ReferenceCollector;
  /** Short-form tags (`!Sub`); else long-form maps (`Fn::Sub:`). Always false for JSON. */
  shortForm: boolean;
  /** Whether a key is one of the file's own variables (serverless), written back inline as `${key}`. */
  dialectVariable?: (key: string) => boolean;
}

/** A string writer for CloudFormation-style files (templates, serverless.yml). */
export function cfnStringWriter(options: WriterOptions): StringWriter {
  return (value, quote) => {
    const parts = splitTokens(value);
    const refs = parts.flatMap((p) => ('ref' in p ? [tableEntry(options, p.ref)] : []));
    if (refs.length === 0) return { kind: 'str', value, quote };
    if (parts.length === 1) return wholeReference(refs[0], options, quote);
    if (refs.every((r) => options.dialectVariable?.(r.key))) {
      return { kind: 'str', value: parts.map((p) => ('text' in p ? p.text : `\${${tableEntry(options, p.ref).key}}`)).join(''), quote };
    }
    return sub(parts, options, quote);
  };
}

function tableEntry(options: WriterOptions, index: number): IacReference {
  const ref = options.refs.table[index];
  if (!ref) throw new RangeError(`reference token ${index} is not in the site's table`);
  return ref;
}

function wholeReference(ref: IacReference, options: WriterOptions, quote?: QuoteStyle): NewValue {
  const node = options.refs.wholeNodes.get(ref.key);
  if (node) return { kind: 'keep', node };
  if (options.dialectVariable?.(ref.key)) return { kind: 'str', value: `\${${ref.key}}`, quote };
  const json = options.tree.syntax === 'json';
  if (ref.key.startsWith('Ref:')) {
    const name = ref.key.slice(4);
    return options.shortForm ? { kind: 'tagged', tag: '!Ref', value: { kind: 'str', value: name } } : { kind: 'map', entries: [['Ref', { kind: 'str', value: name }]], flow: json };
  }
  if (ref.key.startsWith('GetAtt:')) {
    const target = ref.key.slice(7);
    if (options.shortForm) return { kind: 'tagged', tag: '!GetAtt', value: { kind: 'str', value: target } };
    const dot = target.indexOf('.');
    const pair: NewValue = { kind: 'list', items: [target.slice(0, dot), target.slice(dot + 1)].map((s) => ({ kind: 'str', value: s })), flow: true };
    return { kind: 'map', entries: [['Fn::GetAtt', pair]], flow: json };
  }
  return { kind: 'raw', text: ref.written };
}

function sub(parts: ReturnType<typeof splitTokens>, options: WriterOptions, quote?: QuoteStyle): NewValue {
  const vars: Array<[string, NewValue]> = [];
  let template = '';
  for (const part of parts) {
    if ('text' in part) {
      template += part.text.replace(/\$\{/g, '${!');
      continue;
    }
    const ref = tableEntry(options, part.ref);
    if (options.dialectVariable?.(ref.key)) template += `\${${ref.key}}`;
    else if (ref.key.startsWith('Ref:')) template += `\${${ref.key.slice(4)}}`;
    else if (ref.key.startsWith('GetAtt:')) template += `\${${ref.key.slice(7)}}`;
    else {
      const name = `Var${vars.length}`;
      vars.push([name, wholeReference(ref, options)]);
      template += `\${${name}}`;
    }
  }
  const text: NewValue = { kind: 'str', value: template, quote };
  const arg: NewValue = vars.length === 0 ? text : { kind: 'list', items: [text, { kind: 'map', entries: vars, flow: true }], flow: true };
  if (options.shortForm) return { kind: 'tagged', tag: '!Sub', value: arg };
  return { kind: 'map', entries: [['Fn::Sub', arg]], flow: options.tree.syntax === 'json' };
}
