/**
 * Reference values from CloudFormation and SAM parameter files (issue 10 §2): each parameter `K` with value `V`
 * resolves `Ref:K` to `V`. The forms users keep:
 * - the AWS CLI's `--parameters file://params.json`: `[{"ParameterKey": "K", "ParameterValue": "V"}, …]`, also as
 *   the `Parameters` list of a `--cli-input-json` file; an entry with `UsePreviousValue: true` has no value here;
 * - a CodePipeline template configuration file: `{"Parameters": {"K": "V"}, "Tags": …}` (AWS CodePipeline User
 *   Guide, "AWS CloudFormation artifacts");
 * - SAM CLI's configuration, `samconfig.toml` (or `.yaml`/`.json`): `parameter_overrides` of
 *   `[ENV.deploy.parameters]`, else of `[ENV.global.parameters]` (samcli/lib/config/samconfig.py, `get_all`:
 *   the command's table overrides the global one key by key), ENV `default` unless named. Its value is a string
 *   `"K=V K2=\"a b\""` (or a list of such strings) in the syntax of samcli/cli/types.py
 *   `CfnParameterOverridesType`: space-separated `K=V` or `ParameterKey=K,ParameterValue=V`, a value wrapped in
 *   double or single quotes may hold spaces, `\ `, `\"` and `\'` are escapes.
 *
 * TOML is read by a small reader made for this one key (no dependency for it): tables, dotted keys, strings of all
 * four kinds with TOML's escapes, arrays, inline tables, comments; numbers, dates and booleans are stepped over.
 * Array tables (`[[…]]`) are not part of a samconfig file and are refused.
 *
 * A value this module cannot vouch for is skipped with its reason, never guessed: a parameter declared as a list
 * (or, when the declared types are not given, a value with a comma: see `mayBeList`), and an SSM parameter type,
 * whose `Ref` is the SSM parameter's value, not the name written in the file.
 */

import { parse as parseYaml } from 'yaml';
import { mayBeList, ReferenceSourceError, type ReferenceSource, type SkippedReference } from './resolve.js';

/** How to read a parameter file. */
export interface ParameterFileOptions {
  /** The samconfig environment (`sam deploy --config-env`); default `default`. */
  environment?: string;
  /** The template's parameter types (`Parameters.K.Type`), if read: they tell lists and SSM parameters apart exactly. */
  types?: ReadonlyMap<string, string>;
}

/** The forms this module reads, for error hints. */
const FORMS =
  'a JSON list of {"ParameterKey", "ParameterValue"} (aws cloudformation --parameters), {"Parameters": {"K": "V"}} ' +
  '(CodePipeline template configuration), or a samconfig.toml/.yaml/.json with parameter_overrides';

/**
 * The `Ref:K` values of a parameter file; the form is told by the file's name (`.toml`) and its shape. Throws
 * ReferenceSourceError `cfn-parameters-invalid` naming the file and the supported forms.
 */
export function parseParameterFile(text: string, file: string, opts: ParameterFileOptions = {}): ReferenceSource {
  const env = opts.environment ?? 'default';
  const pairs = /\.toml$/i.test(file) ? overridePairs(readSamconfigToml(text, file, env), file) : structuredPairs(text, file, env);
  const values = new Map<string, string>();
  const skipped: SkippedReference[] = [...pairs.skipped];
  for (const [name, value] of pairs.values) {
    const why = whyNot(name, value, opts.types);
    if (why) skipped.push({ key: `Ref:${name}`, reason: why });
    else values.set(`Ref:${name}`, value);
  }
  return { name: file, values, skipped };
}

/** Parameter name → value as the file writes them, and the entries that give none. */
type Pairs = { values: Map<string, string>; skipped: SkippedReference[] };

/** Why `Ref:name` does not resolve to `value`, or undefined when it does. */
function whyNot(name: string, value: string, types: ReadonlyMap<string, string> | undefined): string | undefined {
  const type = types?.get(name);
  if (type !== undefined) {
    if (/^AWS::SSM::Parameter::Value</.test(type)) return `${type}: Ref gives the SSM parameter's value, not the name in the file`;
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) return `${type}: a list, not one value`;
    return undefined;
  }
  return mayBeList(value) ? 'the value holds a comma, so the parameter may be a list (give the template to tell)' : undefined;
}

