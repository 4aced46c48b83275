/** Plain-text tables for terminals: left-aligned columns, two spaces apart, a header and a rule. */

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Long free text (reasons) is cut to this width so one row stays one line. */
  readonly maxWidth?: number;
}

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => clip(column.value(row), column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)));
  const format = (line: readonly string[]) =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  const header = format(columns.map((column) => column.header));
  const rule = format(widths.map((width) => '-'.repeat(width)));
  return [header, rule, ...cells.map(format)].join('\n');
}

function clip(text: string, maxWidth: number | undefined): string {
  const oneLine = text.replace(/\s+/g, ' ');
  if (maxWidth === undefined || oneLine.length <= maxWidth) return oneLine;
  return `${oneLine.slice(0, Math.max(0, maxWidth - 1))}…`;
}
