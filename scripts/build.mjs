// Bundles the two entry points with @vercel/ncc into dist/main and dist/post.
// Deterministic: the same src/ and lock file always give the same dist/
// (a test checks that the committed dist/ is exactly what this makes).
//
// @actions/http-client's `undici` is shims/undici (package.json "overrides"):
// the real one would add to the bundle and to every run (docs/performance.md
// has the figures) for a fetch proxy dispatcher the action never uses. Its `tunnel` is shims/tunnel, which loads
// the real tunnel only when a proxy is used. The build refuses to bundle the
// real ones in their place.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'dist');
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

// The undici and tunnel that @actions/http-client resolves (from its own folder)
// must be the shims: the real ones would cost every run (see shims/*/index.js).
const fromHttpClient = createRequire(join(root, 'node_modules', '@actions', 'http-client', 'package.json'));
for (const [name, shimVersion] of [
  ['undici', '0.0.0-shim'],
  ['tunnel', '0.0.6-lazy'],
]) {
  const found = JSON.parse(readFileSync(fromHttpClient.resolve(`${name}/package.json`), 'utf8'));
  if (found.version !== shimVersion) {
    console.error(
      `node_modules/${name} is ${name} ${found.version}, not shims/${name}: run \`npm ci\` (package.json "overrides").`,
    );
    process.exit(1);
  }
}

for (const entry of ['main', 'post']) {
  const out = join(outDir, entry);
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      join(root, 'src', 'entrypoints', `${entry}.ts`),
      '-o',
      out,
      '--minify',
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}
