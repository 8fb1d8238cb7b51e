/**
 * The YAML text of the configuration, kept as a Document so every problem can name the line and column of the
 * node it is about (the `yaml` package's node ranges and LineCounter). Pure: text in, value and positions out.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { TextPosition } from '../iac/types.js';
import type { ConfigPath, ConfigProblem } from './types.js';
import { formatPath } from './paths.js';

/** The parsed YAML: its plain value, the problems of the text itself, and where each node is. */
export interface YamlSource {
  /** The plain value (undefined when the text does not parse at all). */
  value: unknown;
  /** Syntax errors, unknown tags, several documents: each with its line. */
  problems: ConfigProblem[];
  /** Where the node at `path` starts; the deepest existing ancestor's start when the node is missing. */
  locate(path: ConfigPath): TextPosition;
  /** Where the key `key` of the mapping at `path` is written (for an unknown key), else where the mapping is. */
  locateKey(path: ConfigPath, key: string): TextPosition;
  /** Whether a node exists at `path` (so a caller can tell an exact position from a fallback). */
  has(path: ConfigPath): boolean;
}

/** Parses `text`; never throws for bad input (a problem says what is wrong instead). */
export function readYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  // YAML 1.2 core schema (`2027-06-30` stays a string), with `<<` merge keys: anchors and merges are how a long
  // file repeats a defined-in list, and without them `<<` would read as an unknown key.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  const at = (offset: number): TextPosition => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: ConfigProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = at(e.pos[0]);
    // The library's own message ends with " at line L, column C:" and a code frame: the position is ours.
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    problems.push({ file, ...pos, path: '', message: `${e.name === 'YAMLWarning' ? '' : 'YAML: '}${message}` });
  }
  const finder = nodeFinder(doc, at);
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // A document of aliases of aliases ("billion laughs") stops here instead of filling the memory.
      problems.push({ file, line: 1, column: 1, path: '', message: `YAML: ${(e as Error).message}` });
    }
  }
  return { value, problems, ...finder };
}

/** Where nodes are, by path. */
function nodeFinder(doc: Document, at: (offset: number) => TextPosition): Pick<YamlSource, 'locate' | 'locateKey' | 'has'> {
  const start: TextPosition = { line: 1, column: 1 };
  const posOf = (n: Node | null | undefined): TextPosition | undefined => (n?.range ? at(n.range[0]) : undefined);
  const walk = (path: ConfigPath) => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let deepest = node;
    let depth = 0;
    for (const seg of path) {
      node = child(doc, node, seg);
      if (!node) break;
      deepest = node;
      depth++;
    }
    return { node: depth === path.length ? deepest : undefined, deepest };
  };
  return {
    locate: (path) => posOf(walk(path).deepest) ?? start,
    has: (path) => walk(path).node !== undefined,
    locateKey: (path, key) => {
      const { node, deepest } = walk(path);
      const map = node && resolve(doc, node);
      if (map && isMap(map)) {
        const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        const pos = pair && posOf(pair.key as Node);
        if (pos) return pos;
      }
      return posOf(deepest) ?? start;
    },
  };
}

/** An alias stands for the node it names. */
function resolve(doc: Document, node: Node): Node | undefined {
  return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

/** The child of a mapping (by key) or sequence (by index). */
function child(doc: Document, parent: Node | null | undefined, seg: string | number): Node | undefined {
  const node = parent ? resolve(doc, parent) : undefined;
  if (isSeq(node) && typeof seg === 'number') return (node.items[seg] as Node | undefined) ?? undefined;
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    return (pair?.value as Node | null | undefined) ?? undefined;
  }
  return undefined;
}

/** A problem at `path`, located at its node (or its nearest existing ancestor). */
export function problemAt(src: Pick<YamlSource, 'locate'>, file: string, path: ConfigPath, message: string): ConfigProblem {
  return { file, ...src.locate(path), path: formatPath(path), message };
}
