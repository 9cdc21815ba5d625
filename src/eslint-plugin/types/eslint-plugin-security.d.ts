// eslint-plugin-security ships no type declarations; it is an ordinary flat-config plugin object.
declare module 'eslint-plugin-security' {
  import type { ESLint } from 'eslint';
  const plugin: ESLint.Plugin;
  export default plugin;
}
