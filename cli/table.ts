/**
 * Plain-text tables for terminals: left-aligned columns, two spaces apart, a header and a rule.
 *
 * Given a width (the terminal's), a table that would be wider keeps its identifying columns on the row's line and
 * moves the others under the row, indented, as `name value` pairs, free text wrapped to the width: nothing is cut,
 * so the table says what `--json` says, only laid out for the screen. Without a width (output to a pipe or a file)
 * every column stays on one line.
 */

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /**
   * Free text (a reason, a note, an error): the first to move under its row when the table is too wide, wrapped
   * there to the width.
   */
  readonly wrap?: boolean;
  /**
   * Columns that may move under the row when the table is too wide: the lowest priority moves first. Columns with
   * neither `wrap` nor `priority` always stay on the row's line (the ids a reader looks a row up by).
   */
  readonly priority?: number;
}

const GAP = '  ';
const DETAIL_INDENT = '    ';

export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], width?: number): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const kept = keptColumns(columns, cells, width);
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)));
  const format = (line: readonly string[]) =>
    kept
      .map((index, position) => (position === kept.length - 1 ? (line[index] ?? '') : (line[index] ?? '').padEnd(widths[index] ?? 0)))
      .join(GAP)
      .trimEnd();
  const header = format(columns.map((column) => column.header));
  const rule = format(widths.map((w) => '-'.repeat(w)));
  const moved = columns.map((_, index) => index).filter((index) => !kept.includes(index));
  const body = cells.flatMap((line) => [format(line), ...detailLines(columns, line, moved, width)]);
  return [header, rule, ...body].join('\n');
}

/** The indexes of the columns that stay on the row's line, in their order. */
function keptColumns<Row>(columns: readonly Column<Row>[], cells: readonly string[][], width: number | undefined): number[] {
  const all = columns.map((_, index) => index);
  if (width === undefined) return all;
  const columnWidth = (index: number) => Math.max(columns[index]?.header.length ?? 0, ...cells.map((line) => (line[index] ?? '').length));
  const lineWidth = (indexes: readonly number[]) => indexes.reduce((sum, index) => sum + columnWidth(index), 0) + GAP.length * Math.max(0, indexes.length - 1);
  const movable = all
    .filter((index) => columns[index]?.wrap === true || columns[index]?.priority !== undefined)
    .sort((a, b) => moveRank(columns[a]) - moveRank(columns[b]));
  const kept = [...all];
  for (const index of movable) {
    if (lineWidth(kept) <= width) break;
    kept.splice(kept.indexOf(index), 1);
  }
  return kept;
}

/** Free text moves first, then by priority, lowest first. */
const moveRank = (column: Pick<Column<never>, 'wrap' | 'priority'> | undefined) => (column?.wrap === true ? -Infinity : (column?.priority ?? Infinity));

/**
 * The moved columns of one row: short values together on one line (`principal allowed, tagged yes`), each free
 * text on its own; empty and `-` values are left out. Every line is wrapped to the width under a hanging indent.
 */
function detailLines<Row>(columns: readonly Column<Row>[], line: readonly string[], moved: readonly number[], width: number | undefined): string[] {
  const present = moved.filter((index) => (line[index] ?? '') !== '' && line[index] !== '-');
  const label = (index: number) => `${(columns[index]?.header ?? '').toLowerCase()} ${line[index] ?? ''}`;
  const short = present.filter((index) => columns[index]?.wrap !== true).map(label);
  const long = present.filter((index) => columns[index]?.wrap === true).map(label);
  return [...(short.length === 0 ? [] : [short.join(', ')]), ...long].flatMap((text) => wrapText(text, width, DETAIL_INDENT));
}

/** Words to lines of at most `width` characters, each starting with `indent`; a word longer than a line stays whole. */
export function wrapText(text: string, width: number | undefined, indent = ''): string[] {
  if (width === undefined) return [`${indent}${text}`];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && indent.length + current.length + 1 + word.length > width) {
      lines.push(`${indent}${current}`);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(`${indent}${current}`);
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
