/**
 * adapters/fs/iac-inputs.ts: reading the files given to resolve references (`--tf-state FILE`, parameter
 * files) and naming them in errors; what is in them is the core's, tested beside.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParameterFile, readTerraformState } from '../../src/adapters/fs/iac-inputs.js';
import { ReferenceSourceError } from '../../src/core/iac/resolve.js';

const DIR = join(import.meta.dirname, 'fixtures', 'resolve');
const tmp = mkdtempSync(join(tmpdir(), 'policy-trim-iac-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readTerraformState', () => {
  it('reads a file, named by its path', async () => {
    const path = join(DIR, 'tf-state.json');
    const s = await readTerraformState(path);
    expect(s.name).toBe(path);
    expect(s.values.get('aws_dynamodb_table.orders.arn')).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders');
  });

  it('reads a file with a byte order mark', async () => {
    const path = join(tmp, 'bom.json');
    writeFileSync(path, '\uFEFF{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","values":{"arn":"arn:aws:s3:::b"}}]}}}');
    expect((await readTerraformState(path)).values.get('aws_s3_bucket.b.arn')).toBe('arn:aws:s3:::b');
  });

  it('a missing file or a directory is reference-file-unreadable, with what to run', async () => {
    const missing = join(DIR, 'nope.json');
    const e = await readTerraformState(missing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReferenceSourceError);
    expect(e).toMatchObject({ code: 'reference-file-unreadable', file: missing, message: `${missing}: cannot read (no such file)` });
    expect((e as ReferenceSourceError).hint).toContain('terraform show -json > state.json');
    await expect(readTerraformState(DIR)).rejects.toMatchObject({ code: 'reference-file-unreadable', message: `${DIR}: cannot read (a directory, not a file)` });
  });

  it('a file that is not that JSON is tf-state-invalid naming it', async () => {
    await expect(readTerraformState(join(DIR, 'iam.tf'))).rejects.toMatchObject({ code: 'tf-state-invalid', file: join(DIR, 'iam.tf') });
  });
});

describe('readParameterFile', () => {
  it('reads each form by its name and shape', async () => {
    expect((await readParameterFile(join(DIR, 'params-cli.json'))).values.get('Ref:Stage')).toBe('prod');
    expect((await readParameterFile(join(DIR, 'samconfig.toml'), { environment: 'staging' })).values.get('Ref:Stage')).toBe('staging');
    expect((await readParameterFile(join(DIR, 'samconfig.yaml'))).values.get('Ref:TableName')).toBe('orders');
  });

  it('a missing file is reference-file-unreadable; a bad one cfn-parameters-invalid', async () => {
    await expect(readParameterFile(join(tmp, 'none.json'))).rejects.toMatchObject({ code: 'reference-file-unreadable', hint: 'Check the path of the parameter file.' });
    await expect(readParameterFile(join(DIR, 'iam.tf'))).rejects.toMatchObject({ code: 'cfn-parameters-invalid', file: join(DIR, 'iam.tf') });
  });
});
