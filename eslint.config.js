// Flat config: typescript-eslint's recommended rules over our sources and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The store's layer (docs/development.md): it may import core, i18n and the small shared files
// (errors.ts), never a layer drawn above it.
const ABOVE_STORE = {
  regex: String.raw`^(\.\./)+((analysis|app|cli|commands|complaints|import|reports|bench|synth)/|(cli|context|output|report|pager|progress|charts|main)\.js$)`,
  message: 'src/store imports only core, i18n and the shared files below it (docs/development.md, the layers)',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // The store is async (issue 16): a call whose promise nobody awaits would run out of order, or
    // fail where nobody hears it. Typed rules, so they see which calls return promises.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // A spread passes every element as an argument: past ~100,000 (a million customers) the call
      // stack overflows. Use maxOf/minOf (src/core/scale.ts) or a loop.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(min|max)$/] > SpreadElement",
          message: 'Math.min/max(...values) overflows the stack on large arrays: use maxOf/minOf from core/scale.ts',
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ABOVE_STORE] }] },
  },
  {
    // What both stores share lives in store/: neither the PostgreSQL store nor the shared files
    // reach into sqlite/ (db.ts excepted: the shim importStore.ts needs until it moves there).
    files: ['src/store/pg/**/*.ts', 'src/store/*.ts'],
    ignores: ['src/store/db.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [ABOVE_STORE, { regex: String.raw`^\.{1,2}/sqlite/`, message: 'take what both stores share from src/store/, not from src/store/sqlite/' }] },
      ],
    },
  },
);
