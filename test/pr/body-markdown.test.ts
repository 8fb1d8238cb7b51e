/**
 * markdownText / markdownCode (src/core/pr/markdown.ts): an untrusted value, rendered through either, never
 * makes an HTML tag, a link, an image, an autolink, an @-mention or an issue reference, never leaves a code
 * span open, and shows the value as written. Checked on crafted examples and, with fast-check, on any string,
 * by the detector in body-detector.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipText, formatCount, markdownCode, markdownLink, markdownProse, markdownText, ZERO_WIDTH_SPACE } from '../../src/core/pr/markdown.js';
import { escapeControls } from '../../src/core/render/escape.js';
import { codeSpanContent, isSingleCodeSpan, markdownDangers, renderedText } from './body-detector.js';

/** Values an attacker would put in a session name, an event name or a resource name. */
const CRAFTED = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- hidden -->',
  '<https://evil.example>',
  '[click me](javascript:alert(1))',
  'x](javascript:alert(1))',
  '![pixel](https://evil.example/p.png)',
  '[ref]: https://evil.example',
  '[x][ref]',
  'https://evil.example/login',
  'www.evil.example',
  'mail me: a@evil.example',
  '@octocat please look',
  '@acme/security-team',
  'fixes #1 and acme/infra#12',
  '`code` and ``double`` and a lone ` backtick',
  '```',
  'a | b | c',
  '| --- | --- |',
  'line one\n# FORGED heading\n> quote',
  '\r\n- [ ] task',
  '# heading',
  '> quote',
  '- item',
  '+ item',
  '1. item',
  '1) item',
  '---',
  '===',
  '    indented code',
  ' leading space',
  '**bold** _em_ ~~strike~~',
  '&lt;script&gt; &#60;b&#62;',
  '$\\begin{x}$ and $$y$$',
  'back\\slash\\',
  '\u202eevil\u202c and \u0000\u001b[2K',
  'ends with a backslash \\',
  '',
];

describe('the detector', () => {
  it.each([
    ['<script>alert(1)</script>', 'html or autolink'],
    ['[click](javascript:alert(1))', 'link or image'],
    ['![p](https://e.example/p.png)', 'link or image'],
    ['see https://evil.example', 'bare url autolink'],
    ['hi @octocat', 'mention or e-mail'],
    ['fixes #12', 'issue reference'],
    ['a ` b', 'unclosed code span'],
    ['a | b', 'table cell'],
    ['# heading', 'block at line start'],
    ['1. item', 'block at line start'],
    ['$x$', 'math'],
  ])('sees %j unescaped', (raw, what) => {
    expect(markdownDangers(raw, { mode: 'value' })).toContain(what);
  });

  it('sees a pipe inside a code span in a table row', () => {
    expect(markdownDangers('| `a|b` |', { mode: 'line', table: true })).toContain('table cell split in a code span');
  });
});

describe('markdownText', () => {
  it.each(CRAFTED)('disarms %j', (value) => {
    const md = markdownText(value);
    expect(markdownDangers(md, { mode: 'value' })).toEqual([]);
    expect(markdownDangers(`- ${md}`, { mode: 'line' })).toEqual([]);
    expect(markdownDangers(`| ${md} |`, { mode: 'line', table: true })).toEqual([]);
  });

  it('shows the value as written (controls as visible escapes)', () => {
    for (const value of CRAFTED) {
      expect(renderedText(markdownText(value)).split(ZERO_WIDTH_SPACE).join('')).toBe(escapeControls(value));
    }
  });

  it('escapes exactly what it must, and leaves ordinary text readable', () => {
    expect(markdownText('arn:aws:s3:::orders-receipts/receipts/*')).toBe('arn:aws:s3:::orders-receipts/receipts/\\*');
    expect(markdownText('0.1.0')).toBe('0.1.0');
    expect(markdownText('1. item')).toBe('1\\. item');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('-flag')).toBe('-flag');
    expect(markdownText('<b>')).toBe('\\<b\\>');
    expect(markdownText('https://x.example')).toBe('https\\://x.example');
    expect(markdownText('@octocat')).toBe(`@${ZERO_WIDTH_SPACE}octocat`);
    expect(markdownText('#12')).toBe(`\\#${ZERO_WIDTH_SPACE}12`);
    expect(markdownText('a\nb')).toBe('a\\\\nb');
  });
});

