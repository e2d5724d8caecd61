// The first rows of an imported CSV as the API read them, under the file's
// own column names, so the user sees the delimiter and columns came out right.
import type { ImportPreview } from '../api/imports';
import { ScrollingTable } from '../components/ScrollingTable';
import { t } from '../i18n';
import type { Key } from '../i18n/en';

const DELIMITERS: Partial<Record<string, Key>> = { ',': 'imports.delimiter.comma', ';': 'imports.delimiter.semicolon', '\t': 'imports.delimiter.tab', '|': 'imports.delimiter.pipe' };

export function ImportPreviewTable({ preview, filename }: { preview: ImportPreview; filename: string }) {
  const named = DELIMITERS[preview.delimiter];
  const delimiter = named ? t(named) : `“${preview.delimiter}”`;
  return (
    <ScrollingTable labelledBy="import-preview-caption" framed>
      <table class="table import-preview" data-testid="import-preview">
        <caption id="import-preview-caption" class="import-caption">
          {t('imports.previewCaption', { n: preview.rows.length, file: filename, delimiter })}
        </caption>
        <thead>
          <tr>{preview.columns.map((c, i) => <th key={i} scope="col">{c || t('imports.unnamedColumn', { n: i + 1 })}</th>)}</tr>
        </thead>
        <tbody>
          {preview.rows.map((row, r) => (
            <tr key={r} data-testid="import-preview-row">
              {preview.columns.map((_c, i) => <td key={i}>{row[i] ?? ''}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}
