// bastion/no-sync: n/no-sync's reports, also in files that spell `Sync` with escapes (the rule
// skips files whose text cannot name a `*Sync` function).
import plugin from 'generator-bastion/eslint-plugin';
import { createRuleTester } from './rule-tester.ts';

const rule = plugin.rules['no-sync'];
const noSync = (propertyName: string) => [{ messageId: 'noSync', data: { propertyName } }];

createRuleTester().run('bastion/no-sync', rule, {
  valid: [
    'const fs = require("fs"); fs.readFile(path, callback);',
    // Top-level sync calls are allowed by default.
    'const fs = require("fs"); fs.readFileSync(path);',
  ],
  invalid: [
    { code: 'function f() { fs.readFileSync(path); }', errors: noSync('readFileSync') },
    { code: 'function f() { readFile\\u0053ync(path); }', errors: noSync('readFileSync') },
    { code: 'function f() { fs.exists\\u{53}\\u{0079}\\u006E\\u{63}(path); }', errors: noSync('existsSync') },
    { code: 'fs.statSync(path);', options: [{ allowAtRootLevel: false }], errors: noSync('statSync') },
  ],
});
