// Prints the built app's sizes, raw and gzipped, and checks the first-load
// budget: the JS that index.html loads (its entry and the chunks it
// preloads) is at most 90 KB gzipped. Lazy chunks (charts) are listed apart.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const BUDGET = 90 * 1024;

const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
const firstLoad = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const rows = [];
for (const file of fs.readdirSync(path.join(DIST, 'assets')).sort()) {
  const bytes = fs.readFileSync(path.join(DIST, 'assets', file));
  rows.push({ file: `assets/${file}`, raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length });
}
let first = 0;
for (const r of rows) {
  const tag = r.file.endsWith('.js') ? (firstLoad.has(r.file) ? 'first load' : 'lazy') : '';
  if (tag === 'first load') first += r.gzip;
  console.log(`${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} gzip  ${tag}`);
}
console.log(`first-load JS: ${kb(first)} gzipped (budget ${kb(BUDGET)})`);
if (first > BUDGET) {
  console.error('the first-load JS is over budget');
  process.exit(1);
}
