// Bundles the two entry points with @vercel/ncc into dist/main and dist/post.
// Deterministic: the same src/ and lock file always give the same dist/
// (a test checks that the committed dist/ is exactly what this makes).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'dist');
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

for (const entry of ['main', 'post']) {
  const out = join(outDir, entry);
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [ncc, 'build', join(root, 'src', 'entrypoints', `${entry}.ts`), '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}
