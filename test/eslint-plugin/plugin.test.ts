// The package surface: the rules folder, the registry and docs/rules agree; every rule has full
// metadata; the configs load in a real ESLint and report on JavaScript, TypeScript and JSX.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import plugin, {
  type NoShellExecMessageIds,
  type NoShellExecOptions,
  type NoUnsafeDeserializationMessageIds,
  type NoUnsafeDeserializationOptions,
} from 'generator-bastion/eslint-plugin';
import { ESLint, Linter } from 'eslint';
import n from 'eslint-plugin-n';
import regexp from 'eslint-plugin-regexp';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

const requireHere = createRequire(import.meta.url);
const RULES_SOURCE = new URL('../../src/eslint-plugin/rules/', import.meta.url);
const RULE_DOCS = new URL('../../docs/rules/', import.meta.url);
const ruleIds = Object.keys(plugin.rules).sort();

describe('plugin registry', () => {
  it('exports meta with the package name and version', async () => {
    const { default: manifest } = await import('generator-bastion/package.json', { with: { type: 'json' } });
    assert.deepEqual(plugin.meta, { name: 'generator-bastion/eslint-plugin', version: manifest.version });
  });

  it('registers exactly the rules in src/eslint-plugin/rules/', () => {
    const files = readdirSync(RULES_SOURCE)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.slice(0, -'.ts'.length))
      .sort();
    assert.deepEqual(ruleIds, files);
  });

  it('has one page in docs/rules/ per rule', () => {
    const pages = readdirSync(RULE_DOCS)
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.slice(0, -'.md'.length))
      .sort();
    assert.deepEqual(pages, ruleIds);
  });

  for (const id of ruleIds) {
    it(`${id} has full metadata`, () => {
      const rule = plugin.rules[id as keyof typeof plugin.rules];
      const meta = rule.meta ?? {};
      assert.equal(rule.name, id);
      assert.ok(meta.type === 'problem' || meta.type === 'suggestion');
      assert.ok(meta.docs?.description);
      assert.equal(meta.docs?.url, new URL(`${id}.md`, RULE_DOCS).href);
      assert.ok(Array.isArray(meta.schema) && meta.schema.length === 1, 'one options object schema');
      assert.ok(Object.keys(meta.messages ?? {}).length > 0);
    });
  }

  it('enables every rule in both configs', () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      for (const id of ruleIds) {
        const setting = config.rules?.[`bastion/${id}`];
        assert.equal(Array.isArray(setting) ? setting[0] : setting, 'error', `${config.name}: ${id}`);
      }
    }
  });

  it('registers its plugins under their usual names, and every rule it enables exists', () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      assert.deepEqual(Object.keys(config.plugins ?? {}).sort(), ['bastion', 'n', 'regexp', 'security']);
      assert.equal(config.plugins?.['bastion'], plugin);
      for (const rule of Object.keys(config.rules ?? {})) {
        const [prefix, name] = rule.split('/');
        if (name === undefined) continue;
        assert.ok(config.plugins?.[prefix as string]?.rules?.[name], `${config.name}: ${rule} exists`);
      }
    }
  });
});

describe('typed options', () => {
  it('exports each rule\'s Options and MessageIds types', () => {
    const shell: NoShellExecOptions = [{ allowConstantCommands: true }];
    const yaml: NoUnsafeDeserializationOptions = [{ jsYamlVersion: '4.1.0' }];
    const ids: [NoShellExecMessageIds, NoUnsafeDeserializationMessageIds] = ['requestInputCommand', 'unknownYamlVersion'];
    // @ts-expect-error -- not an option of the rule
    const wrong: NoShellExecOptions = [{ allowConstant: true }];
    const messages = new Linter().verify(
      'require("child_process").exec("ls"); require("js-yaml").load(text);',
      [
        {
          plugins: { bastion: plugin },
          languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
          rules: {
            'bastion/no-shell-exec': ['error', ...shell],
            'bastion/no-unsafe-deserialization': ['error', ...yaml],
          },
        },
      ],
      'typed.js',
    );
    assert.deepEqual(messages, []);
    assert.ok(ids[0] in (plugin.rules['no-shell-exec'].meta?.messages ?? {}));
    assert.ok(ids[1] in (plugin.rules['no-unsafe-deserialization'].meta?.messages ?? {}));
    void wrong;
  });
});

