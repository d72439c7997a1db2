// Lint: typescript-eslint's recommended rules, plus the layering rule of docs/CONVENTIONS.md: the domain
// (activities, crm, webhooks, delivery, notifications, accounts) never imports adapters.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ADAPTERS = ['**/http/**', '**/web/**', '**/cli/**', '**/main.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', '.dist-*/', 'src/web/dist/', 'src/web/public/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['bin/**/*.js', 'scripts/**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/{activities,crm,webhooks,delivery,notifications,accounts,shared,storage}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ADAPTERS, message: 'the domain must not import adapters' }] }],
    },
  },
);
