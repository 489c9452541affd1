import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'fixtures/cache/**', '.tmp/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['packages/media/src/**/*.ts'],
    ignores: ['packages/media/src/**/*.test.ts', 'packages/media/src/test-support/**'],
    rules: {
      'no-restricted-globals': ['error', 'Buffer', 'process', 'setTimeout', 'window', 'document'],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', '@tidecast/server', '@tidecast/player', 'fs', 'path'] },
      ],
    },
  },
);