describe('odd code', () => {
  // Shapes the rules must survive: missing and spread arguments, non-constant specifiers,
  // self-referencing and circular initialisers, getters and computed keys in options.
  const snippets = [
    'require(); require(123); require(name).exec(cmd); process.getBuiltinModule(); process.getBuiltinModule(name);',
    'import(name); import("child_process").then(); import("child_process").then(({ exec }) => exec(cmd));',
    'const { createRequire } = require("module"); createRequire(); const load = createRequire(import.meta.url); load(); load(name);',
    'const cp = require("child_process"); cp.exec(); cp.exec(...args); cp.spawn(cmd, ...rest); cp.exec.apply(null); cp.exec.apply(null, null); cp.exec.call();',
    'const cp = require("child_process"); cp.spawn(cmd, [], { get shell() { return true; }, [key]: true, ...undefined, ...null });',
    'const cp = require("child_process"); let a = a + req.query.x; cp.exec(a); var b = c, c = b; cp.exec(b);',
    'const cp = require("child_process"); const o = o2, o2 = o; cp.spawn(cmd, o);',
    'const util = require("util"); util.promisify(); util.promisify(undefined)(); const p = util.promisify(require("child_process").exec); p.call(); p.apply(null, [,]);',
    'const yaml = require("js-yaml"); yaml.load(); yaml.loadAll(); yaml.load(text, { schema }); yaml.load(text, { schema: schema.extend(yaml) });',
    'new Function(); Function(...parts); eval(); eval(...code); new (require("vm").Script)(); require("vm").runInNewContext(...args);',
    'const vm = require("vm"); vm.runInContext("x"); vm.runInNewContext("x", ...ctx); vm.compileFunction("x", [], ...opts); vm.compileFunction("x", [], { contextExtensions: [, ...more] }); new vm.Script("x").runInContext(); Function.apply(null, arguments); Function.apply(); Function.apply(null, [, a]);',
    'class A { #x = require("child_process").exec; static y = this; m() { this.#x(); this[k](); } } class B extends A { z = super.m; }',
    'const t = { run: require("child_process").exec }; t.run(); t["run"](cmd); t[k](cmd); const { run } = t; run(cmd);',
    'const cp = require("child_process"); cp.spawn("sh"); cp.spawn("sh", [,]); cp.spawn("sh", [...x]); let a = a; cp.spawn("bash", a); const b = []; b.push(...c); b.unshift(); cp.spawn("sh", b);',
    'const cp = require("child_process"); var x = y, y = x; cp.spawn(x, ["-c", c]); var l = m, m = l; cp.spawn("sh", l); cp.spawn(process.env[k], [f ? "-c" : g, c]); cp.spawn("cmd", ["/c"].concat());',
    'label: for (;;) { break label; } with_ = 1; `${`${`${req.query.a}`}`}`; a?.b?.(c); (0, eval)(x); new.target;',
  ];
  for (const [index, code] of snippets.entries()) {
    it(`snippet ${index} lints without crashing`, () => {
      const messages = new Linter().verify(
        code,
        [
          {
            files: ['**/*.ts'],
            plugins: { bastion: plugin },
            languageOptions: { parser: tseslint.parser, globals: { require: 'readonly', process: 'readonly' } },
            rules: { 'bastion/no-shell-exec': 'error', 'bastion/no-unsafe-deserialization': 'error' },
          },
        ],
        'odd.ts',
      );
      assert.deepEqual(messages.filter((message) => message.ruleId === null), []);
    });
  }
});

