import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read JSON bodies of any shape; typing each response would only restate the assertions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed: the host's clock, randomness and I/O must not leak in (docs/architecture.md, "Determinism").
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process'],
              message: 'Workflows are deterministic: no Node APIs.',
            },
            {
              group: ['pg', 'luxon', 'express', '@temporalio/client', '@temporalio/activity', '@temporalio/worker'],
              message: 'Only @temporalio/workflow, @temporalio/common, policies/ types and pure helpers in workflows.',
            },
            {
              group: ['zod'],
              message:
                'Only the state schemas (*/state.ts, actor.ts) use zod; workflow code imports their types, so zod stays out of the bundle.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Use uuid4() or workflow randomness.',
        },
        {
          selector: 'ImportDeclaration[source.value=/\\.\\.\\/activities/][importKind!="type"]',
          message: 'Import only activity types into workflows.',
        },
      ],
    },
  },
  {
    // The state schemas are the one source of the workflows' types and the API's schemas; workflow code imports only their types.
    files: ['workflows/actor.ts', 'workflows/*/state.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // policies/ stays pure: no I/O, no host clock.
    files: ['policies/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'pg', 'express', '@temporalio/*'], message: 'policies/ is pure.' }] },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'policies/ never reads the host clock.' }],
    },
  },
);
