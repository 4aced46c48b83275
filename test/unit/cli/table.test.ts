import { renderTable, wrapText, type Column } from '../../../cli/table';

interface Row {
  id: string;
  state: string;
  owner: string;
  note: string;
}

const COLUMNS: Column<Row>[] = [
  { header: 'ACCOUNT', value: (r) => r.id },
  { header: 'STATE', value: (r) => r.state },
  { header: 'OWNER', value: (r) => r.owner, priority: 1 },
  { header: 'NOTE', value: (r) => r.note, wrap: true },
];

const ROWS: Row[] = [
  { id: '111111111111', state: 'available', owner: 'payments', note: 'a long note about why this account is the way it is, which goes on' },
  { id: '2', state: 'pendingAcceptance', owner: '-', note: '' },
];

describe('renderTable', () => {
  it('aligns columns to the widest cell and draws a rule under the header', () => {
    // Act
    const text = renderTable(COLUMNS.slice(0, 2), ROWS);

    // Assess
    expect(text.split('\n')).toEqual([
      'ACCOUNT       STATE',
      '------------  -----------------',
      '111111111111  available',
      '2             pendingAcceptance',
    ]);
  });

  it('keeps every column and the whole text on one line without a width', () => {
    // Act
    const lines = renderTable(COLUMNS, [{ ...ROWS[0], note: 'line\nbreaks   and spaces' } as Row]).split('\n');

    // Assess
    expect(lines[2]).toBe('111111111111  available  payments  line breaks and spaces');
  });

  it('moves free text, then low-priority columns, under the row when the table is wider than the width', () => {
    // Act
    const lines = renderTable(COLUMNS, ROWS, 40).split('\n');

    // Assess: ids and state stay; owner and note follow their row, nothing is cut, no line is over 40
    expect(lines).toEqual([
      'ACCOUNT       STATE',
      '------------  -----------------',
      '111111111111  available',
      '    owner payments',
      '    note a long note about why this',
      '    account is the way it is, which goes',
      '    on',
      '2             pendingAcceptance',
    ]);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(40);
  });

  it('keeps a column on the line when there is room for it', () => {
    // Act
    const lines = renderTable(COLUMNS, ROWS, 50).split('\n');

    // Assess
    expect(lines[0]).toBe('ACCOUNT       STATE              OWNER');
    expect(lines[3]).toBe('    note a long note about why this account is the');
  });
});

describe('wrapText', () => {
  it('never splits a word longer than the line', () => {
    expect(wrapText('short vpce-0123456789abcdef0 end', 12, '  ')).toEqual(['  short', '  vpce-0123456789abcdef0', '  end']);
  });
});
