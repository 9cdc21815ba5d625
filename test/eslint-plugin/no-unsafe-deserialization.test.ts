// bastion/no-unsafe-deserialization: function-reviving deserializers, js-yaml by installed version
// (fixtures with stand-in js-yaml manifests), BSON evalFunctions, and eval-like sinks fed data.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import plugin from 'generator-bastion/eslint-plugin';
import { Linter, type RuleTester } from 'eslint';
import { createRuleTester, typescript } from './rule-tester.ts';

const rule = plugin.rules['no-unsafe-deserialization'];
type Invalid = RuleTester.InvalidTestCase;

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/eslint-plugin/${path}`, import.meta.url));
/** Files next to a js-yaml 3.14 / 4.1 install. */
const V3 = { filename: fixture('js-yaml-v3/src/config.js') };
const V4 = { filename: fixture('js-yaml-v4/src/config.js') };
// Scratch projects for the cases below, removed when the file's tests are done.
const scratch = mkdtempSync(join(tmpdir(), 'bastion-js-yaml-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
/** A file with no js-yaml anywhere above it. */
const NO_JS_YAML = { filename: join(mkdtempSync(join(scratch, 'no-js-yaml-')), 'config.js') };
/** A file whose nearest js-yaml has an unreadable manifest (Node would stop there too). */
const BROKEN_JS_YAML = { filename: join(createProjectWithManifest('{ "name": "js-yaml", "version": '), 'src', 'config.js') };

function createProjectWithManifest(manifest: string): string {
  const root = mkdtempSync(join(scratch, 'broken-js-yaml-'));
  mkdirSync(join(root, 'node_modules', 'js-yaml'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'js-yaml', 'package.json'), manifest);
  return root;
}

function report(code: string, messageId: string, data: Record<string, string>, extra: Partial<Invalid> = {}): Invalid {
  return { code, errors: [{ messageId, data }], ...extra };
}
const reviver = (code: string, callee: string) => report(code, 'functionReviver', { callee });
const yamlSchema = (code: string, callee: string, schema: string, extra: Partial<Invalid> = {}) =>
  report(code, 'unsafeYamlSchema', { callee, schema }, extra);
const codeFromData = (code: string, callee: string, extra: Partial<Invalid> = {}) => report(code, 'codeFromData', { callee }, extra);
const dataInVmContext = (code: string, callee: string, value: string) => report(code, 'dataInVmContext', { callee, value });
const generatedCode = (code: string, callee: string) => report(code, 'generatedCode', { callee });
const codeFromParameter = (code: string, callee: string, parameter: string) => report(code, 'codeFromParameter', { callee, parameter });
const V3_DEFAULT = "js-yaml 3's default schema (DEFAULT_FULL_SCHEMA)";
const JS_FUNCTION_TYPE = 'the js/function type of js-yaml-js-types';

createRuleTester().run('no-unsafe-deserialization', rule, {
  valid: [
    // Plain data.
    'const data = JSON.parse(body);',
    'const copy = structuredClone(value);',
    // js-yaml 4+: load is safe by default; safe schemas are safe in any version.
    { code: 'import yaml from "js-yaml"; yaml.load(text);', ...V4 },
    { code: 'const { load, loadAll } = require("js-yaml"); load(text); loadAll(text, (doc) => docs.push(doc));', ...V4 },
    { code: 'import yaml from "js-yaml"; yaml.load(text, { schema: yaml.CORE_SCHEMA });', ...V3 },
    { code: 'import { load, JSON_SCHEMA } from "js-yaml"; load(text, { schema: JSON_SCHEMA });', ...V3 },
    { code: 'const yaml = require("js-yaml"); const schema = yaml.FAILSAFE_SCHEMA; yaml.load(text, { schema });', ...NO_JS_YAML },
    { code: 'const yaml = require("js-yaml"); yaml.safeLoad(text);', ...V3 },
    // Version from the rule option or the shared setting, over detection.
    { code: 'import yaml from "js-yaml"; yaml.load(text);', options: [{ jsYamlVersion: '4.1.0' }], ...V3 },
    { code: 'import yaml from "js-yaml"; yaml.load(text);', settings: { bastion: { jsYamlVersion: 4 } }, ...NO_JS_YAML },
    // Look-alikes.
    'const yaml = { load() {} }; yaml.load(text);',
    'import { load } from "./yaml-loader.js"; load(text);',
    'import { parse } from "cryo-config"; parse(text);',
    'serializer.unserialize(text);',
    // BSON without evalFunctions.
    'import { deserialize } from "bson"; deserialize(buffer);',
    'import { BSON } from "mongodb"; BSON.deserialize(buffer, { evalFunctions: false });',
    'store.configure({ evalFunctions: true });',
    'import { MongoClient } from "mongodb"; new MongoClient(url, { evalFunctions: false }); collection.find({}, { evalFunctions: false });',
    // js-yaml-js-types without its function type builds no code.
    {
      code: 'import yaml from "js-yaml"; import { regexp } from "js-yaml-js-types"; const schema = yaml.DEFAULT_SCHEMA.extend([regexp]); yaml.load(text, { schema });',
      ...V4,
    },
    {
      code: 'import yaml from "js-yaml"; import { all, regexp } from "js-yaml-js-types"; const full = yaml.DEFAULT_SCHEMA.extend(all); const safe = yaml.DEFAULT_SCHEMA.extend([regexp]); yaml.load(text, { schema: safe });',
      ...V4,
    },
    // Code sinks with constant code.
    'const add = new Function("a", "b", "return a + b");',
    'const vm = require("vm"); vm.runInNewContext("1 + 1", sandbox);',
    'import vm from "node:vm"; const script = new vm.Script(`globalThis.ready = true`);',
    'eval("2 + 2");',
    // Constant vm code with constant data, or data that is neither request input nor a parameter.
    'const vm = require("vm"); vm.runInNewContext("total(lines)", { lines: [1, 2] });',
    'import vm from "node:vm"; const context = vm.createContext({ console, mode: process.env.MODE }); vm.runInContext("start(mode)", context);',
    // The option: data in the context of constant code is left alone.
    ...[
      'const vm = require("vm"); app.post("/total", (req, res) => res.json(vm.runInNewContext("total(lines)", { lines: req.body.lines })));',
      'import vm from "node:vm"; export function check(item) { return new vm.Script("valid(item)").runInNewContext({ item }); }',
      'import { compileFunction } from "node:vm"; export const greet = (user) => compileFunction("return hello(name)", [], { contextExtensions: [{ name: user.name }] });',
    ].map((code) => ({ code, options: [{ allowDataInVmContext: true }] })),
    'const sum = eval(debug ? "1 + 1" : "2 + 2"); const make = () => "return 1"; new Function(make());',
    // node:module without compiling code from data.
    'const Module = require("module"); const m = new Module(file); m.load(file); Module.prototype._compile.call(m, "module.exports = 1", file);',
    'import { createRequire } from "node:module"; const require = createRequire(import.meta.url); require("./config.cjs");',
    // Timers given a callback, or a constant string: no code from data.
    'setTimeout(tick, 1000); setInterval(() => poll(queue), delay);',
    'function later(callback) { setTimeout(callback, 10); }',
    'setTimeout("refresh()", 500);',
    // A local eval or Function is not the global.
    { code: 'function evaluate(eval) { return eval(text); }', languageOptions: { sourceType: 'script' } },
    'import { Function } from "./types.js"; new Function(source);',
  ],
  invalid: [
    // Deserializers that revive functions, in every import style.
    reviver('const serialize = require("node-serialize"); serialize.unserialize(cookie);', 'node-serialize.unserialize'),
    reviver('import { unserialize } from "node-serialize"; unserialize(req.cookies.profile);', 'node-serialize.unserialize'),
    reviver('import * as ser from "node-serialize"; ser.unserialize(data);', 'node-serialize.unserialize'),
    reviver('var _nodeSerialize = _interopRequireDefault(require("node-serialize")); _nodeSerialize.default.unserialize(data);', 'node-serialize.unserialize'),
    reviver('const { deserialize: load } = require("serialize-to-js"); load(text);', 'serialize-to-js.deserialize'),
    reviver('import funcster from "funcster"; funcster.deepDeserialize(payload);', 'funcster.deepDeserialize'),
    reviver('const Cryo = require("cryo"); const parse = Cryo.parse; parse(text);', 'cryo.parse'),
    reviver('const { unserialize } = process.getBuiltinModule("node-serialize") ?? {}; unserialize(text);', 'node-serialize.unserialize'),
    reviver(
      'import { createRequire } from "node:module"; const load = createRequire(import.meta.url); load("node-serialize").unserialize(text);',
      'node-serialize.unserialize',
    ),
    reviver('const { unserialize } = await import("node-serialize"); unserialize(text);', 'node-serialize.unserialize'),
    reviver('import { unserialize } from "node-serialize"; unserialize.call(null, text);', 'node-serialize.unserialize'),
    report('import ser = require("node-serialize"); ser.unserialize(text as string);', 'functionReviver', { callee: 'node-serialize.unserialize' }, typescript()),
    // js-yaml: version-dependent default, unsafe schemas, js-yaml-js-types.
    yamlSchema('import yaml from "js-yaml"; yaml.load(text);', 'js-yaml.load', V3_DEFAULT, V3),
    yamlSchema('const { loadAll } = require("js-yaml"); loadAll(text, (doc) => docs.push(doc));', 'js-yaml.loadAll', V3_DEFAULT, V3),
    yamlSchema('import yaml from "js-yaml"; yaml.load(text);', 'js-yaml.load', V3_DEFAULT, { options: [{ jsYamlVersion: 3 }], ...V4 }),
    yamlSchema('import yaml from "js-yaml"; yaml.load(text);', 'js-yaml.load', V3_DEFAULT, { settings: { bastion: { jsYamlVersion: '3.13.1' } }, ...V4 }),
    yamlSchema('import yaml from "js-yaml"; yaml.load(text, { schema: yaml.DEFAULT_FULL_SCHEMA });', 'js-yaml.load', 'DEFAULT_FULL_SCHEMA', V4),
    yamlSchema(
      'import { load, DEFAULT_FULL_SCHEMA as FULL } from "js-yaml"; const options = { schema: FULL }; load(text, options);',
      'js-yaml.load',
      'DEFAULT_FULL_SCHEMA',
      V4,
    ),
    yamlSchema(
      'const yaml = require("js-yaml"); const schema = yaml.Schema.create(yaml.DEFAULT_FULL_SCHEMA, [custom]); yaml.loadAll(text, onDoc, { schema });',
      'js-yaml.loadAll',
      'DEFAULT_FULL_SCHEMA',
      V3,
    ),
    yamlSchema('const yaml = require("js-yaml"); yaml.safeLoad(text, { schema: yaml.DEFAULT_FULL_SCHEMA });', 'js-yaml.safeLoad', 'DEFAULT_FULL_SCHEMA', V3),
    yamlSchema(
      'import yaml from "js-yaml"; import types from "js-yaml-js-types"; const schema = yaml.DEFAULT_SCHEMA.extend(types.all); yaml.load(text, { schema });',
      'js-yaml.load',
      JS_FUNCTION_TYPE,
      V4,
    ),
    yamlSchema(
      'import { load, DEFAULT_SCHEMA } from "js-yaml"; import { function as jsFunction } from "js-yaml-js-types"; load(text, { schema: DEFAULT_SCHEMA.extend([jsFunction]) });',
      'js-yaml.load',
      JS_FUNCTION_TYPE,
      V4,
    ),
    yamlSchema(
      'import yaml from "js-yaml"; import { all } from "js-yaml-js-types"; function makeSchema() { return yaml.DEFAULT_SCHEMA.extend(all); } yaml.load(text, { schema: makeSchema() });',
      'js-yaml.load',
      'a schema extended with js-yaml-js-types',
      V4,
    ),
    yamlSchema(
      'import yaml from "js-yaml"; import types from "js-yaml-js-types"; export const full = yaml.DEFAULT_SCHEMA.extend(types.all); export function parse(text, schema) { return yaml.load(text, { schema }); }',
      'js-yaml.load',
      'a schema extended with js-yaml-js-types',
      V4,
    ),
    report('import yaml from "js-yaml"; yaml.load(text);', 'unknownYamlVersion', { callee: 'js-yaml.load' }, NO_JS_YAML),
    report('const yaml = require("js-yaml"); yaml.load(text, { json: true });', 'unknownYamlVersion', { callee: 'js-yaml.load' }, NO_JS_YAML),
    report('import { load } from "js-yaml"; load(text);', 'unknownYamlVersion', { callee: 'js-yaml.load' }, BROKEN_JS_YAML),

    // BSON with evalFunctions.
    report('import { deserialize } from "bson"; deserialize(buffer, { evalFunctions: true });', 'bsonEvalFunctions', { callee: 'bson.deserialize' }),
    report('const { BSON } = require("mongodb"); BSON.deserialize(buffer, { evalFunctions: true, cacheFunctions: true });', 'bsonEvalFunctions', {
      callee: 'mongodb.BSON.deserialize',
    }),
    report('import { MongoClient } from "mongodb"; const client = new MongoClient(url, { evalFunctions: true });', 'bsonEvalFunctions', {
      callee: 'mongodb.MongoClient',
    }),
    report('import { MongoClient } from "mongodb"; const docs = await collection.find({}, { evalFunctions: true }).toArray();', 'bsonEvalFunctions', {
      callee: 'collection.find',
    }),
    report('import * as bson from "bson"; const options = { evalFunctions: true }; bson.deserializeStream(data, 0, 1, docs, 0, options);', 'bsonEvalFunctions', {
      callee: 'bson.deserializeStream',
    }),
    // Code sinks fed data: eval of serialized output, new Function, vm "sandboxes".
    codeFromData('const value = eval("(" + serialized + ")");', 'eval'),
    codeFromData('const value = globalThis.eval(`(${serialized})`);', 'eval'),
    codeFromData('const revive = new Function("return " + text); revive();', 'Function'),
    codeFromData('const revive = Function(source)();', 'Function'),
    // A code generator: a function with named parameters, compiled from generated source.
    generatedCode('const validate = new Function("data", "schema", source);', 'Function'),
    generatedCode('const render = Function("it", "escape", `let out = "";${body}return out;`);', 'Function'),
    // ... also from a list of parts the program builds, spread or applied; a list parsed from text is data.
    generatedCode('export function compile(...parts) { return new globalThis.Function(...parts); }', 'Function'),
    codeFromData('const make = new Function(...JSON.parse(message));', 'Function'),
    generatedCode(
      'function finish(scope, body) { const names = Object.keys(scope); const params = Array(names.length + 1); names.forEach((n, i) => { params[i] = n; }); params[names.length] = body; return Function.apply(null, params); }',
      'Function',
    ),
    codeFromData('const make = Function.apply(null, payload.parts);', 'Function'),
    generatedCode('function define() { return Function.apply(null, arguments); }', 'Function'),
    report('const make = new Function(...req.body.parts);', 'codeFromRequestInput', { callee: 'Function', source: 'req.body', origin: 'request input' }),
    // Code that a parameter holds: the callers decide whether it is data or generated source.
    codeFromParameter(
      'const vm = require("vm"); bundler.bundle((err, src) => { const sandbox = { console }; vm.runInNewContext(src.toString("utf8"), sandbox); });',
      'vm.runInNewContext',
      'src',
    ),
    codeFromData('const vm = require("vm"); bundler.bundle((err, src) => { vm.runInNewContext("module.exports = (" + src + ")", {}); });', 'vm.runInNewContext'),
    codeFromParameter('export function evaluate(options) { return eval(options.source); }', 'eval', 'options'),
    codeFromParameter(
      'import vm from "node:vm"; function instrument(text) { return { code: text }; } export function hook(code) { const out = instrument(code); return vm.runInThisContext(out.code); }',
      'vm.runInThisContext',
      'code',
    ),
    codeFromData('import vm from "node:vm"; import { readFileSync } from "node:fs"; export function load(file) { return vm.runInThisContext(readFileSync(file, "utf8")); }', 'vm.runInThisContext'),
    // Data in the context of constant vm code (the rule's default; configs.strict).
    dataInVmContext(
      'const vm = require("vm"); app.post("/total", (req, res) => res.json(vm.runInNewContext("total(lines)", { lines: req.body.lines })));',
      'vm.runInNewContext',
      'request input (req.body)',
    ),
    dataInVmContext(
      'import vm from "node:vm"; export function validate(order) { const sandbox = { order, result: null }; vm.createContext(sandbox); vm.runInContext("result = check(order)", sandbox); return sandbox.result; }',
      'vm.runInContext',
      'the parameter `order`',
    ),
    dataInVmContext(
      'import vm from "node:vm"; const context = vm.createContext({ rows: req.query.rows }); vm.runInContext("sum(rows)", context);',
      'vm.runInContext',
      'request input (req.query)',
    ),
    dataInVmContext(
      'import vm from "node:vm"; export function check(item) { const script = new vm.Script("valid(item)"); return script.runInNewContext({ item }); }',
      'vm.Script#runInNewContext',
      'the parameter `item`',
    ),
    dataInVmContext(
      'import { compileFunction } from "node:vm"; export const greet = (user) => compileFunction("return hello(name)", [], { contextExtensions: [{ name: user.name }] });',
      'vm.compileFunction',
      'the parameter `user`',
    ),
    dataInVmContext(
      'import vm from "node:vm"; const fn = vm.compileFunction("return name", [], { parsingContext: vm.createContext({ name: req.params.name }) });',
      'vm.compileFunction',
      'request input (req.params)',
    ),
    // Code from data is what the report says, whatever the context holds; a Script's is said at its new.
    report('const vm = require("vm"); vm.runInNewContext(req.body.code, { rows: req.body.rows });', 'codeFromRequestInput', {
      callee: 'vm.runInNewContext',
      source: 'req.body',
      origin: 'request input',
    }),
    codeFromParameter('import vm from "node:vm"; export function run(source, item) { return new vm.Script(source).runInNewContext({ item }); }', 'vm.Script', 'source'),
    // A request object's parameter is request input, read where the rule does not name it.
    codeFromData('app.post("/run", (req, res) => { res.json(eval(req.cookies.expression)); });', 'eval'),
    report('const vm = require("vm"); vm.runInNewContext(req.body.expression, {});', 'codeFromRequestInput', {
      callee: 'vm.runInNewContext',
      source: 'req.body',
      origin: 'request input',
    }),
    report('import { Script } from "node:vm"; const { code } = req.query; new Script(code).runInThisContext();', 'codeFromRequestInput', {
      callee: 'vm.Script',
      source: 'req.query',
      origin: 'request input',
    }),
    // The message names the real source: the command line and the environment are not requests.
    report('const vm = require("vm"); vm.runInThisContext(process.argv[2]);', 'codeFromRequestInput', {
      callee: 'vm.runInThisContext',
      source: 'process.argv',
      origin: 'a command-line argument',
    }),
    report('eval(process.env.STARTUP_HOOK);', 'codeFromRequestInput', {
      callee: 'eval',
      source: 'process.env',
      origin: 'an environment variable',
    }),
    codeFromData('import vm from "node:vm"; vm.runInContext(source, context);', 'vm.runInContext'),
    codeFromData('const { compileFunction } = process.getBuiltinModule("node:vm"); compileFunction(body, ["a"]);', 'vm.compileFunction'),
    // "require from string": a module compiled from data.
    codeFromParameter(
      'const Module = require("module"); function requireFromString(code, filename) { const m = new Module(filename); m.paths = Module._nodeModulePaths(dir); m._compile(code, filename); return m.exports; }',
      'module#_compile',
      'code',
    ),
    report('import { Module } from "node:module"; const plugin = new Module("plugin.js"); plugin._compile(req.body.source, "plugin.js");', 'codeFromRequestInput', {
      callee: 'module.Module#_compile',
      source: 'req.body',
      origin: 'request input',
    }),
    codeFromData('import Module from "node:module"; Module.prototype._compile.call(mod, source, filename);', 'module.prototype._compile'),
    // CommonJS's module.constructor is Module, and Express's req.param() is request input.
    report('const m = new module.constructor(); m._compile(req.param("code"), "x.js");', 'codeFromRequestInput', {
      callee: 'module.constructor#_compile',
      source: 'req.param()',
      origin: 'request input',
    }),
    // Timers evaluate a string first argument (in browsers): built from data, or request input.
    codeFromData('setTimeout("render(" + state + ")", 0);', 'setTimeout'),
    codeFromData('const step = `advance(${count})`; globalThis.setInterval(step, 100);', 'setInterval'),
    report('setTimeout(req.query.callback, 10);', 'codeFromRequestInput', { callee: 'setTimeout', source: 'req.query', origin: 'request input' }),
    // TypeScript and JSX.
    codeFromData('const value: unknown = eval(`(${serialized as string})`);', 'eval', typescript()),
    yamlSchema(
      'import * as yaml from "js-yaml"; export const View = ({ text }: { text: string }) => <pre>{String(yaml.load(text))}</pre>;',
      'js-yaml.load',
      V3_DEFAULT,
      { ...typescript({ jsx: true }), filename: fixture('js-yaml-v3/src/view.tsx') },
    ),
    reviver('import { unserialize } from "node-serialize"; export const Profile = () => <p>{unserialize(cookie).name}</p>;', 'node-serialize.unserialize'),
  ],
});

describe('a configured js-yaml version that says no major', () => {
  const lint = (config: Linter.Config) =>
    new Linter().verify(
      'import { load } from "js-yaml"; load(text);',
      [{ plugins: { bastion: plugin }, rules: { 'bastion/no-unsafe-deserialization': 'error' } }, config],
      'config.js',
    );

  it('is a TypeError naming the setting and the value', () => {
    assert.throws(() => lint({ settings: { bastion: { jsYamlVersion: 'latest' } } }), {
      name: 'TypeError',
      message: /settings\.bastion\.jsYamlVersion must be a js-yaml version such as "4\.1\.0" or 4, got "latest" \(string\)/u,
    });
    assert.throws(() => lint({ settings: { bastion: { jsYamlVersion: { major: 4 } } } }), /got \{"major":4\} \(object\)/u);
  });

  it('is a TypeError for the rule option too', () => {
    assert.throws(
      () => lint({ rules: { 'bastion/no-unsafe-deserialization': ['error', { jsYamlVersion: 'v' }] } }),
      /the jsYamlVersion option must be a js-yaml version/u,
    );
  });
});
