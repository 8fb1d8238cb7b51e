/** The one decision of when unobservable actions dominate a suggestion (core/trim/unobservable-share.ts). */
import { describe, expect, it } from 'vitest';
import { unobservableDominance } from '../../src/core/trim/unobservable-share.js';
import type { KeptUnobservableFinding } from '../../src/core/trim/types.js';

const finding = (action: string) => ({ kind: 'kept-unobservable', action }) as KeptUnobservableFinding;
const many = (svc: string, n: number) => Array.from({ length: n }, (_, i) => finding(`${svc}:Action${i}`));

describe('unobservableDominance', () => {
  it('is silent under 100 unobservable actions, or when they are less than half of what is kept', () => {
    expect(unobservableDominance(many('sns', 99), 99)).toBeUndefined();
    expect(unobservableDominance(many('sns', 100), 201)).toBeUndefined();
  });

  it('from 100 and half of the kept: counts them and names the five services with most, most first, ties by name', () => {
    const list = [...many('sns', 40), ...many('logs', 40), ...many('ec2', 50), ...many('a', 1), ...many('b', 2), ...many('c', 3), ...many('d', 4)];
    expect(unobservableDominance(list, 280)).toEqual({
      unobservable: 140,
      kept: 280,
      topServices: [['ec2', 50], ['logs', 40], ['sns', 40], ['d', 4], ['c', 3]],
    });
  });
});
