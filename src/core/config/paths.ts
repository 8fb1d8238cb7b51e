/** Paths into the configuration: as key/index lists, as JSON pointers (ajv's), and as people read them. */
import type { ConfigPath } from './types.js';

/** A key that reads well after a dot: the schema's own spelling (letters, digits, `-`, `_`). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['roles', 0, 'defined-in', 1, 'terraform', 'address']` → `roles[0].defined-in[1].terraform.address`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    // A key a person typed by mistake may hold anything (dots, spaces): quote it so the path stays readable.
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * A JSON pointer into `data` (`/roles/0/defined-in`) as a path; a segment is an index where `data` has a list
 * there, so `roles[0]` and a key named "0" stay apart.
 */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