/** JSON or YAML forms: the CLI's list, a `Parameters` object or list, a samconfig document. */
function structuredPairs(text: string, file: string, env: string): Pairs {
  const doc = parseDocument(text, file);
  if (Array.isArray(doc)) return cliList(doc, file, '');
  if (isRecord(doc) && Array.isArray(doc.Parameters)) return cliList(doc.Parameters, file, 'Parameters');
  if (isRecord(doc) && isRecord(doc.Parameters)) return parametersObject(doc.Parameters, file);
  if (isRecord(doc) && isRecord(doc[env])) return overridePairs(samconfigOverrides(doc[env], file, env), file);
  if (isRecord(doc) && 'version' in doc) return { values: new Map(), skipped: [] }; // a samconfig without that environment
  throw invalid(file, 'not a parameter file this tool reads');
}

function parseDocument(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  const json = /\.json$/i.test(file) || /^\s*[[{]/.test(body);
  try {
    return json ? (JSON.parse(body) as unknown) : (parseYaml(body) as unknown);
  } catch (e) {
    throw invalid(file, `not ${json ? 'JSON' : 'YAML'} (${(e as Error).message.split('\n')[0]})`, e);
  }
}

function cliList(items: unknown[], file: string, where: string): Pairs {
  const out: Pairs = { values: new Map(), skipped: [] };
  items.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(item) || typeof item.ParameterKey !== 'string') throw invalid(file, `${at} has no "ParameterKey" string`);
    const key = item.ParameterKey;
    if (item.UsePreviousValue === true && item.ParameterValue === undefined) {
      out.skipped.push({ key: `Ref:${key}`, reason: 'UsePreviousValue: the deployed stack holds the value (give the stack to resolve it)' });
      return;
    }
    out.values.set(key, scalar(item.ParameterValue, file, `${at}.ParameterValue`));
  });
  return out;
}

function parametersObject(params: Record<string, unknown>, file: string): Pairs {
  return { values: new Map(Object.entries(params).map(([k, v]) => [k, scalar(v, file, `Parameters.${k}`)])), skipped: [] };
}

/** A parameter value: a string, or a number or boolean the file wrote bare (CloudFormation takes it as text). */
function scalar(value: unknown, file: string, at: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(file, `${at} should be a string`);
}

/** `parameter_overrides` of a samconfig environment read as YAML or JSON: the command's table, then the global one. */
function samconfigOverrides(envTable: Record<string, unknown>, file: string, env: string): string[] | undefined {
  for (const command of ['deploy', 'global']) {
    const params = envTable[command];
    const section = isRecord(params) ? params.parameters : undefined;
    if (!isRecord(section) || section.parameter_overrides === undefined) continue;
    const v = section.parameter_overrides;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
    throw invalid(file, `${env}.${command}.parameters.parameter_overrides should be a string or a list of strings`);
  }
  return undefined;
}

/** The pairs of samconfig `parameter_overrides` strings (none when the file has none). */
function overridePairs(overrides: readonly string[] | undefined, file: string): Pairs {
  const out: Pairs = { values: new Map(), skipped: [] };
  for (const s of overrides ?? []) {
    for (const piece of splitOverrides(s)) {
      const pair = overridePair(piece);
      if (pair) out.values.set(pair[0], pair[1]);
      // SAM's own parser (a findall over the string) passes over a piece that is not K=V; so does this one.
      else out.skipped.push({ key: piece, reason: `${file}: not KEY=VALUE in parameter_overrides; SAM ignores it too` });
    }
  }
  return out;
}

/**
 * The space-separated pieces of an overrides string, quotes and escapes kept: a space inside quotes or after a
 * backslash does not split. As in SAM, the string is stripped first and only a space (not a tab or a line break)
 * separates pieces: its pattern's delimiter is " ".
 */