describe('docs/eslint-plugin.md', () => {
  const guide = readFileSync(new URL('../../docs/eslint-plugin.md', import.meta.url), 'utf8');
  const mentioned = (rule: string) => guide.includes(`\`${rule}\``);

  it('explains every rule either config enables', () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      for (const rule of Object.keys(config.rules ?? {})) assert.ok(mentioned(rule), `${rule} is not explained`);
    }
  });

  it('says why each eslint-plugin-security rule is in or out', () => {
    const security = plugin.configs.recommended.plugins?.['security'];
    for (const name of Object.keys(security?.rules ?? {})) {
      assert.ok(mentioned(`security/${name}`), `security/${name} is not discussed`);
    }
  });
});

describe('the typescript-eslint example of docs/eslint-plugin.md', () => {
  // Pasted into a new project as it is: its imports must resolve from the project, and clean
  // ESM, CommonJS and TypeScript files must get no report (no-require-imports on .cjs was one).
  const guide = readFileSync(new URL('../../docs/eslint-plugin.md', import.meta.url), 'utf8');
  const example = /```js\n(\/\/ eslint\.config\.js, with typescript-eslint\n[\s\S]*?)```/u.exec(guide)?.[1];
  const project = mkdtempSync(join(tmpdir(), 'bastion-guide-'));
  after(() => rmSync(project, { recursive: true, force: true }));

  const files: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'server.js': "import { execFile } from 'node:child_process';\nexport const status = (done) => execFile('git', ['status'], done);\n",
    'legacy.cjs': "const { execFile } = require('node:child_process');\nmodule.exports = (done) => execFile('git', ['log'], done);\n",
    'app.ts': "import { execFile } from 'node:child_process';\nexport const run = (ref: string): void => {\n  execFile('git', ['show', ref]);\n};\n",
    'view.tsx': "export const View = ({ name }: { name: string }) => <p>{name}</p>;\n",
    'unsafe.cjs': "const { exec } = require('node:child_process');\nmodule.exports = (req) => exec('ls ' + req.query.dir);\n",
  };

  it('is in the guide', () => assert.ok(example));

  it('lints clean code without a report, and still reports a command injection', async () => {
    writeFileSync(join(project, 'eslint.config.js'), example ?? '');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
    // What `npm install` would put there: the packages the example imports.
    const modules = join(project, 'node_modules');
    for (const name of ['eslint', '@eslint/js', 'typescript-eslint', 'generator-bastion']) {
      const target = name === 'generator-bastion' ? fileURLToPath(new URL('../../', import.meta.url)) : dirname(requireHere.resolve(`${name}/package.json`));
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(target, join(modules, name), 'dir');
    }
    const results = await new ESLint({ cwd: project }).lintFiles(Object.keys(files).filter((name) => name !== 'package.json'));
    const reports = results.flatMap((result) =>
      result.messages.map((message) => `${relative(project, result.filePath)}: ${message.ruleId ?? message.message}`),
    );
    assert.deepEqual(reports, ['unsafe.cjs: bastion/no-shell-exec']);
  });
});

describe('constant commands and constant code', () => {
  // Marked safe by the labelled suites of semgrep, CodeQL and njsscan: recommended stays silent,
  // strict reports them (with the milder constantCommand message, and core's eval rules).
  const constants = [
    'const { exec } = require("child_process"); exec("git status");',
    'const shell = require("shelljs"); shell.exec("ls ./");',
    'eval("1 + 1"); new Function("a", "return a * 2"); setTimeout("refresh()", 10);',
    // Options other than `shell` do not reach the command line.
    'const { exec } = require("child_process"); exec("make build", { env: { PATH: process.env.PATH } });',
    'const { exec } = require("child_process"); exec("npm ci", { cwd: req.body.dir, uid: userId }, done);',
    'const { spawn } = require("child_process"); spawn("ls", ["-la"], { shell: true, cwd: process.argv[2] });',
  ];
  const lint = (config: Linter.Config, code: string) =>
    new Linter().verify(code, [config], 'constant.js').map((message) => message.messageId ?? message.ruleId);

  for (const code of constants) {
    it(`recommended does not report: ${code}`, () => {
      assert.deepEqual(lint(plugin.configs.recommended, code), []);
    });
  }

  it('strict reports each of them', () => {
    assert.deepEqual(
      constants.map((code) => lint(plugin.configs.strict, code)),
      [
        ['constantCommand'],
        ['constantCommand'],
        ['unexpected', 'noFunctionConstructor', 'impliedEval'],
        ['constantCommand'],
        ['constantCommand'],
        ['constantCommand'],
      ],
    );
  });

  it('recommended still reports commands and code built from data, and request input in a vm context', () => {
    assert.deepEqual(lint(plugin.configs.recommended, 'require("child_process").exec("git log " + ref); eval(text);'), [
      'dataCommand',
      'codeFromData',
    ]);
    const vmContext = 'const vm = require("vm"); app.post("/t", (req, res) => res.json(vm.runInNewContext("total(lines)", { lines: req.body.lines })));';
    assert.deepEqual(lint(plugin.configs.recommended, vmContext), ['dataInVmContext']);
  });
});

