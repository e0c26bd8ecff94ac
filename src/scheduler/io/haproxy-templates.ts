// Loads the haproxy.cfg template fragments shipped in the package's templates/haproxy/ directory
// (one file per fragment, named as marathon-lb names its templates).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../../cluster/paths.js';
import { HAPROXY_TEMPLATE_NAMES, type HaproxyTemplateName } from '../core/haproxy.js';

export const HAPROXY_TEMPLATES_DIR = packagePath('templates', 'haproxy');

/** Every fragment renderHaproxyConfig needs, from `dir` (default: the package's own). */
export async function loadHaproxyTemplates(
  dir: string = HAPROXY_TEMPLATES_DIR,
): Promise<Record<HaproxyTemplateName, string>> {
  const entries = await Promise.all(
    HAPROXY_TEMPLATE_NAMES.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const),
  );
  return Object.fromEntries(entries) as Record<HaproxyTemplateName, string>;
}