export function splitOverrides(s: string): string[] {
  const pieces: string[] = [];
  let cur = '';
  let quote: string | undefined;
  s = s.trim();
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) cur += c + s[++i];
    else if (!quote && c === ' ') {
      if (cur) pieces.push(cur);
      cur = '';
    } else {
      cur += c;
      if (quote ? c === quote : c === '"' || c === "'") quote = quote ? undefined : c;
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}

/** `K=V` or `ParameterKey=K,ParameterValue=V` → [K, V] with quotes and escapes undone; undefined otherwise. */
function overridePair(piece: string): [string, string] | undefined {
  const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/s.exec(piece);
  const m = long ?? /^([^=]+)=(.*)$/s.exec(piece);
  if (!m) return undefined;
  return [unquote(m[1]!), unquote(m[2]!)];
}

/** As samcli's `_unquote_wrapped_quotes`: drop one pair of wrapping quotes, then undo `\ `, `\"` and `\'`. */
function unquote(value: string): string {
  const wrapped = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0];
  const inner = wrapped ? value.slice(1, -1) : value;
  return inner.replaceAll('\\ ', ' ').replaceAll('\\"', '"').replaceAll("\\'", "'");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The error for a file in none of the forms, or with a bad entry. */
function invalid(file: string, message: string, cause?: unknown): ReferenceSourceError {
  return new ReferenceSourceError({ code: 'cfn-parameters-invalid', file, message, hint: `Give ${FORMS}.`, cause });
}

/** A TOML value, as far as a samconfig file needs one read. */
type TomlValue = { kind: 'string'; value: string } | { kind: 'array'; items: TomlValue[] } | { kind: 'other' };

/**
 * `parameter_overrides` of `[ENV.deploy.parameters]`, else of `[ENV.global.parameters]`, in a samconfig.toml;
 * undefined when neither has it. Every key of the file is read past (see the module comment for what is read),
 * so a string that merely looks like a table header does not derail the reader.
 */
function readSamconfigToml(text: string, file: string, env: string): string[] | undefined {
  const r = new TomlReader(text.replace(/^\uFEFF/, ''), file);
  const found = new Map<string, TomlValue>();
  let table: string[] = [];
  for (r.skipBlank(); !r.eof(); r.skipBlank()) {
    if (r.peek() === '[') {
      table = r.header();
    } else {
      const key = [...table, ...r.keyPath()];
      r.expect('=');
      const value = r.value();
      const [e, command, section, name] = key;
      if (key.length === 4 && e === env && section === 'parameters' && name === 'parameter_overrides') found.set(command!, value);
    }
    r.endOfLine();
  }
  const command = ['deploy', 'global'].find((c) => found.has(c));
  if (!command) return undefined;
  const v = found.get(command)!;
  if (v.kind === 'string') return [v.value];
  if (v.kind === 'array' && v.items.every((i) => i.kind === 'string')) return v.items.map((i) => (i as { value: string }).value);
  throw invalid(file, `[${env}.${command}.parameters] parameter_overrides should be a string or a list of strings`);
}

