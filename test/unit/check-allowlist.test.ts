/**
 * The allowlist checker's command line (`npm run allowlist:check`), run as a child process. Apart from the checker's
 * rules (allowlist.test.ts): each spawn costs seconds of tsx start-up, which the mutation run would pay for every
 * mutant of the checker without learning more than the rules' own tests tell it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('check-allowlist CLI', () => {
  test('checks every file given: OK files pass, problems print as file:line, an empty list fails; exit 1 if any failed', () => {
    // Prepare: one spawn for all cases (tsx start-up dominates the cost).
    const dir = mkdtempSync(join(tmpdir(), 'allowlist-'));
    const files = { valid: '.example.com\n', invalid: '.example.com\nwww.example.com\nBAD.com\n', empty: '# nothing yet\n' };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

    // Act
    const result = spawnSync(tsx, [join(ROOT, 'squid-config', 'check-allowlist.ts'), 'valid', 'invalid', 'empty'], { cwd: dir, encoding: 'utf8' });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('valid: 1 entries OK');
    expect(result.stderr).toContain('invalid:2: "www.example.com" is already covered by ".example.com" on line 1');
    expect(result.stderr).toContain('invalid:3: "BAD.com": use lowercase');
    expect(result.stderr).toContain('empty: no entries');
  });

  test('says in one line that a file cannot be read, and exits 2', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'allowlist-'));
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

    // Act
    const result = spawnSync(tsx, [join(ROOT, 'squid-config', 'check-allowlist.ts'), 'missing.txt'], { cwd: dir, encoding: 'utf8' });

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('missing.txt: cannot read it: no such file');
  });
});
