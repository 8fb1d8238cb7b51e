/**
 * The text of the `.policy-trim.yml` that `--discover` proposes: valid YAML the configuration parser accepts,
 * with every guess said in a comment beside what it concerns, and the grants it could not place listed as
 * commented-out entries a person can move under the right role.
 */
import type { GrantSite } from '../iac/types.js';
import type { Discovery, ProposedRole, UnmatchedSite } from './discover.js';

/** YAML's plain scalars that would not read back as the same string. */
const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i;

/** A string as a YAML scalar: plain when it reads back as itself, else JSON-quoted (valid YAML). */
export function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_/][A-Za-z0-9_./@+=,-]*$/.test(text) && !RESERVED.test(text) ? text : JSON.stringify(text);
}

/** A comment's text: one line, no control characters (paths and names come from the repository). */
function comment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One `defined-in` entry as a flow mapping: `terraform: {file: infra/iam.tf, address: aws_iam_role.app}`. */
export function siteEntry(site: GrantSite): string {
  const { format, ...rest } = site;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${yamlScalar(String(v))}`);
  return `${format}: {${fields.join(', ')}}`;
}

function roleLines(role: ProposedRole): string[] {
  const out: string[] = [];
  if (role.guess) out.push(`  # check the name: ${comment(role.guess)}${role.where ? ` (${comment(role.where)})` : ''}; replace it with the deployed role's name or ARN`);
  out.push(`  - role: ${yamlScalar(role.name)}`, '    defined-in:');
  for (const s of role.sites) {
    if (s.sharedWith.length) out.push(`      # shared with ${comment(s.sharedWith.join(', '))}: a trim for this role alone would take away what they use`);
    out.push(`      - ${siteEntry(s.site)}  # ${comment(`${s.label}, ${s.where}`)}`);
  }
  return out;
}

function unmatchedLines(unmatched: readonly UnmatchedSite[]): string[] {
  if (unmatched.length === 0) return [];
  return [
    '',
    '# Not matched to one role: add each under the role it grants, or leave it out.',
    ...unmatched.map((u) => `#   - ${comment(siteEntry(u.site))}  # ${comment(`${u.label}, ${u.where}: ${u.reason}`)}`),
  ];
}

/** The proposal's text (ends with a newline). */
export function renderDiscovery(d: Discovery): string {
  const lines = [
    `# .policy-trim.yml proposed by \`policy-trim pr --discover\` from ${d.files} file(s): check every role and place before committing it.`,
    '# See docs/configuration.md for every key; `policy-trim config validate` checks the file.',
    'version: 1',
  ];
  if (d.roles.length === 0) lines.push('roles: []  # no grant was matched to a role');
  else lines.push('roles:', ...d.roles.flatMap(roleLines));
  lines.push(...unmatchedLines(d.unmatched));
  if (d.problems.length) {
    lines.push('', '# Files not read (fix them, or check by hand what they grant):', ...d.problems.map((p) => `#   ${comment(`${p.file}: ${p.message}`)}`));
  }
  return lines.join('\n') + '\n';
}