describe('markdownCode', () => {
  it.each(CRAFTED.filter(Boolean))('puts %j in one code span', (value) => {
    const md = markdownCode(value);
    expect(isSingleCodeSpan(md), md).toBe(true);
    expect(codeSpanContent(md)).toBe(escapeControls(value));
    expect(markdownDangers(`- ${md}`, { mode: 'line' })).toEqual([]);
  });

  it('picks a fence longer than any backtick run, and pads a value that starts or ends with one', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('``x``')).toBe('``` ``x`` ```');
    expect(markdownCode(' x ')).toBe('`  x  `');
    expect(markdownCode('   ')).toBe('`   `');
    expect(markdownCode('')).toBe('*(empty)*');
  });

  it('escapes pipes in a table cell only', () => {
    expect(markdownCode('a|b')).toBe('`a|b`');
    expect(markdownCode('a|b', { table: true })).toBe('`a\\|b`');
    expect(markdownDangers(`| ${markdownCode('x | y\\|z', { table: true })} |`, { mode: 'line', table: true })).toEqual([]);
  });
});

describe('markdownProse', () => {
  it('shows backtick-quoted names as code and the rest as text', () => {
    expect(markdownProse('reference `aws_s3_bucket.b.arn` could not be resolved: trimmed at action level only')).toBe(
      'reference `aws_s3_bucket.b.arn` could not be resolved: trimmed at action level only',
    );
    expect(markdownProse('`<b>` and <i>')).toBe('`<b>` and \\<i\\>');
    expect(markdownProse('an unpaired ` backtick')).toBe('an unpaired \\` backtick');
  });
});

describe('helpers', () => {
  it('clipText cuts with an ellipsis, never inside a surrogate pair', () => {
    expect(clipText('abcdef', 4)).toBe('abc…');
    expect(clipText('abc', 4)).toBe('abc');
    expect(clipText('ab😀cd', 4)).toBe('ab…');
  });

  it('markdownLink takes https URLs only and encodes what Markdown would read', () => {
    expect(markdownLink('x', 'https://github.com/a/b/blob/c/d e.md')).toBe('[x](https://github.com/a/b/blob/c/d%20e.md)');
    expect(markdownLink('x', 'javascript:alert(1)')).toBeUndefined();
    expect(markdownLink('x', 'https://e.example/a)b<c')).toBe('[x](https://e.example/a%29b%3Cc)');
  });

  it('formatCount groups thousands the same way everywhere', () => {
    expect([0, 999, 1000, 1234567].map(formatCount)).toEqual(['0', '999', '1,000', '1,234,567']);
  });
});

/** Any string: arbitrary code units, or a mix of Markdown's and GitHub's metacharacters and words. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom('<', '>', '[', ']', '(', ')', '!', '`', '``', '|', '\\', '@', '#', '1', '.', ':', '//', 'http', 'www', 'a', ' ', '\n', '-', '*', '_', '&', ';', '$', '=', '~', 'javascript:', 'img', '/'), { maxLength: 30 }).map((parts) => parts.join('')),
);

describe('properties', () => {
  it('markdownText never produces HTML, a link, an image, an autolink, a mention, or structure', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        expect(markdownDangers(markdownText(a), { mode: 'value' })).toEqual([]);
        // Two values side by side on one line cannot combine into a construct either.
        expect(markdownDangers(`- ${markdownText(a)} ${markdownText(b)}`, { mode: 'line' })).toEqual([]);
        expect(renderedText(markdownText(a)).split(ZERO_WIDTH_SPACE).join('')).toBe(escapeControls(a).split(ZERO_WIDTH_SPACE).join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('markdownCode is always one code span showing the value, in or out of a table', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        fc.pre(a !== '');
        const md = markdownCode(a);
        expect(isSingleCodeSpan(md)).toBe(true);
        expect(codeSpanContent(md)).toBe(escapeControls(a));
        const cell = markdownCode(a, { table: true });
        expect(codeSpanContent(cell).replace(/\\\|/g, '|')).toBe(escapeControls(a));
        expect(markdownDangers(`| ${cell} | ${markdownText(b)} ${markdownCode(b, { table: true })} |`, { mode: 'line', table: true })).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
