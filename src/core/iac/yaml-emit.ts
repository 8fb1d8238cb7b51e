/**
 * The YAML emitter: tree operations as splices of the original text. Block sequences are edited line by line
 * (an item goes with the comment lines right above it; kept items are not touched), block maps key by key, flow
 * collections as comma lists. New values take the file's indentation step, its way of indenting a sequence under
 * a key, its line breaks, and the quoting the planner asks for.
 */

import { stringify } from 'yaml';
import { renderCommaList, deleteCommaPair, type CommaStyle } from './comma-list.js';
import { columnOf, eolOf, isBlockCollection, isBlockNode, LayoutError, lineStart, nextLineStart, reindented, TextEdits, type Emitter, type ListEntry, type NewValue, type PairPosition } from './emit.js';
import { depthOf, type QuoteStyle, type TMap, type TNode, type TPair, type TSeq, type TTree } from './tree.js';

const STRING_TYPE = { plain: 'PLAIN', single: 'QUOTE_SINGLE', double: 'QUOTE_DOUBLE', block: 'PLAIN' } as const;

/** A YAML scalar for `value` in the asked quoting (plain falls back to quotes when plain would change its meaning). */
export function yamlScalar(value: string, quote: QuoteStyle = 'plain', inFlow = false): string {
  const text = stringify(value, { defaultStringType: STRING_TYPE[quote], defaultKeyType: 'PLAIN', lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
  // A plain scalar inside `[…]` or `{…}` may not hold the flow indicators.
  if (inFlow && !/^['"]/.test(text) && /[,[\]{}]/.test(text)) return yamlScalar(value, 'single');
  // Where plain cannot be, single quotes (as templates mostly write `'*'`) unless the value needs escapes.
  if (quote === 'plain' && text.startsWith('"') && !/[\x00-\x1f\\]/.test(value)) return yamlScalar(value, 'single');
  return text;
}

/** Emits edits of a YAML file. */
export class YamlEmitter implements Emitter {
  private readonly edits: TextEdits;
  private readonly eol: string;
  /** Columns a nested map is indented by. */
  private readonly unit: number;
  /** Columns a block sequence is indented by under its key (0 when the `-` stands at the key's column). */
  private readonly seqIndent: number;

  constructor(private readonly tree: TTree) {
    this.edits = new TextEdits(tree.text);
    this.eol = eolOf(tree.text);
    this.unit = indentUnit(tree);
    this.seqIndent = sequenceIndent(tree) ?? this.unit;
  }

  result(): string {
    return this.edits.apply();
  }

  replace(node: TNode, value: NewValue): void {
    const text = this.tree.text;
    const parent = node.parent;
    const block = isBlockCollection(value, this.tree);
    const inline = block ? undefined : this.inline(value, parentIsFlow(node));
    const nodeIsBlock = (node.kind === 'map' || node.kind === 'seq') && !node.flow && node.tag === undefined;
    if (block && nodeIsBlock && node.kind === (value.kind === 'keep' ? value.node.kind : value.kind)) {
      this.splice(node.start, node.end, this.render(value, columnOf(text, node.start)));
    } else if (inline !== undefined && node.end > node.start && (parent.kind === 'root' || parentIsFlow(node) || sameLine(text, leadOf(text, node), node.start))) {
      // On the key's (or dash's) line: only the value's own text changes, the spacing before it stays.
      this.splice(node.start, node.end, inline);
    } else if (parent.kind === 'pair') {
      const colon = colonAfter(text, parent.pair);
      this.splice(colon + 1, node.end, this.afterColon(value, columnOf(text, parent.pair.keyStart)));
    } else if (parent.kind === 'item') {
      const dash = dashBefore(text, node);
      this.splice(dash + 1, node.end, ` ${this.render(value, columnOf(text, dash) + 2)}`);
    } else {
      this.splice(node.start, node.end, this.render(value, columnOf(text, node.start)));
    }
  }

  editList(seq: TSeq, entries: ListEntry[]): void {
    const kept = entries.filter((e): e is { keep: number } => 'keep' in e);
    if (kept.length === entries.length && kept.length === seq.items.length) return;
    if (entries.length === 0 || seq.items.length === 0) {
      this.replace(seq, { kind: 'list', items: entries.map((e) => ('insert' in e ? e.insert : { kind: 'keep', node: seq.items[e.keep] })), flow: seq.flow || entries.length === 0 });
      return;
    }
    if (seq.flow) {
      renderCommaList(this.edits, seq, entries, this.commaStyle(seq));
      return;
    }
    this.editBlockList(seq, entries);
  }

  deletePair(map: TMap, key: string): void {
    const index = map.pairs.findIndex((p) => p.key === key);
    if (index < 0) return;
    const text = this.tree.text;
    if (map.flow) {
      deleteCommaPair(this.edits, map, index);
      return;
    }
    const pair = map.pairs[index];
    const onDashLine = text.slice(lineStart(text, pair.keyStart), pair.keyStart).trim() !== '';
    if (onDashLine) {
      // `- Sid: x` starts the item: the next key moves up onto the dash line.
      const next = map.pairs[index + 1];
      if (!next) throw new LayoutError(`cannot remove ${key}, the only key of its map`, pair.keyStart);
      this.splice(pair.keyStart, next.keyStart, '');
      return;
    }
    this.splice(extentStart(text, pair.keyStart, 0), nextLineStart(text, pair.value.end), '');
  }

  addPair(map: TMap, key: string, value: NewValue, where: PairPosition = {}): void {
    const anchor = (where.after ? map.pairs.find((p) => p.key === where.after) : undefined) ?? map.pairs[map.pairs.length - 1];
    if (!anchor) throw new LayoutError(`cannot add ${key} to an empty map`, map.start);
    const text = this.tree.text;
    const depth = depthOf(map) + 1;
    const first = map.pairs[0];
    if (map.flow) {
      const pair = `${yamlScalar(key, 'plain', true)}: ${this.inline(value, true) ?? ''}`;
      if (where.first) this.edits.add(first.keyStart, first.keyStart, `${pair}, `, depth);
      else this.edits.add(anchor.value.end, anchor.value.end, `, ${pair}`, depth);
      return;
    }
    const column = columnOf(text, first.keyStart);
    const pair = `${yamlScalar(key)}:${this.afterColon(value, column)}`;
    if (where.first) {
      // Before the first key: on the dash line when the map is an item (`- Sid: x` then `  Effect: …`).
      const onDashLine = text.slice(lineStart(text, first.keyStart), first.keyStart).trim() !== '';
      if (onDashLine) this.edits.add(first.keyStart, first.keyStart, `${pair}${this.eol}${' '.repeat(column)}`, depth);
      else this.edits.add(lineStart(text, first.keyStart), lineStart(text, first.keyStart), `${' '.repeat(column)}${pair}${this.eol}`, depth);
      return;
    }
    const at = nextLineStart(text, anchor.value.end);
    const lead = at === text.length && !text.endsWith('\n') ? this.eol : '';
    this.edits.add(at, at, `${lead}${' '.repeat(column)}${pair}${this.eol}`, depth);
  }

  private editBlockList(seq: TSeq, entries: ListEntry[]): void {
    const text = this.tree.text;
    const dashes = seq.items.map((item) => dashBefore(text, item));
    const extents = seq.items.map((item, i) => [extentStart(text, dashes[i], i === 0 ? seq.start : nextLineStart(text, seq.items[i - 1].end)), nextLineStart(text, item.end)]);
    const keptSet = new Set(entries.flatMap((e) => ('keep' in e ? [e.keep] : [])));
    seq.items.forEach((_item, i) => {
      if (!keptSet.has(i)) this.splice(extents[i][0], extents[i][1], '');
    });
    const column = columnOf(text, dashes[0]);
    let anchor: number | undefined;
    for (const entry of entries) {
      if ('keep' in entry) {
        anchor = entry.keep;
        continue;
      }
      const at = anchor === undefined ? extents[0][0] : extents[anchor][1];
      const lead = at === text.length && !text.endsWith('\n') ? this.eol : '';
      this.edits.add(at, at, `${lead}${' '.repeat(column)}- ${this.render(entry.insert, column + 2)}${this.eol}`, depthOf(seq) + 1);
    }
  }

  /** Text after `key:` for a value whose key stands at `keyColumn`: ` inline`, or a line break and a block. */
  private afterColon(value: NewValue, keyColumn: number): string {
    const inline = isBlockCollection(value, this.tree) ? undefined : this.inline(value);
    if (inline !== undefined) return ` ${inline}`;
    if (value.kind === 'tagged') return ` ${value.tag}${this.eol}${' '.repeat(keyColumn + this.unit)}${this.render(value.value, keyColumn + this.unit)}`;
    const isList = value.kind === 'list' || (value.kind === 'keep' && value.node.kind === 'seq' && !value.node.flow);
    const column = keyColumn + (isList ? this.seqIndent : this.unit);
    return `${this.eol}${' '.repeat(column)}${this.render(value, column)}`;
  }

  /** A value whose first line stands at `column` (the caller wrote what precedes it); later lines are indented. */
  render(value: NewValue, column: number): string {
    if (value.kind === 'keep') return reindented(this.tree, value.node, column).replace(/\r?\n/g, this.eol);
    const inline = isBlockCollection(value, this.tree) ? undefined : this.inline(value);
    if (inline !== undefined) return inline;
    // A collection that is written in block layout, or a flow one that holds a value needing several lines.
    const pad = this.eol + ' '.repeat(column);
    switch (value.kind) {
      case 'list':
        return value.items.length === 0 ? '[]' : value.items.map((item) => `- ${this.render(item, column + 2)}`).join(pad);
      case 'map':
        return value.entries.length === 0 ? '{}' : value.entries.map(([k, v]) => `${yamlScalar(k)}:${this.afterColon(v, column)}`).join(pad);
      case 'tagged':
        return `${value.tag}${this.eol}${' '.repeat(column + this.unit)}${this.render(value.value, column + this.unit)}`;
      default:
        return yamlScalar(String(value.kind === 'str' || value.kind === 'scalar' ? value.value : value.text));
    }
  }

  /** A value on one line, or undefined when it needs several. */
  inline(value: NewValue, inFlow = false): string | undefined {
    switch (value.kind) {
      case 'str':
        return value.value.includes('\n') ? undefined : yamlScalar(value.value, value.quote, inFlow);
      case 'scalar':
        return value.value === null ? 'null' : String(value.value);
      case 'raw':
        return value.text.includes('\n') ? undefined : value.text;
      case 'keep':
        return isBlockNode(value.node, this.tree) ? undefined : this.tree.text.slice(value.node.start, value.node.end);
      case 'tagged': {
        const inner = this.inline(value.value, inFlow);
        return inner === undefined ? undefined : `${value.tag} ${inner}`;
      }
      case 'list':
        return this.inlineAll(value.items.map((v) => this.inline(v, true)), '[', ']');
      case 'map':
        return this.inlineAll(value.entries.map(([k, v]) => {
          const inner = this.inline(v, true);
          return inner === undefined ? undefined : `${yamlScalar(k, 'plain', true)}: ${inner}`;
        }), '{', '}');
    }
  }

  private inlineAll(parts: Array<string | undefined>, open: string, close: string): string | undefined {
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.length === 0 ? `${open}${close}` : `${open}${parts.join(', ')}${close}`;
  }

  private commaStyle(seq: TSeq): CommaStyle {
    return { render: (value) => this.inline(value, true) ?? this.render(value, columnOf(this.tree.text, seq.start)), eol: this.eol, tree: this.tree };
  }

  private splice(start: number, end: number, text: string): void {
    this.edits.add(start, end, text);
  }
}

/** Whether a node sits inside a flow collection, where only flow values may stand. */
function parentIsFlow(node: TNode): boolean {
  const parent = node.parent;
  return (parent.kind === 'pair' && parent.map.flow) || (parent.kind === 'item' && parent.seq.flow);
}

/** The offset of what introduces a node: its key, its `-`, or itself at the root. */
function leadOf(text: string, node: TNode): number {
  const parent = node.parent;
  if (parent.kind === 'pair') return parent.pair.keyStart;
  if (parent.kind === 'item' && !parent.seq.flow) return dashBefore(text, node);
  return node.start;
}

function sameLine(text: string, a: number, b: number): boolean {
  return !text.slice(Math.min(a, b), Math.max(a, b)).includes('\n');
}

/** Offset of the `:` after a key. */
function colonAfter(text: string, pair: TPair): number {
  const colon = text.indexOf(':', pair.keyEnd);
  if (colon < 0) throw new LayoutError(`no ':' after the key ${pair.key}`, pair.keyEnd);
  return colon;
}

/** Offset of the `-` of a block sequence item; LayoutError when it does not start its line. */
function dashBefore(text: string, item: TNode): number {
  let i = item.start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
  if (text[i] !== '-' || text.slice(lineStart(text, i), i).trim() !== '') {
    throw new LayoutError('a sequence item that does not start its own line', item.start);
  }
  return i;
}

/** Start of the line at `offset`, moved up over the comment lines right above it (no further than `floor`). */
function extentStart(text: string, offset: number, floor: number): number {
  let start = lineStart(text, offset);
  while (start > floor) {
    const prev = lineStart(text, start - 1);
    if (prev < floor || !/^\s*#/.test(text.slice(prev, start))) break;
    start = prev;
  }
  return start;
}

/** The indentation step of the file: the smallest positive difference between a line and the one it nests in. */
function indentUnit(tree: TTree): number {
  let best = Infinity;
  let previous = 0;
  for (const line of tree.text.split('\n')) {
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    if (indent > previous) best = Math.min(best, indent - previous);
    previous = indent;
  }
  return Number.isFinite(best) ? best : 2;
}

/** How far the file indents a block sequence under its key, from the first one it has. */
function sequenceIndent(tree: TTree): number | undefined {
  const visit = (node: TNode): number | undefined => {
    if (node.kind === 'map') {
      for (const pair of node.pairs) {
        const v = pair.value;
        if (v.kind === 'seq' && !v.flow && v.tag === undefined && v.items.length > 0) {
          return columnOf(tree.text, dashBefore(tree.text, v.items[0])) - columnOf(tree.text, pair.keyStart);
        }
        const found = visit(v);
        if (found !== undefined) return found;
      }
    }
    if (node.kind === 'seq') for (const item of node.items) {
      const found = visit(item);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  try {
    return visit(tree.root);
  } catch {
    return undefined;
  }
}
