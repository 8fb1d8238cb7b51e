/**
 * The registry of in-place editors: one per infrastructure-code format (`IAC_FORMATS`). Every editor is pure
 * text → grants → text; the adapter reads and writes the files.
 */

import { cloudFormationEditor, samEditor } from './cfn-editor.js';
import { jsonEditor } from './json-editor.js';
import { serverlessEditor } from './serverless-editor.js';
import { terraformEditor } from './terraform-editor.js';
import type { IacEditor, IacFormat } from './types.js';

const EDITORS: Record<IacFormat, IacEditor> = {
  json: jsonEditor,
  terraform: terraformEditor,
  cloudformation: cloudFormationEditor,
  sam: samEditor,
  serverless: serverlessEditor,
};

/** The editor of a format. */
export function editorFor(format: IacFormat): IacEditor {
  return EDITORS[format];
}