describe('configs in a real ESLint', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bastion-configs-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  const samples: Record<string, string> = {
    'server.js': "const { exec } = require('child_process');\nexec('ls ' + req.query.dir);\n",
    'server.ts': "import cp = require('node:child_process');\nconst dir: string = process.argv[2] as string;\ncp.execSync(`du -sh ${dir}`);\n",
    'view.jsx': "import { unserialize } from 'node-serialize';\nexport const View = ({ cookie }) => <p>{unserialize(cookie).name}</p>;\n",
    'view.tsx': "import vm from 'node:vm';\nexport const Calc = ({ expr }: { expr: string }) => <b>{String(vm.runInNewContext(expr))}</b>;\n",
    'clean.ts': "import { execFile } from 'node:child_process';\nexecFile('git', ['status'], (error: Error | null) => { if (error) throw error; });\n",
  };
  for (const [name, code] of Object.entries(samples)) writeFileSync(join(directory, name), code);

  async function lintWith(config: Linter.Config): Promise<Map<string, ESLint.LintResult>> {
    const eslint = new ESLint({ cwd: directory, overrideConfigFile: true, overrideConfig: [config] });
    const results = await eslint.lintFiles(Object.keys(samples));
    return new Map(results.map((result) => [result.filePath.slice(directory.length + 1), result]));
  }

  it('combines with configs that register the same plugins themselves', async () => {
    const eslint = new ESLint({
      cwd: directory,
      overrideConfigFile: true,
      overrideConfig: [
        n.configs['flat/recommended'],
        plugin.configs.recommended,
        { plugins: { bastion: plugin, regexp, security }, rules: { 'bastion/no-shell-exec': ['error', { allowConstantCommands: true }] } },
      ],
    });
    const [result] = await eslint.lintFiles(['server.js']);
    assert.ok(result?.messages.some((message) => message.ruleId === 'bastion/no-shell-exec'));
  });

  // strict also reports sync calls at the top level of a module.
  const expectedOnServerTs = {
    recommended: ['bastion/no-shell-exec'],
    strict: ['bastion/no-sync', 'bastion/no-shell-exec'],
  };
  for (const name of ['recommended', 'strict'] as const) {
    it(`${name} parses and reports on .js, .ts, .jsx and .tsx`, async () => {
      const results = await lintWith(plugin.configs[name]);
      const ruleIdsIn = (file: string) => {
        const result = results.get(file);
        assert.ok(result, `${file} was linted`);
        assert.deepEqual(result.messages.filter((message) => message.fatal), [], `${file} parses`);
        return result.messages.map((message) => message.ruleId);
      };
      assert.deepEqual(ruleIdsIn('server.js'), ['bastion/no-shell-exec']);
      assert.deepEqual(ruleIdsIn('server.ts'), expectedOnServerTs[name]);
      assert.deepEqual(ruleIdsIn('view.jsx'), ['bastion/no-unsafe-deserialization']);
      assert.deepEqual(ruleIdsIn('view.tsx'), ['bastion/no-unsafe-deserialization']);
      assert.deepEqual(ruleIdsIn('clean.ts'), []);
    });
  }
});

