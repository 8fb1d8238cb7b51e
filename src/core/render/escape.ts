/**
 * Escaping untrusted text for the medium it is shown in. Every value that comes from a log record (eventName,
 * eventSource, ARNs, session names, error codes, file names) or from a policy (Sids, document names, ARNs)
 * is attacker-controllable: a crafted record must not be able to move the cursor, recolour the terminal or
 * forge a summary line ("verified: never wider ...").
 *
 * One home for every medium: {@link forTerminal} (stderr summaries, `--explain`, the `usage` table, warnings,
 * error messages) and {@link escapeHtml} (the drift report's HTML page) live here; Markdown's escaping is in
 * `core/pr/markdown.ts`. Each first applies {@link escapeControls}, then the medium's own metacharacters.
 */

/**
 * Characters never written raw: C0 controls (including newline, carriage return, tab and ESC), DEL, C1
 * controls, the line and paragraph separators, and the bidirectional-text controls that can make a line read
 * differently from what it holds ("Trojan Source").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Short forms for the controls a reader recognizes; every other one is shown as `\u00XX`. */
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Replaces every unsafe character (see {@link UNSAFE}) with a visible escape: `\n`, `\r`, `\t`, or `\u001b`
 * style. Printable text, including backslashes and non-ASCII letters, is kept as is. The result holds no
 * control character and no line break, so it is safe inside one line of any plain-text medium.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Makes untrusted text safe for one line of a terminal: control characters become `\u001b`-style escapes and
 * newlines `\n`. Idempotent (its output has nothing left to escape). Renderers apply it to each line they
 * build, then add their own line breaks.
 */
export function forTerminal(value: unknown): string {
  return escapeControls(typeof value === 'string' ? value : String(value));
}

/** Applies {@link forTerminal} to each line of `lines` and ends each with a newline: the renderers' last step. */
export function terminalLines(lines: readonly string[]): string {
  return lines.map((l) => forTerminal(l) + '\n').join('');
}

/** HTML's metacharacters and their references: safe in text and in a double- or single-quoted attribute value. */
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Makes untrusted text safe inside HTML text or a quoted attribute value (also inline SVG): control characters
 * become `\u001b`-style escapes first ({@link escapeControls}), then `&`, `<`, `>`, `"` and `'` become character
 * references. Not for `<script>` or `<style>` content, where references are not read.
 */
export function escapeHtml(value: unknown): string {
  return escapeControls(typeof value === 'string' ? value : String(value)).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
