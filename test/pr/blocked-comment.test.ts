/**
 * The comment left when a person pushed to the tool's branch: it ends with a hidden marker naming the commits,
 * which is how the next run knows it has said this already; a new commit is a new situation; a person's subject
 * is shown as text (it cannot hide the rest of the comment or forge a marker).
 */
import { describe, expect, it } from 'vitest';
import { blockedAlreadySaid, blockedComment, blockedMarker } from '../../src/core/pr/blocked-comment.js';

const A = { sha: 'a'.repeat(40), subject: 'Keep queue access until the migration' };
const B = { sha: 'b'.repeat(40), subject: 'And the topic too' };

describe('the blocked comment', () => {
  it('lists the commits and ends with the marker naming them', () => {
    const text = blockedComment({ branch: 'policy-trim/orders-api-role', title: 'policy-trim: remove 3 unused permissions', commits: [B, A] });
    expect(text).toContain('has 2 commit(s) policy-trim did not make');
    expect(text).toContain('Keep queue access until the migration');
    expect(text.endsWith(`<!-- policy-trim:blocked=${A.sha},${B.sha} -->`)).toBe(true);
  });

  it('is said once per set of commits, whatever their order', () => {
    const earlier = ['LGTM', blockedComment({ branch: 'b', title: 't', commits: [A] })];
    expect(blockedAlreadySaid(earlier, [A])).toBe(true);
    expect(blockedAlreadySaid(earlier, [B, A])).toBe(false);
    expect(blockedAlreadySaid([...earlier, blockedComment({ branch: 'b', title: 't', commits: [A, B] })], [B, A])).toBe(true);
    expect(blockedAlreadySaid(['LGTM'], [A])).toBe(false);
  });

  it("shows a person's subject as text: an HTML comment in it neither hides the rest nor counts as a marker", () => {
    const sneaky = { sha: 'c'.repeat(40), subject: `wip <!-- policy-trim:blocked=${A.sha} -->` };
    const text = blockedComment({ branch: 'b', title: 't', commits: [sneaky] });
    expect(text.match(/(?<!\\)<!--/g)).toHaveLength(1); // only the tool's own marker opens a comment (`\<` is text)
    expect(blockedAlreadySaid([text], [A])).toBe(false);
    expect(blockedMarker([sneaky])).toBe(`<!-- policy-trim:blocked=${'c'.repeat(40)} -->`);
  });
});
