/**
 * core/ is pure (issue 28, docs/development.md, the layers): it builds phrases and never looks a
 * word up, so it imports nothing from outside it. Lint enforces that for every file of core with
 * no exception; here an import of i18n planted in the two files that used to word the churn
 * model's reasons fails lint, and their text as it is passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// The layer rule only: the typed rules would build the whole program (seconds) for nothing here.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

async function restricted(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('core imports nothing from outside it', () => {
  it.each(['src/core/model/churn.ts', 'src/core/model/select.ts'])(
    '%s: as it is, no import outside core; with i18n planted, lint fails',
    async (file) => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      expect(await restricted(file, text)).toEqual([]);
      const planted = `import { t as planted } from '../../i18n/index.js';\nvoid planted;\n${text}`;
      expect(await restricted(file, planted)).toEqual([expect.stringContaining('core/ may import only from itself')]);
    },
    60_000,
  );
});
