/**
 * Builds the support console (console/) into dist/console/: its TypeScript bundled by esbuild
 * into one ES module, with index.html and styles.css beside it. The API serves the folder at
 * /console (api/console.ts). Run by `npm run dev`, `npm test`, `npm run build` and the Dockerfile.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..');
export const CONSOLE_OUT_DIR = path.join(root, 'dist', 'console');

export async function buildConsole(outDir: string = CONSOLE_OUT_DIR): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(root, 'console', 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: true,
    outfile: path.join(outDir, 'main.js'),
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'styles.css']) await copyFile(path.join(root, 'console', file), path.join(outDir, file));
}

if (require.main === module) {
  buildConsole().then(
    () => process.stderr.write(`[lifeline] console built into ${path.relative(process.cwd(), CONSOLE_OUT_DIR) || '.'}\n`),
    (err: Error) => {
      process.stderr.write(`[lifeline] console build failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
