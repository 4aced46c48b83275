import { ProgressBar } from '../../../cli/progress';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) > 0 } };
}

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal and ends with a newline and the summary', () => {
    const { writes, stream: tty } = stream(true);
    const bar = new ProgressBar(tty, 4, 'accounts');

    bar.setPhase('accounts');
    bar.advance();
    bar.finish('done');

    expect(writes.every((w) => w.startsWith('\r') || w === '\n' || w === 'done\n')).toBe(true);
    expect(writes).toContain(`\r[######..................]  25% 1/4 accounts  accounts\x1b[K`);
    expect(writes.slice(-3)).toEqual([`\r[########################] 100% 4/4 accounts  accounts\x1b[K`, '\n', 'done\n']);
  });

  it('writes only phase lines and the summary when stderr is not a terminal', () => {
    const { writes, stream: pipe } = stream(false);
    const bar = new ProgressBar(pipe, 2, 'accounts');

    bar.setPhase('allowed principals');
    bar.advance();
    bar.setPhase('allowed principals');
    bar.finish('done');

    expect(writes).toEqual(['allowed principals...\n', 'done\n']);
  });

  it('never counts past the total and shows an empty run as complete', () => {
    const { stream: tty } = stream(true);
    const bar = new ProgressBar(tty, 1, 'accounts');
    bar.advance(5);
    expect(bar.line()).toContain('1/1');
    expect(new ProgressBar(tty, 0, 'accounts').line()).toContain('100% 0/0');
  });
});

describe('ProgressBar on a terminal that reports no width', () => {
  it('falls back to 80 columns instead of drawing an empty line', () => {
    const bar = new ProgressBar({ isTTY: true, columns: 0, write: () => true }, 2, 'accounts');

    expect(bar.line()).toContain('0/2 accounts');
  });
});
