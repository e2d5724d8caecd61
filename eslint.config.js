// Lints the web app and its browser tests. The security rule of the UI is enforced here: no
// markup from strings, ever (innerHTML, outerHTML, insertAdjacentHTML,
// document.write, dangerouslySetInnerHTML). Everything a customer or a
// staff member wrote reaches the page as text.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noMarkup = 'Build DOM with elements and text: strings never become markup.';

export default tseslint.config(
  { ignores: ['web/dist/**', 'target/**', 'node_modules/**', '.aws-sam/**', 'web/public/sw.js', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: noMarkup },
        { property: 'outerHTML', message: noMarkup },
        { property: 'insertAdjacentHTML', message: noMarkup },
        { object: 'document', property: 'write', message: noMarkup },
        { object: 'document', property: 'writeln', message: noMarkup }],
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: noMarkup },
        { selector: "Property[key.name='dangerouslySetInnerHTML']", message: noMarkup },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML|insertAdjacentHTML)$/]", message: noMarkup },
        { selector: "Literal[value=/^(innerHTML|outerHTML|dangerouslySetInnerHTML)$/]", message: noMarkup }],
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', 'vite.config.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', AbortSignal: 'readonly', Buffer: 'readonly', window: 'readonly', document: 'readonly' } },
  },
  {
    // The browser tests hand functions to `page.evaluate`, which run in the page.
    files: ['tests/browser/**/*.mjs'],
    languageOptions: { globals: { Document: 'readonly', Event: 'readonly', MutationObserver: 'readonly', RTCPeerConnection: 'readonly', getComputedStyle: 'readonly', localStorage: 'readonly', location: 'readonly', navigator: 'readonly', requestAnimationFrame: 'readonly' } },
  },
);
