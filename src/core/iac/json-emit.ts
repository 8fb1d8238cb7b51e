/**
 * The JSON emitter: tree operations as splices of the original text, in the file's own layout: its indentation
 * unit (spaces or tabs), line breaks, spacing after `:`, and lists kept on one line when they were. `jsonc-parser`
 * finds the nodes (`json-tree.ts`); its `modify` would re-format the enclosing lines (an inline array becomes
 * one item per line), so the splices are computed here instead, with the same comma handling.
 */

import { deleteCommaPair, renderCommaList, separatorOf } from './comma-list.js';
import { eolOf, lineIndent, reindented, columnOf, TextEdits, type Emitter, type ListEntry, type NewValue, type PairPosition } from './emit.js';
import { depthOf, type TMap, type TNode, type TSeq, type TTree } from './tree.js';

/** The formatting a JSON file uses, detected from its text. */
export interface JsonFormatting {
  /** One level of indentation: spaces or a tab. */
  unit: string;
  eol: string;
  /** What follows a key's `:` (`": "` or `":"`). */
  colon: string;
  /** A one-line object is padded inside its braces (`{ "Ref": "X" }`). */
  padBraces: boolean;
}

/** Detect a JSON file's indentation, line break and key spacing. */
function detectJsonFormatting(text: string): JsonFormatting {
  const indents = text.split('\n').map((line) => /^[ \t]*/.exec(line)?.[0] ?? '').filter((i) => i.length > 0);
  const tabs = indents.some((i) => i.startsWith('\t'));
  const spaces = indents.filter((i) => !i.startsWith('\t')).map((i) => i.length);
  const unit = tabs ? '\t' : ' '.repeat(spaces.length > 0 ? Math.min(...spaces) : 2);
  const padded = (text.match(/\{ "/g) ?? []).length;
  const tight = (text.match(/\{"/g) ?? []).length;
  return { unit, eol: eolOf(text), colon: /"\s*:(\s?)/.exec(text)?.[1] === '' ? ':' : ': ', padBraces: padded > tight };
}

/** Emits edits of a JSON file. */
export class JsonEmitter implements Emitter {
  private readonly edits: TextEdits;
  readonly format: JsonFormatting;

  constructor(private readonly tree: TTree) {
    this.edits = new TextEdits(tree.text);
    this.format = detectJsonFormatting(tree.text);
  }

  result(): string {
    return this.edits.apply();
  }

  replace(node: TNode, value: NewValue): void {
    this.edits.add(node.start, node.end, this.render(value, lineIndent(this.tree.text, node.start)));
  }

  editList(seq: TSeq, entries: ListEntry[]): void {
    const kept = entries.filter((e) => 'keep' in e);
    if (kept.length === entries.length && kept.length === seq.items.length) return;
    const oneLine = !this.tree.text.slice(seq.start, seq.end).includes('\n');
    if (entries.length === 0 || seq.items.length === 0) {
      const items = entries.map((e): NewValue => ('insert' in e ? e.insert : { kind: 'keep', node: seq.items[e.keep] }));
      this.replace(seq, { kind: 'list', items, flow: oneLine });
      return;
    }
    const indent = lineIndent(this.tree.text, seq.items[0].start);
    renderCommaList(this.edits, seq, entries, { render: (v) => this.render(v, indent), eol: this.format.eol, tree: this.tree });
  }

  deletePair(map: TMap, key: string): void {
    const index = map.pairs.findIndex((p) => p.key === key);
    if (index >= 0) deleteCommaPair(this.edits, map, index);
  }

  addPair(map: TMap, key: string, value: NewValue, where: PairPosition = {}): void {
    const anchor = (where.after ? map.pairs.find((p) => p.key === where.after) : undefined) ?? map.pairs[map.pairs.length - 1];
    if (!anchor) {
      this.replace(map, { kind: 'map', entries: [[key, value]] });
      return;
    }
    const ranges = map.pairs.map((p) => [p.keyStart, p.value.end] as [number, number]);
    const sep = separatorOf(this.tree, ranges, map, this.format.eol);
    const indent = lineIndent(this.tree.text, anchor.keyStart);
    const pair = `${JSON.stringify(key)}${this.format.colon}${this.render(value, indent)}`;
    const first = map.pairs[0];
    if (where.first) this.edits.add(first.keyStart, first.keyStart, pair + sep, depthOf(map) + 1);
    else this.edits.add(anchor.value.end, anchor.value.end, sep + pair, depthOf(map) + 1);
  }

  /** A value whose first line stands after text indented by `indent`; its later lines are indented from there. */
  render(value: NewValue, indent: string): string {
    const { unit, eol, colon } = this.format;
    switch (value.kind) {
      case 'str':
      case 'scalar':
        return JSON.stringify(value.value);
      case 'raw':
        return value.text;
      case 'tagged':
        return this.render(value.value, indent);
      case 'keep':
        return reindented(this.tree, value.node, columnOf(this.tree.text, value.node.start) + indent.length - lineIndent(this.tree.text, value.node.start).length);
      case 'list': {
        const items = value.items.map((v) => this.render(v, value.flow ? indent : indent + unit));
        if (items.length === 0) return '[]';
        return value.flow ? `[${items.join(', ')}]` : `[${eol}${indent}${unit}${items.join(`,${eol}${indent}${unit}`)}${eol}${indent}]`;
      }
      case 'map': {
        const entries = value.entries.map(([k, v]) => `${JSON.stringify(k)}${colon}${this.render(v, value.flow ? indent : indent + unit)}`);
        if (entries.length === 0) return '{}';
        const pad = this.format.padBraces ? ' ' : '';
        return value.flow ? `{${pad}${entries.join(', ')}${pad}}` : `{${eol}${indent}${unit}${entries.join(`,${eol}${indent}${unit}`)}${eol}${indent}}`;
      }
    }
  }
}
