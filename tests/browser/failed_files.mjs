// A node:test reporter that writes the path of each test file with a
// failing test, once per line: `make test` runs those files once more.
export default async function* failedFiles(source) {
  const seen = new Set();
  for await (const event of source) {
    const file = event.type === 'test:fail' ? event.data.file : undefined;
    if (file && !seen.has(file)) {
      seen.add(file);
      yield `${file}\n`;
    }
  }
}