/** TOML escapes of basic strings (toml.io, v1.0.0, "String"). */
const TOML_ESCAPES: Readonly<Record<string, string>> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** A cursor over TOML text; each method reads one construct or fails with the line. */
class TomlReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  eof = (): boolean => this.pos >= this.text.length;
  peek = (): string | undefined => this.text[this.pos];

  /** Blanks, line breaks and comments. */
  skipBlank(): void {
    while (!this.eof()) {
      if (/\s/.test(this.peek()!)) this.pos++;
      else if (this.peek() === '#') this.skipComment();
      else break;
    }
  }

  endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === '#') this.skipComment();
    if (!this.eof() && !/[\r\n]/.test(this.peek()!)) this.fail('expected the end of the line');
  }

  /** `[a.b.c]`; `[[…]]` is an array of tables, which a samconfig file has no use for. */
  header(): string[] {
    this.pos++;
    if (this.peek() === '[') this.fail('an array of tables ([[…]]) is not part of a samconfig file');
    const path = this.keyPath();
    this.expect(']');
    return path;
  }

  /** A dotted key: bare parts (`A-Za-z0-9_-`) or quoted ones, blanks allowed around the dots. */
  keyPath(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"') parts.push(this.basic());
      else if (c === "'") parts.push(this.literal());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos));
        if (!m) this.fail('expected a key');
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  expect(c: string): void {
    this.skipSpaces();
    if (this.peek() !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  value(): TomlValue {
    this.skipSpaces();
    const rest = this.text.slice(this.pos, this.pos + 3);
    if (rest === '"""') return { kind: 'string', value: this.multiline('"""', true) };
    if (rest === "'''") return { kind: 'string', value: this.multiline("'''", false) };
    const c = this.peek();
    if (c === '"') return { kind: 'string', value: this.basic() };
    if (c === "'") return { kind: 'string', value: this.literal() };
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    // A number, boolean or date: up to what ends a value (a date may hold a space).
    const m = /^[^,\]}#\r\n]+/.exec(this.text.slice(this.pos));
    if (!m || !m[0].trim()) this.fail('expected a value');
    this.pos += m[0].trimEnd().length;
    return { kind: 'other' };
  }

  private array(): TomlValue {
    const items: TomlValue[] = [];
    for (this.pos++, this.skipBlank(); this.peek() !== ']'; this.skipBlank()) {
      items.push(this.value());
      this.skipBlank();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail('expected "," or "]" in a list');
    }
    this.pos++;
    return { kind: 'array', items };
  }

  private inlineTable(): TomlValue {
    for (this.pos++, this.skipSpaces(); this.peek() !== '}'; this.skipSpaces()) {
      this.keyPath();
      this.expect('=');
      this.value();
      this.skipSpaces();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail('expected "," or "}" in an inline table');
    }
    this.pos++;
    return { kind: 'other' };
  }

  private basic(): string {
    let out = '';
    for (this.pos++; this.peek() !== '"'; ) {
      const c = this.peek();
      if (c === undefined || c === '\n') this.fail('a string is not closed on its line');
      out += c === '\\' ? this.escape(false) : this.text[this.pos++];
    }
    this.pos++;
    return out;
  }

  private literal(): string {
    const end = this.text.indexOf("'", this.pos + 1);
    const nl = this.text.indexOf('\n', this.pos + 1);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('a string is not closed on its line');
    const out = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return out;
  }

  /** `"""…"""` (escapes read) or `'''…'''`; a line break right after the opening quotes is not part of it. */
  private multiline(quotes: string, escapes: boolean): string {
    this.pos += 3;
    if (this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    else if (this.peek() === '\n') this.pos++;
    let out = '';
    while (!this.text.startsWith(quotes, this.pos)) {
      if (this.eof()) this.fail(`a ${quotes} string is not closed`);
      if (escapes && this.peek() === '\\') out += this.escape(true);
      else out += this.text[this.pos++];
    }
    this.pos += 3;
    return out;
  }

  /** One escape at `\`; in a multi-line string, `\` before a line break drops the blanks up to the next text. */
  private escape(multiline: boolean): string {
    const c = this.text[this.pos + 1] ?? '';
    if (multiline && /^[ \t]*\r?\n/.test(this.text.slice(this.pos + 1))) {
      this.pos++;
      while (!this.eof() && /\s/.test(this.peek()!)) this.pos++;
      return '';
    }
    if (TOML_ESCAPES[c] !== undefined) return ((this.pos += 2), TOML_ESCAPES[c]);
    const hex = c === 'u' ? 4 : c === 'U' ? 8 : 0;
    const digits = this.text.slice(this.pos + 2, this.pos + 2 + hex);
    if (!hex || !/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== hex) this.fail(`unknown escape \\${c}`);
    this.pos += 2 + hex;
    return String.fromCodePoint(parseInt(digits, 16));
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private skipComment(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw invalid(this.file, `line ${line}: ${message} (TOML)`);
  }
}