describe('the parser each file gets', () => {
  // typescript-eslint's parser hands rules its parser services (a map to TypeScript's nodes); espree,
  // ESLint's default parser, hands them none. JavaScript parsed by typescript-eslint cost twice the
  // lint time on a real tree (docs/eslint-plugin.md#speed).
  const parsedBy: string[] = [];
  const probe: Linter.Config = {
    plugins: {
      probe: {
        rules: {
          parser: {
            create(context) {
              const { parserServices } = context.sourceCode as unknown as { parserServices: object };
              parsedBy.push('esTreeNodeToTSNodeMap' in parserServices ? 'typescript-eslint' : 'espree');
              return {};
            },
          },
        },
      },
    },
    rules: { 'probe/parser': 'error' },
  };
  const parserOf = (filename: string, code = 'const answer = 42;\nconsole.log(answer);\n'): { parser: string | undefined; fatal: string[] } => {
    parsedBy.length = 0;
    const messages = new Linter().verify(code, [plugin.configs.recommended, probe], { filename });
    return { parser: parsedBy[0], fatal: messages.filter((message) => message.fatal).map((message) => message.message) };
  };

  for (const filename of ['app.js', 'app.mjs', 'app.cjs', 'app.jsx']) {
    it(`gives ${filename} ESLint's default parser, espree`, () => {
      assert.deepEqual(parserOf(filename), { parser: 'espree', fatal: [] });
    });
  }
  for (const filename of ['app.ts', 'app.mts', 'app.cts', 'app.tsx', 'types.d.ts']) {
    it(`gives ${filename} typescript-eslint's parser`, () => {
      assert.deepEqual(parserOf(filename), { parser: 'typescript-eslint', fatal: [] });
    });
  }

  it('parses TypeScript syntax in .ts and .cts files only', () => {
    const typed = "import cp = require('node:child_process');\nconst dir: string = '.';\ncp.execFileSync('ls', [dir]);\n";
    assert.deepEqual(parserOf('tool.cts', typed).fatal, []);
    assert.deepEqual(parserOf('tool.ts', typed).fatal, []);
    assert.equal(parserOf('tool.js', typed).fatal.length, 1, 'a type annotation is a syntax error in JavaScript');
  });

  it('parses JSX in .js and .jsx, and a CommonJS top-level return in .cjs', () => {
    const jsx = 'export const View = () => <p>hi</p>;\n';
    assert.deepEqual(parserOf('view.js', jsx), { parser: 'espree', fatal: [] });
    assert.deepEqual(parserOf('view.jsx', jsx), { parser: 'espree', fatal: [] });
    assert.deepEqual(parserOf('bin.cjs', "if (!process.argv[2]) return;\nrequire('node:fs');\n"), { parser: 'espree', fatal: [] });
  });

  it('gives JavaScript typescript-eslint\'s parser too when the config asks it for type information', () => {
    // A project of one JavaScript file, so that typescript-eslint's program stays small.
    const directory = mkdtempSync(join(tmpdir(), 'bastion-typed-'));
    try {
      writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowJs: true, noEmit: true }, include: ['*.js'] }));
      const filename = join(directory, 'typed.js');
      writeFileSync(filename, 'export const answer = 42;\n');
      const typed: Linter.Config = { languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: directory } } };
      parsedBy.length = 0;
      const messages = new Linter({ cwd: directory }).verify('export const answer = 42;\n', [plugin.configs.recommended, typed, probe], { filename });
      assert.deepEqual(messages, []);
      assert.deepEqual(parsedBy, ['typescript-eslint']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('still reports through espree: the rules see the same code', () => {
    const code = "const { exec } = require('child_process');\nexec('ls ' + process.argv[2]);\n";
    const messages = new Linter().verify(code, [plugin.configs.recommended], { filename: 'tool.cjs' });
    assert.deepEqual(messages.map((message) => message.ruleId), ['bastion/no-shell-exec']);
  });
});
