// Flat config: typescript-eslint's recommended rules over our sources and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers (docs/development.md): each folder of src/ may import only from the layers listed for
// it (and from itself). A relative import naming any other layer fails lint with the rule's words.
const LAYERS = ['core', 'text', 'sys', 'i18n', 'store', 'import', 'app', 'reports', 'cli', 'commands'];
const MAY_IMPORT = {
  core: [],
  text: ['core'],
  sys: ['core'],
  i18n: ['core', 'text', 'sys'],
  store: ['core', 'i18n', 'text', 'sys'],
  import: ['core', 'i18n', 'text', 'sys', 'store'],
  app: ['core', 'i18n', 'text', 'sys', 'store', 'import'],
  reports: ['core', 'i18n', 'text', 'sys', 'store', 'import', 'app'],
  cli: ['core', 'i18n', 'text', 'sys', 'store', 'import', 'app', 'reports'],
  commands: LAYERS,
};
/** The import patterns a folder of `layer` may not use, given the layers it may import. */
function layerPatterns(layer, allowed) {
  const banned = LAYERS.filter((l) => l !== layer && !allowed.includes(l));
  const words = `${layer}/ may import only from ${allowed.length ? allowed.join(', ') : 'itself'} (docs/development.md, the layers)`;
  return [
    ...(banned.length === 0 ? [] : [{ regex: `^(\\.\\./)+(${banned.join('|')})(/|\\.js$)`, message: words }]),
    ...(layer === 'core'
      ? [
          {
            regex: '^(node:)?(fs|child_process|net|worker_threads)$|^(better-sqlite3|postgres|chalk|@inquirer/.*)$',
            message: 'core/ is pure: no I/O (docs/development.md, the layers)',
          },
        ]
      : []),
  ];
}
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const layerRules = Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({ files: [`src/${layer}/**/*.ts`], rules: restrict(layerPatterns(layer, allowed)) }));

export default tseslint.config(
  { ignores: ['dist/**', 'dist-dev/**', 'node_modules/**', 'bench/out/**'] },
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
  ...layerRules,
  {
    // What both stores share lives in store/: neither the PostgreSQL store nor the shared files
    // reach into sqlite/.
    files: ['src/store/pg/**/*.ts', 'src/store/*.ts'],
    rules: restrict([
      ...layerPatterns('store', MAY_IMPORT.store),
      { regex: String.raw`^\.{1,2}/sqlite/`, message: 'take what both stores share from src/store/, not from src/store/sqlite/' },
    ]),
  },
);
