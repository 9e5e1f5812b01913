/** Every file called `name` anywhere under `dir` (for checks over all fixtures). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => join(e.parentPath, e.name));
}
