/**
 * CloudFormation's short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, …) registered with the `yaml`
 * package: without them a template parses with "Unresolved tag" warnings and the tag's meaning is lost. Each
 * tag is registered for a scalar, a sequence and a map, and resolves to the node itself, so the node keeps its
 * tag and its source range (the editors splice text; they never re-stringify a document).
 */

import type { CollectionTag, ScalarTag } from 'yaml';

/** Short-form intrinsics CloudFormation (and SAM, and serverless.yml) accept, without the `!`. */
export const CFN_SHORT_TAGS = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'If',
  'Select',
  'Split',
  'ImportValue',
  'FindInMap',
  'Base64',
  'Cidr',
  'GetAZs',
  'Equals',
  'And',
  'Or',
  'Not',
  'Condition',
  'Transform',
  'Length',
  'ToJsonString',
] as const;

/** The long-form name of a short-form tag: `!Ref` → `Ref`, `!GetAtt` → `Fn::GetAtt`, `!Condition` → `Condition`. */
export function longFormName(tag: string): string {
  const name = tag.replace(/^!/, '');
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function tagsFor(name: string): Array<ScalarTag | CollectionTag> {
  const tag = `!${name}`;
  // `identify` never claims a value: these tags are only read, never chosen when stringifying.
  const scalar: ScalarTag = { tag, identify: () => false, resolve: (value: string) => value };
  const seq: CollectionTag = { tag, collection: 'seq', identify: () => false, resolve: (value) => value };
  const map: CollectionTag = { tag, collection: 'map', identify: () => false, resolve: (value) => value };
  return [scalar, seq, map];
}

/** The `customTags` option for `parseDocument` that knows every CloudFormation short-form tag. */
export const CFN_YAML_TAGS: Array<ScalarTag | CollectionTag> = CFN_SHORT_TAGS.flatMap(tagsFor);
