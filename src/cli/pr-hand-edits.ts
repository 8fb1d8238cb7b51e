/**
 * A file edited by hand since the tool's last run: the tool's branch is its last commit on the base as it was
 * then, so a file that commit edited and whose text on the base has changed since was touched by someone
 * else. The edit is planned again from the file's current text (never from the tool's old one), and the pull
 * request and the run's output say so.
 */
import { runGit, type GitContext } from '../adapters/git/run.js';
import type { SiteText } from '../core/iac/plan-types.js';
import type { SiteEditNote } from '../core/pr/body.js';

/** The text of `file` at `commit`, or undefined when it has none there. */
async function textAt(git: GitContext, commit: string, file: string): Promise<string | undefined> {
  const out = await runGit(git, ['show', `${commit}:${file}`], { okExitCodes: [128] });
  return out.exitCode === 0 ? out.stdout : undefined;
}

/**
 * Notes for each site file the tool's last commit (`toolSha`) edited whose text on the base differs now from
 * the text that commit started from.
 */
export async function handEditedNotes(git: GitContext, toolSha: string, sites: readonly SiteText[], base: string): Promise<SiteEditNote[]> {
  const parent = await runGit(git, ['rev-parse', '--verify', '--quiet', `${toolSha}^`], { okExitCodes: [1] });
  if (parent.exitCode !== 0) return [];
  const previousBase = parent.stdout.trim();
  const changed = await runGit(git, ['diff', '--name-only', '-z', previousBase, toolSha, '--']);
  const edited = new Set(changed.stdout.split('\0').filter(Boolean));
  const notes: SiteEditNote[] = [];
  const seen = new Set<string>();
  for (const { site, text } of sites) {
    if (seen.has(site.file) || !edited.has(site.file)) continue;
    seen.add(site.file);
    const then = await textAt(git, previousBase, site.file);
    if (then === undefined || then === text) continue;
    notes.push({
      file: site.file,
      site: 'changed since the last run',
      notes: [`${site.file} was edited on ${base} since policy-trim's last proposal (commit ${toolSha.slice(0, 12)}): the edit was planned again from its current text.`],
    });
  }
  return notes;
}
