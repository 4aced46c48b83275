import { renderTable } from '../../../cli/table';

describe('renderTable', () => {
  it('aligns columns to the widest cell and draws a rule under the header', () => {
    const text = renderTable(
      [
        { header: 'ACCOUNT', value: (r: { id: string; state: string }) => r.id },
        { header: 'STATE', value: (r) => r.state },
      ],
      [
        { id: '111111111111', state: 'available' },
        { id: '2', state: 'pendingAcceptance' },
      ],
    );

    expect(text.split('\n')).toEqual([
      'ACCOUNT       STATE',
      '------------  -----------------',
      '111111111111  available',
      '2             pendingAcceptance',
    ]);
  });

  it('cuts long free text to the column maximum and keeps rows on one line', () => {
    const text = renderTable([{ header: 'REASON', value: (r: string) => r, maxWidth: 10 }], ['a very\nlong reason indeed']);

    expect(text.split('\n')[2]).toBe('a very lo…');
  });
});
