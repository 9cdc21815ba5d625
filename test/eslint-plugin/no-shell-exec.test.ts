// bastion/no-shell-exec: every way of reaching child_process and the popular wrappers, the three
// severities, the execFile suggestion, and the look-alikes that must stay silent.
import plugin from 'generator-bastion/eslint-plugin';
import type { RuleTester } from 'eslint';
import { createRuleTester, typescript } from './rule-tester.ts';

const rule = plugin.rules['no-shell-exec'];
type Invalid = RuleTester.InvalidTestCase;

const SHELL = 'through a shell';
const ORIGINS: Record<string, string> = { 'process.argv': 'a command-line argument', 'process.env': 'an environment variable' };

/** A case reporting a command built from data (no input source in sight). */
function dataCommand(code: string, callee: string, extra: Partial<Invalid> = {}, through = SHELL): Invalid {
  return { code, errors: [{ messageId: 'dataCommand', data: { callee, through } }], ...extra };
}

/** A case reporting a constant command, with the execFile suggestion expected (none by default). */
function constantCommand(
  code: string,
  callee: string,
  suggestion?: { file: string; output: string },
  through = SHELL,
): Invalid {
  const replacement = callee.endsWith('Sync') ? 'execFileSync' : 'execFile';
  const suggestions = suggestion
    ? [{ messageId: 'useExecFile', data: { file: suggestion.file, replacement }, output: suggestion.output }]
    : [];
  return { code, errors: [{ messageId: 'constantCommand', data: { callee, through }, suggestions }] };
}

/** A case reporting a command built from input whose source is named (`req.query`, `process.env`). */
function requestInput(code: string, callee: string, source: string, extra: Partial<Invalid> = {}, through = SHELL): Invalid {
  const origin = ORIGINS[source] ?? 'request input';
  return { code, errors: [{ messageId: 'requestInputCommand', data: { callee, through, source, origin } }], ...extra };
}

/** A case reporting a program (or module) named by request input. */
function programFromInput(code: string, callee: string, source: string): Invalid {
  return { code, errors: [{ messageId: 'programFromRequestInput', data: { callee, source } }] };
}

/** Constant commands the execFile suggestion rewrites: [code, callee, program, suggested output]. */
const REWRITABLE: [string, string, string, string][] = [
  [
    'const cp = require("child_process"); cp.exec("git status --short", (error, stdout) => {});',
    'child_process.exec',
    'git',
    'const cp = require("child_process"); cp.execFile("git", ["status", "--short"], (error, stdout) => {});',
  ],
  [
    "import { exec } from 'node:child_process'; exec('ls -la');",
    'child_process.exec',
    'ls',
    "import { exec, execFile } from 'node:child_process'; execFile('ls', ['-la']);",
  ],
  [
    "const { execSync } = require('child_process'); execSync(`npm --version`, { encoding: 'utf8' });",
    'child_process.execSync',
    'npm',
    "const { execSync, execFileSync } = require('child_process'); execFileSync('npm', ['--version'], { encoding: 'utf8' });",
  ],
  [
    "import { exec as run, execFile } from 'child_process'; run('uptime', callback);",
    'child_process.exec',
    'uptime',
    "import { exec as run, execFile } from 'child_process'; execFile('uptime', [], callback);",
  ],
];

/**
 * Constant commands it leaves alone: shell syntax, builtins, env assignments, another shell,
 * a name clash, and promisified or .call forms (different signatures).
 */
const NOT_REWRITABLE = [
  "import { exec } from 'child_process'; exec('ls | grep x');",
  "import { exec } from 'child_process'; exec('rm *.log');",
  "import { exec } from 'child_process'; exec('echo \"hi\"');",
  "import { exec } from 'child_process'; exec('cd /tmp');",
  "import { exec } from 'child_process'; exec('NODE_ENV=test node app.js');",
  "import { exec } from 'child_process'; exec('ls', { shell: '/bin/bash' });",
  "import { exec } from 'child_process'; const execFile = 1; exec('ls');",
  "import { exec } from 'child_process'; import { promisify } from 'util'; await promisify(exec)('ls');",
  "import { exec } from 'child_process'; exec.call(null, 'ls');",
];

createRuleTester().run('no-shell-exec', rule, {
  valid: [
    // Look-alikes: RegExp#exec, a local exec, database and ORM exec methods.
    'const match = /a(b+)/u.exec(text);',
    'const pattern = new RegExp(source); pattern.exec(input);',
    'function exec(command) { return command; } exec("rm -rf /");',
    'db.exec("DROP TABLE users");',
    'import Database from "better-sqlite3"; new Database(":memory:").exec(sql);',
    'import { exec } from "./exec.js"; exec(command);',
    'const { exec } = require("some-db"); exec(query);',
    'const child_process = { exec() {} }; child_process.exec(command);',
    'function run(require) { require("child_process").exec(command); }',
    { code: 'const re: RegExp = /x/u; re.exec(value as string);', ...typescript() },
    // No shell: an argument array goes straight to the program.
    'import { execFile, spawn } from "node:child_process"; execFile("git", ["log", ref]); spawn(cmd, args);',
    'const { spawn } = require("child_process"); spawn(cmd, args, { shell: false, cwd });',
    'const cp = require("child_process"); cp.spawnSync("ls", ["-la"], { stdio: "inherit" });',
    'import { execa, $ } from "execa"; await execa("ls", ["-la"]); await $`ls ${dir}`;',
    'import spawn from "cross-spawn"; spawn("npm", ["install"], { stdio: "inherit" });',
    // The whole options object unknown: it cannot be told from a callback, and a pass-through
    // wrapper would be reported at every call (see the rule docs).
    'const { spawn } = require("child_process"); spawn(cmd, args, options);',
    'import { $ } from "execa"; export const $$ = $({ shell: true });',
    // `this` is not the instance there: a static method, a plain function inside a method.
    'const cp = require("child_process"); class A { run = cp.exec; static go() { this.run(command); } }',
    'const cp = require("child_process"); class A { run = cp.exec; go() { return function () { this.run(command); }; } }',
    'class Tool { exec(command) { return command; } go() { this.exec("rm -rf /"); } }',
    // A shell given a script, not a command line; `-c` given to a program that is not a shell.
    'const { spawn } = require("child_process"); spawn("bash", ["./scripts/deploy.sh", target]);',
    'const { spawn } = require("child_process"); spawn("/bin/sh", ["-e", "/opt/app/run.sh", name], { stdio: "inherit" });',
    'const { spawn } = require("child_process"); spawn("bash", ["--login", scriptPath]);',
    'const { execFile } = require("child_process"); execFile("git", ["-c", `user.name=${name}`, "commit"], done);',
    'const { spawn } = require("child_process"); spawn("cmd.exe", ["/d", "C:\\\\tools\\\\build.bat", target]);',
    'const { spawn } = require("child_process"); spawn(process.env.SHELL, [], { stdio: "inherit" });',
    'import { execa } from "execa"; await execa("sh", [scriptFile, ...args]);',
    'const { spawn } = require("child_process"); spawn("/usr/bin/env", ["node", "script.js", code]); spawn("env", [program, "-c", value]);',
    // A local function returning its parameter, given a constant, is constant.
    {
      code: 'const cp = require("child_process"); function id(x) { return x; } cp.exec("rm -rf " + id("build"));',
      options: [{ allowConstantCommands: true }],
    },
    // Data quoted for a POSIX shell, or checked by an allow-list, a disallow-list's negation,
    // typeof or isNaN on the way to the call (recommended's reading).
    ...[
      'const cp = require("child_process"); module.exports = (name) => { const quoted = "\'" + name.replace(/\'/g, "\'\\\\\'\'") + "\'"; cp.exec("rm -rf " + quoted); };',
      'const cp = require("child_process"); module.exports = (name) => { if (/^[a-z0-9_-]+$/.test(name)) cp.exec("git checkout " + name); };',
      'const cp = require("child_process"); module.exports = (name) => { if (!name.match(/^\\w{1,64}$/)) { return; } cp.exec(`git checkout ${name}`); };',
      'const cp = require("child_process"); module.exports = (name) => { if (/[^A-Za-z0-9_.-]/.test(name)) throw new Error("bad"); cp.exec("git checkout " + name); };',
      'const cp = require("child_process"); module.exports = (n) => { if (typeof n === "number") cp.exec("kill -9 " + n); if (!isNaN(+n)) cp.exec("kill " + n); };',
    ].map((code) => ({ code, options: [{ allowConstantCommands: true }] })),
    // The same through a function of this file: a sanitizer whose every return is quoted or
    // checked, a predicate whose every return is an allow-list test (behind `throw`, `return` or
    // `process.exit()`), an allow-list in a group, a local assigned again before the call.
    ...[
      String.raw`const cp = require("child_process"); const shq = (s) => "'" + s.replace(/'/g, "'\\''") + "'"; module.exports = (msg) => cp.exec("git commit -m " + shq(msg));`,
      String.raw`const cp = require("child_process"); function arg(s) { if (/[^\w.-]/.test(s)) { s = "'" + s.replace(/'/g, "'\\''") + "'"; s = s.replace(/^(?:'')+/g, ""); } return s; } module.exports = (f) => { const a = arg(f); cp.exec("cat " + a); };`,
      String.raw`const cp = require("child_process"); function ref(s) { if (!/^[\w.\/-]{1,100}$/.test(s)) throw new TypeError("bad ref"); return s; } module.exports = (r) => cp.exec("git show " + ref(r));`,
      String.raw`const cp = require("child_process"); function isRef(s) { return /^[\w.\/-]+$/.test(s); } module.exports = (r) => { if (!isRef(r)) throw new Error("bad"); cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); function isRef(s) { if (s.length > 100) return false; return /^[\w.\/-]+$/.test(s); } module.exports = (r) => { if (!isRef(r)) { console.error("bad ref"); process.exit(2); } cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); function hasJunk(s) { return /[^a-z0-9-]/.test(s); } module.exports = (r) => { if (hasJunk(r)) return; cp.exec("git branch -D " + r); };`,
      String.raw`const cp = require("child_process"); function isDb(s) { return typeof s === "string" && /^[a-z0-9_]+$/.test(s); } module.exports = (d) => { if (isDb(d)) cp.exec("dropdb " + d); };`,
      String.raw`const cp = require("child_process"); module.exports = (n) => { if (!/^([a-z0-9]+)?$/.test(n)) process.exit(1); cp.exec("userdel " + n); };`,
      String.raw`const cp = require("child_process"); module.exports = (t) => { var q = t; cp.execFile("echo", [q]); var q = "'" + t.replace(/'/g, "'\\''") + "'"; cp.exec("echo " + q); };`,
    ].map((code) => ({ code, options: [{ allowConstantCommands: true }] })),
    // A local wrapper called without a shell, and one that is not called here.
    'const cp = require("child_process"); function run(file, args) { return cp.spawn(file, args); } run("git", ["log", req.query.ref]);',
    'const cp = require("child_process"); export function run(file, args) { return cp.spawn(file, args); }',
    // opener opens a URL built from input with the system's handler: no program named by it.
    'const opener = require("opener"); opener("https://example.com/u/" + req.query.user);',
    // An interpreter running a script, and a terminal whose program is not a shell.
    'const { spawn } = require("child_process"); spawn("python3", ["-m", "http.server", req.query.port]);',
    'import pty from "node-pty"; const term = pty.spawn("htop", [], {}); term.write(req.body.keys);',
    // Request input kept out of the program: a request URL's path looked up in a table.
    'const { execFile } = require("child_process"); const url = require("url"); execFile(TOOLS[url.parse(req.url, true).query.tool], []);',
    // `shell` provably off after a spread, or a spread that adds nothing.
    'const { spawn } = require("child_process"); spawn(cmd, args, { ...options, shell: false });',
    'const { spawn } = require("child_process"); spawn(cmd, args, { shell: true, ...{ cwd }, shell: false });',
    'const { spawn } = require("child_process"); spawn(cmd, args, { ...undefined, stdio: "pipe" });',
    // A conditional spread of literals that do not name `shell` cannot set it.
    'import { execa } from "execa"; await execa(file, args, { shell: false, ...(verbose ? { stdio: "inherit" } : {}) });',
    'const { spawn } = require("child_process"); spawn(cmd, args, { cwd, ...(uid !== undefined && { uid, gid: uid }) });',
    // The program from a table, from the environment or the command line (the user who runs it
    // chooses: $EDITOR, a CLI running what it is told), or constant with request input as arguments.
    'const { spawn } = require("child_process"); const TOOLS = { png: "optipng", jpg: "jpegoptim" }; spawn(TOOLS[req.query.type], [file]);',
    'const { spawn } = require("child_process"); spawn("convert", [req.query.file, "out.png"]); spawn(process.env.EDITOR, [file], { stdio: "inherit" });',
    'const { spawn } = require("child_process"); const [, , command, ...rest] = process.argv; spawn(command, rest, { stdio: "inherit" });',
    'import { execaCommand } from "execa"; await execaCommand(`convert ${req.query.file} out.png`);',
    // Template tags quote each value: execa's `$` runs no shell, zx's quotes for bash.
    'import { $ } from "execa"; await $`git log ${req.query.ref}`;',
    'import { $ } from "zx"; await $`rm -rf ${req.body.dir}`; await $({ cwd: dir })`ls ${pattern}`;',
    // ssh2: a client's other methods, and a local class of the same name.
    'const { Client } = require("ssh2"); const conn = new Client(); conn.on("ready", () => conn.sftp(done)); conn.connect(options);',
    'class Client { exec(command) { return command; } } const conn = new Client(); conn.exec(command);',
    // Referenced but never called.
    'import { exec } from "node:child_process"; export const runner = { exec };',
    // Allowed by option.
    {
      code: 'import { exec } from "node:child_process"; exec("git status --short");',
      options: [{ allowConstantCommands: true }],
    },
    {
      code: 'const { spawn } = require("child_process"); spawn("ls", ["-la"], { shell: true });',
      options: [{ allowConstantCommands: true }],
    },
    {
      // Code for an interpreter whose every value is JSON.stringify()ed holds literals, not code.
      code: 'const { execFileSync } = require("child_process"); execFileSync("node", ["-e", `console.log(${JSON.stringify(req.query.name)})`]);',
      options: [{ allowConstantCommands: true }],
    },
  ],
  invalid: [
    // Every import style.
    dataCommand('const cp = require("child_process"); cp.exec(command);', 'child_process.exec'),
    dataCommand('require("node:child_process").execSync(command);', 'child_process.execSync'),
    dataCommand('const { exec } = require("child_process"); exec(command);', 'child_process.exec'),
    dataCommand('const { exec: run } = require("node:child_process"); run(command);', 'child_process.exec'),
    dataCommand('import cp from "child_process"; cp.exec(command);', 'child_process.exec'),
    dataCommand('import * as cp from "node:child_process"; cp.execSync(command);', 'child_process.execSync'),
    dataCommand('import { execSync } from "child_process"; execSync(command);', 'child_process.execSync'),
    dataCommand('import { exec as run } from "node:child_process"; run(command, () => {});', 'child_process.exec'),
    dataCommand('const cp = require("child_process"); const run = cp.exec; run(command);', 'child_process.exec'),
    dataCommand('const cp = require("child_process"); let run; run = cp.exec; run(command);', 'child_process.exec'),
    dataCommand('const { exec } = process.getBuiltinModule("node:child_process"); exec(command);', 'child_process.exec'),
    dataCommand('process.getBuiltinModule("child_process").execSync(command);', 'child_process.execSync'),
    // The rule skips files whose text cannot name a tracked module; an escape in a name is read.
    dataCommand('require("child\\u005fprocess").exec(command);', 'child_process.exec'),
    dataCommand('require(`child_process`).exec(command);', 'child_process.exec'),
    dataCommand('require("mz/child_process").exec(command);', 'mz/child_process.exec'),
    dataCommand(
      'import { createRequire } from "node:module"; const require = createRequire(import.meta.url); require("child_process").exec(command);',
      'child_process.exec',
    ),
    dataCommand('const { exec } = await import("node:child_process"); exec(command);', 'child_process.exec'),
    dataCommand('const cp = await import("child_process"); cp.default.exec(command);', 'child_process.exec'),
    dataCommand('import("node:child_process").then((cp) => cp.exec(command));', 'child_process.exec'),
    dataCommand('import("node:child_process").then(({ execSync }) => execSync(command));', 'child_process.execSync'),
    dataCommand('import("child_process").then(function ({ exec: run = fallback }) { run(command); });', 'child_process.exec'),
    dataCommand(
      'import { promisify } from "node:util"; import { exec } from "node:child_process"; const run = promisify(exec); await run(command);',
      'child_process.exec',
    ),
    dataCommand('const util = require("util"); const cp = require("child_process"); util.promisify(cp.exec)(command);', 'child_process.exec'),
    dataCommand('const { exec } = require("child_process"); exec.call(null, command);', 'child_process.exec'),
    dataCommand('const { exec } = require("child_process"); exec.apply(null, [command, callback]);', 'child_process.exec'),
    dataCommand('const { exec } = require("child_process"); exec.apply(null, args);', 'child_process.exec'),
    dataCommand('globalThis.require("child_process").exec(command);', 'child_process.exec'),
    dataCommand('const cp = require("child_process"); cp["exec"](command); cp?.execSync?.(command);', 'child_process.exec', {
      errors: [
        { messageId: 'dataCommand', data: { callee: 'child_process.exec', through: SHELL } },
        { messageId: 'dataCommand', data: { callee: 'child_process.execSync', through: SHELL } },
      ],
    }),
    dataCommand('const cp = require("child_process"); (cp.exec as typeof cp.exec)(command!);', 'child_process.exec', typescript()),
    // Kept in an object literal, or on the instance: class fields and constructor assignments.
    dataCommand('const cp = require("child_process"); const tools = { shell: cp.execSync }; tools.shell(command);', 'child_process.execSync'),
    constantCommand('import { exec } from "node:child_process"; const run = { exec }; run.exec("hostname");', 'child_process.exec'),
    dataCommand(
      'import { exec } from "node:child_process"; import { promisify } from "node:util"; export class Git { private readonly execAsync = promisify(exec); async status(dir: string) { return this.execAsync(`git -C ${dir} status`); } }',
      'child_process.exec',
      typescript(),
    ),
    dataCommand('const cp = require("child_process"); class Runner { constructor() { this.run = cp.execSync; } go(command) { return this.run(command); } }', 'child_process.execSync'),
    dataCommand('import { exec } from "node:child_process"; class Shell { #run = exec; go() { const later = () => this.#run(command); later(); } }', 'child_process.exec'),
    dataCommand('import cp = require("child_process"); cp.exec(command);', 'child_process.exec', typescript()),
    // Compiled output: tsc, SWC, Babel and esbuild wrap require() in interop helpers.
    dataCommand('const child_process_1 = require("child_process"); (0, child_process_1.execSync)(command);', 'child_process.execSync'),
    dataCommand(
      'const _child_process = /*#__PURE__*/ _interop_require_default(require("child_process")); _child_process.default.execSync(command);',
      'child_process.execSync',
    ),
    dataCommand('var cp = _interopRequireWildcard(require("child_process")); cp.exec(command);', 'child_process.exec'),
    dataCommand('const child_process_1 = tslib.__importDefault(require("node:child_process")); child_process_1.default.exec(command);', 'child_process.exec'),
    dataCommand('const import_child_process = __toESM(require("child_process")); (0, import_child_process.execSync)(command);', 'child_process.execSync'),
    dataCommand('var _execa = _interopRequireDefault(require("execa")); (0, _execa.default)(command, { shell: true });', 'execa'),
    // Severity: request input named, through a short local flow.
    requestInput('const { exec } = require("child_process"); exec("ls " + req.query.dir);', 'child_process.exec', 'req.query'),
    requestInput('import { execSync } from "node:child_process"; execSync(`convert ${req.body.file} out.png`);', 'child_process.execSync', 'req.body'),
    requestInput(
      'import { exec } from "node:child_process"; app.get("/", (req, res) => { const { dir } = req.params; const command = `ls ${dir}`; exec(command); });',
      'child_process.exec',
      'req.params',
    ),
    requestInput('import { exec } from "node:child_process"; exec(["git", "clone", process.argv[2]].join(" "));', 'child_process.exec', 'process.argv'),
    requestInput('import { exec } from "node:child_process"; exec(process.env.BUILD_COMMAND);', 'child_process.exec', 'process.env'),
    requestInput('import { exec } from "node:child_process"; router.post("/", (ctx) => exec(ctx.request.body.cmd));', 'child_process.exec', 'request.body'),
    // `shell` set truthy: literal, constant, options variable, spread, every function.
    dataCommand('const { spawn } = require("child_process"); spawn(command, args, { shell: true });', 'child_process.spawn'),
    dataCommand('const { spawn } = require("child_process"); const useShell = true; spawn(command, { shell: useShell });', 'child_process.spawn'),
    dataCommand('const { spawnSync } = require("child_process"); const options = { cwd, shell: "/bin/bash" }; spawnSync(command, options);', 'child_process.spawnSync'),
    dataCommand('const { execFile } = require("child_process"); execFile(file, args, { ...defaults, shell: true }, callback);', 'child_process.execFile'),
    dataCommand('const { execFileSync } = require("child_process"); const base = { shell: true }; execFileSync(file, args, { ...base });', 'child_process.execFileSync'),
    dataCommand('import { fork } from "node:child_process"; fork(modulePath, args, { shell: true });', 'child_process.fork'),
    constantCommand('const { spawn } = require("child_process"); spawn("ls", ["-la"], { shell: true });', 'child_process.spawn'),
    // A `shell` that is not provably false: the message says on which condition.
    dataCommand(
      'const { spawn } = require("child_process"); spawn(command, args, { shell: process.platform === "win32" });',
      'child_process.spawn',
      {},
      'through a shell when `shell: process.platform === "win32"` is truthy',
    ),
    dataCommand(
      'const { spawnSync } = require("child_process"); function run(file, args, useShell) { return spawnSync(file, args, { shell: useShell }); }',
      'child_process.spawnSync',
      {},
      'through a shell when `shell: useShell` is truthy',
    ),
    dataCommand(
      'const { spawn } = require("child_process"); const isWindows = process.platform === "win32"; spawn(command, args, { shell: isWindows, stdio: "inherit" });',
      'child_process.spawn',
      {},
      'through a shell when `shell: isWindows` is truthy',
    ),
    dataCommand(
      'const { spawn } = require("child_process"); export const run = (command, args, options) => spawn(command, args, { stdio: "inherit", ...options });',
      'child_process.spawn',
      {},
      'through a shell if `...options` sets `shell`',
    ),
    dataCommand(
      'import { execa } from "execa"; await execa(file, args, { ...(verbose ? { shell: true } : {}) });',
      'execa.execa',
      {},
      'through a shell',
    ),
    dataCommand(
      'import { execa } from "execa"; await execa(file, args, { ...(verbose && extra) });',
      'execa.execa',
      {},
      'through a shell if `...(verbose && extra)` sets `shell`',
    ),
    requestInput(
      'const { execFile } = require("child_process"); const opts = { shell: process.platform === "win32" }; execFile("convert", [req.query.file, "out.png"], opts, done);',
      'child_process.execFile',
      'req.query',
      {},
      'through a shell when `shell: process.platform === "win32"` is truthy',
    ),
    constantCommand(
      'const { spawn } = require("child_process"); spawn("npm", ["install"], { shell: process.platform === "win32" });',
      'child_process.spawn',
      undefined,
      'through a shell when `shell: process.platform === "win32"` is truthy',
    ),
    // A shell named as the program, with its command flag: no `shell` option needed.
    dataCommand('const { spawn } = require("child_process"); spawn("sh", ["-c", command]);', 'child_process.spawn', {}, 'through `sh -c`'),
    requestInput(
      'import { execFile } from "node:child_process"; execFile("/bin/bash", ["-c", "ping -c 1 " + req.query.host], done);',
      'child_process.execFile',
      'req.query',
      {},
      'through `/bin/bash -c`',
    ),
    dataCommand(
      'const { spawn } = require("child_process"); spawn("cmd.exe", ["/d", "/s", "/c", `"${command}"`], { windowsVerbatimArguments: true });',
      'child_process.spawn',
      {},
      'through `cmd.exe /c`',
    ),
    dataCommand(
      'const { spawnSync } = require("child_process"); spawnSync("powershell.exe", ["-NoProfile", "-Command", script]);',
      'child_process.spawnSync',
      {},
      'through `powershell.exe -Command`',
    ),
    dataCommand(
      'const { spawnSync } = require("child_process"); const SH = "/bin/sh"; const FLAG = "-c"; spawnSync(SH, [FLAG, line]);',
      'child_process.spawnSync',
      {},
      'through `/bin/sh -c`',
    ),
    requestInput(
      'import { spawn } from "node:child_process"; spawn(process.env.SHELL, ["-lc", `tail -n ${req.query.lines} app.log`]);',
      'child_process.spawn',
      'req.query',
      {},
      'through `process.env.SHELL -lc`',
    ),
    dataCommand(
      'import { spawn } from "node:child_process"; spawn(process.env.ComSpec || "cmd.exe", ["/c", command]);',
      'child_process.spawn',
      {},
      'through `process.env.ComSpec || "cmd.exe" /c`',
    ),
    dataCommand(
      'import { spawn } from "node:child_process"; const isWin = process.platform === "win32"; const shell = isWin ? "cmd.exe" : "/bin/sh"; const flag = isWin ? "/c" : "-c"; spawn(shell, [flag, command], { stdio: "inherit" });',
      'child_process.spawn',
      {},
      'through `shell flag`',
    ),
    dataCommand(
      'const { spawn } = require("child_process"); const args = ["-e"]; args.push("-c"); args.push(command); spawn("bash", args);',
      'child_process.spawn',
      {},
      'through `bash -c`',
    ),
    dataCommand(
      'const { spawn } = require("child_process"); let args; if (win) args = ["/c", command]; else args = ["-c", command]; spawn(win ? "cmd" : "sh", args);',
      'child_process.spawn',
      {},
      'through `win ? "cmd" : "sh" /c`',
    ),
    dataCommand('import { execa } from "execa"; await execa("sh", ["-c", `git log ${ref}`]);', 'execa.execa', {}, 'through `sh -c`'),
    dataCommand('import spawn from "cross-spawn"; spawn.sync("bash", ["-lc", command], { stdio: "inherit" });', 'cross-spawn.sync', {}, 'through `bash -lc`'),
    dataCommand('const { spawn } = require("child_process"); function shell(args) { return spawn("bash", args); }', 'child_process.spawn', {}, 'through `bash`'),
    constantCommand('const { spawn } = require("child_process"); spawn("sh", ["-c", "ls -la | wc -l"]);', 'child_process.spawn', undefined, 'through `sh -c`'),
    // A shell started by env, after env's switches and assignments.
    dataCommand('const { spawn } = require("child_process"); spawn("/usr/bin/env", ["-i", "LANG=C", "bash", "-c", command]);', 'child_process.spawn', {}, 'through `/usr/bin/env bash -c`'),
    // One of a few constants, chosen by a condition or returned by a local function, is constant.
    constantCommand('import { exec } from "node:child_process"; exec(process.platform === "win32" ? "dir /b" : "ls -1", done);', 'child_process.exec'),
    constantCommand(
      'import { execSync } from "node:child_process"; function listCommand() { if (process.platform === "win32") return "dir /b"; return "ls -1"; } execSync(listCommand());',
      'child_process.execSync',
    ),
    constantCommand('import { exec } from "node:child_process"; const dry = args.includes("-n"); const cmd = `git ${dry ? "status" : "commit -m wip"}`; exec(cmd);', 'child_process.exec'),
    dataCommand('import { exec } from "node:child_process"; const command = (dir) => "ls " + dir; exec(command(target));', 'child_process.exec'),
    dataCommand('import { exec } from "node:child_process"; exec(useDefault ? "make" : buildCommand);', 'child_process.exec'),
    // After `sh -c line`, arguments are $0, $1...: data, but not parsed as shell code.
    constantCommand(
      'const { spawn } = require("child_process"); spawn("/bin/sh", ["-c", \'ulimit -c 0; exec "$0" "$@"\', process.execPath, ...nodeArgs]);',
      'child_process.spawn',
      undefined,
      'through `/bin/sh -c`',
    ),
    // cmd.exe joins every argument after /c into the command line.
    dataCommand('const { spawn } = require("child_process"); spawn("cmd", ["/c", "build.bat", target]);', 'child_process.spawn', {}, 'through `cmd /c`'),
    // The program itself from request input: no shell, but the caller chooses what runs.
    programFromInput('const { spawn } = require("child_process"); spawn(req.query.cmd);', 'child_process.spawn', 'req.query'),
    programFromInput(
      'import { execFile } from "node:child_process"; app.post("/run", (req, res) => { const { tool } = req.body; execFile(tool, ["--version"], (e, out) => res.send(out)); });',
      'child_process.execFile',
      'req.body',
    ),
    programFromInput('import { fork } from "node:child_process"; fork(`./workers/${req.params.worker}`);', 'child_process.fork', 'req.params'),
    programFromInput('const { spawnSync } = require("child_process"); spawnSync(String(req.query.bin), args);', 'child_process.spawnSync', 'req.query'),
    programFromInput('import { execaCommand } from "execa"; await execaCommand(`${req.query.cmd} --help`);', 'execa.execaCommand', 'req.query'),
    programFromInput('import { $ } from "execa"; await $`${req.query.tool} --version`;', 'execa.$', 'req.query'),
    programFromInput('import { $ } from "zx"; await $`${req.body.bin} ${args}`;', 'zx.$', 'req.body'),
    programFromInput('const { $ } = require("zx"); $.sync`${request.query.bin}`;', 'zx.$.sync', 'request.query'),
    // A remote shell: ssh2's Client#exec runs a command line on the other host.
    dataCommand(
      'const { Client } = require("ssh2"); const conn = new Client(); conn.on("ready", () => conn.exec(`tail -n ${lines} /var/log/app.log`, done));',
      'ssh2.Client#exec',
      {},
      'through a shell on the remote host',
    ),
    requestInput(
      'import { Client } from "ssh2"; const conn = new Client(); app.get("/ls", (req, res) => conn.exec("ls " + req.query.dir, done));',
      'ssh2.Client#exec',
      'req.query',
      {},
      'through a shell on the remote host',
    ),
    dataCommand(
      'import ssh2 from "ssh2"; export class Remote { conn = new ssh2.Client(); run(command) { this.conn.exec(command, done); } }',
      'ssh2.Client#exec',
      {},
      'through a shell on the remote host',
    ),
    constantCommand('const { Client } = require("ssh2"); const conn = new Client(); conn.exec("uptime", done);', 'ssh2.Client#exec', undefined, 'through a shell on the remote host'),
    // Wrappers and their generations.
    dataCommand('const execa = require("execa"); execa.shell(`tar czf ${archive} ${dir}`);', 'execa.shell'),
    dataCommand('const execa = require("execa"); execa.shellSync(command);', 'execa.shellSync'),
    dataCommand('import spawn from "cross-spawn-async"; spawn(command, args, { shell: true });', 'cross-spawn-async'),
    dataCommand('const { exec } = require("child-process-promise"); exec(`git clone ${url}`);', 'child-process-promise.exec'),
    dataCommand('const cp = require("mz/child_process"); await cp.exec(command);', 'mz/child_process.exec'),
    dataCommand('import { foregroundChild } from "foreground-child"; foregroundChild("sh", ["-c", command]);', 'foreground-child.foregroundChild', {}, 'through `sh -c`'),
    dataCommand('import execAsync from "exec-async"; await execAsync("bash", ["-c", command]);', 'exec-async', {}, 'through `bash -c`'),
    dataCommand('import { execa } from "execa"; await execa(command, { shell: true });', 'execa.execa'),
    dataCommand('import { execaSync } from "execa"; execaSync(file, args, { shell: true });', 'execa.execaSync'),
    dataCommand('const execa = require("execa"); execa(command, args, { shell: true });', 'execa'),
    dataCommand('import { $ } from "execa"; await $({ shell: true })`${command}`;', 'execa.$'),
    constantCommand('import { $ } from "execa"; await $({ shell: true })`ls -la`;', 'execa.$'),
    // execa's $(options) runs nothing itself; the commands run where the $ it returns is used.
    {
      code: 'import { $ } from "execa";\nconst $$ = $({ shell: true });\nawait $$`${command}`;\nawait $$(file, args);',
      errors: [
        { messageId: 'dataCommand', data: { callee: 'execa.$', through: SHELL }, line: 3 },
        { messageId: 'dataCommand', data: { callee: 'execa.$', through: SHELL }, line: 4 },
      ],
    },
    constantCommand('const shell = require("shelljs"); shell.exec("npm test");', 'shelljs.exec'),
    dataCommand('import shell from "shelljs"; shell.exec(`git checkout ${branch}`);', 'shelljs.exec'),
    dataCommand('const spawn = require("cross-spawn"); spawn(command, args, { shell: true });', 'cross-spawn'),
    dataCommand('import crossSpawn from "cross-spawn"; crossSpawn.sync(command, { shell: true });', 'cross-spawn.sync'),
    // Request input read from the URL (`url.parse(req.url, true).query`), Express's req.param(),
    // and Koa's ctx.
    programFromInput(
      'const cp = require("child_process"); const url = require("url"); const cmd = url.parse(req.url, true).query.path; cp.execFile(cmd);',
      'child_process.execFile',
      'req.url',
    ),
    programFromInput('const { fork } = require("child_process"); fork(req.param("worker"));', 'child_process.fork', 'req.param()'),
    requestInput('import { exec } from "node:child_process"; router.get("/ping/:host", (ctx) => exec("ping " + ctx.params.host));', 'child_process.exec', 'ctx.params'),
    // Older wrappers: execa's stdout/stderr/node, the exec package, remote-exec, ssh2's default
    // export, ssh2-streams, and a client used straight from its new.
    programFromInput('const execa = require("execa"); execa.stdout(req.query.tool, ["--version"]);', 'execa.stdout', 'req.query'),
    programFromInput('const execa = require("execa"); execa.node(req.body.script);', 'execa.node', 'req.body'),
    requestInput('const exec = require("exec"); exec("convert " + req.query.file, done);', 'exec', 'req.query'),
    requestInput('const remoteExec = require("remote-exec"); remoteExec(hosts, "df -h " + req.query.mount, {}, done);', 'remote-exec', 'req.query'),
    requestInput('const ssh2 = require("ssh2"); new ssh2().exec(`ls ${req.query.dir}`, done);', 'ssh2#exec', 'req.query', {}, 'through a shell on the remote host'),
    requestInput(
      'const { SSH2Stream } = require("ssh2-streams"); new SSH2Stream().exec(false, "cat " + req.query.file);',
      'ssh2-streams.SSH2Stream#exec',
      'req.query',
      {},
      'through a shell on the remote host',
    ),
    // execa's $(options).sync and a $(options) whose template names the program.
    dataCommand('import { $ } from "execa"; $({ shell: true }).sync`${command}`;', 'execa.$'),
    programFromInput('import { $ } from "execa"; await $({ shell: false })`${req.query.tool} --help`;', 'execa.$', 'req.query'),
    // A shell named through every value a local is assigned, or a property of what a local
    // function returns; an array given one more element by concat().
    requestInput(
      'const cp = require("child_process"); let sh, flag; if (win) sh = "cmd.exe", flag = "/c"; else sh = "/bin/sh", flag = "-c"; cp.spawn(sh, [flag, req.query.cmd]);',
      'child_process.spawn',
      'req.query',
      {},
      'through `sh flag`',
    ),
    requestInput(
      'const cp = require("child_process"); function shell() { return win ? { cmd: "cmd", arg: "/c" } : { cmd: "sh", arg: "-c" }; } function getShell() { if (win) return { cmd: "cmd", arg: "/C" }; return { cmd: "sh", arg: "-c" }; } const s = getShell(); cp.spawn(s.cmd, [s.arg, req.body.line]);',
      'child_process.spawn',
      'req.body',
      {},
      'through `s.cmd s.arg`',
    ),
    requestInput(
      'const cp = require("child_process"); cp.spawn("cmd.exe", ["/c", "build"].concat(req.query.target));',
      'child_process.spawn',
      'req.query',
      {},
      'through `cmd.exe /c`',
    ),
    programFromInput('const opener = require("opener"); opener("https://example.com", { command: req.query.browser });', 'opener', 'req.query'),
    // An array filled after its declaration, a local function that builds one, async-execute, and
    // a local function returning its parameter given data.
    dataCommand('const cp = require("child_process"); const opts = { shell: true }; const arr = []; arr.push(name); cp.spawn("rm", arr, opts);', 'child_process.spawn'),
    dataCommand(
      'const cp = require("child_process"); function build(last) { const arr = ["-f"]; arr.push(last); return arr; } cp.spawn("rm", build(name), { shell: true });',
      'child_process.spawn',
    ),
    requestInput('const asyncExec = require("async-execute"); asyncExec("du -sh " + req.query.dir);', 'async-execute', 'req.query'),
    dataCommand('const cp = require("child_process"); function id(x) { return x; } cp.exec("rm -rf " + id(name));', 'child_process.exec'),
    // Checks that do not make a value harmless: an allow-list with a space or `;`, a test of
    // something else, a check the call does not sit behind, parseInt() (it reads `1;rm` as 1).
    ...[
      'const cp = require("child_process"); module.exports = (name) => { if (/^[a-z ;]+$/.test(name)) cp.exec("git checkout " + name); };',
      'const cp = require("child_process"); module.exports = (name, other) => { if (/^\\w+$/.test(other)) cp.exec("git checkout " + name); };',
      'const cp = require("child_process"); module.exports = (name) => { if (/^\\w+$/.test(name)) log(name); cp.exec("git checkout " + name); };',
      'const cp = require("child_process"); module.exports = (n) => { if (!isNaN(parseInt(n))) cp.exec("kill " + n); };',
      'const cp = require("child_process"); module.exports = (name) => { if (isSafeName(name)) cp.exec("git checkout " + name); };',
    ].map((code) => ({ ...dataCommand(code, 'child_process.exec'), options: [{ allowConstantCommands: true }] })),
    // Near misses of the local functions: one that strips a disallow-list, one that quotes only the
    // first quote, a predicate with a loose list, one that reads `arguments`, one from another
    // module; a check the name is assigned after; an `if` that logs and goes on; a local assigned
    // again with data, or inside a loop.
    ...[
      String.raw`const cp = require("child_process"); function strip(s) { return s.replace(/[;&|$]/g, ""); } module.exports = (f) => cp.exec("cat " + strip(f));`,
      String.raw`const cp = require("child_process"); function shq(s) { return "'" + s.replace(/'/, "'\\''") + "'"; } module.exports = (f) => cp.exec("cat " + shq(f));`,
      String.raw`const cp = require("child_process"); function isRef(s) { return /^[\w .;-]+$/.test(s); } module.exports = (r) => { if (!isRef(r)) throw new Error("bad"); cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); function isDb(s) { return typeof s === "string" || /^[a-z0-9_]+$/.test(s); } module.exports = (d) => { if (isDb(d)) cp.exec("dropdb " + d); };`,
      String.raw`const cp = require("child_process"); function shq(s) { arguments[0] = s + ";id"; return "'" + s.replace(/'/g, "'\\''") + "'"; } module.exports = (f) => cp.exec("cat " + shq(f));`,
      String.raw`const cp = require("child_process"); function shq(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; } shq = (s) => s; module.exports = (f) => cp.exec("cat " + shq(f));`,
      String.raw`const cp = require("child_process"); const { isRef } = require("./refs"); module.exports = (r) => { if (!isRef(r)) throw new Error("bad"); cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); function isRef(s) { return /^[\w.-]+$/.test(s); } module.exports = (r) => { if (!isRef(r)) throw new Error("bad"); r = r + process.argv[2]; cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); function isRef(s) { return /^[\w.-]+$/.test(s); } module.exports = (r) => { if (!isRef(r)) console.error("bad"); cp.exec("git show " + r); };`,
      String.raw`const cp = require("child_process"); module.exports = (t) => { var q = "'" + t.replace(/'/g, "'\\''") + "'"; var q = t; cp.exec("echo " + q); };`,
      String.raw`const cp = require("child_process"); module.exports = (ts) => { let q = "''"; for (const t of ts) { cp.exec("echo " + q); q = t; } };`,
      String.raw`const cp = require("child_process"); module.exports = (t) => { let q = "'" + t.replace(/'/g, "'\\''") + "'"; if (t.length > 9) q = t; cp.exec("echo " + q); };`,
      // Quoted, but inside double quotes or after an odd quote: the value's own quotes open it.
      String.raw`const cp = require("child_process"); module.exports = (t) => { const q = "'" + t.replace(/'/g, "'\\''") + "'"; cp.exec('echo "' + q + '"'); };`,
      String.raw`const cp = require("child_process"); module.exports = (t) => { const q = "'" + t.replace(/'/g, "'\\''") + "'"; cp.exec("echo '" + q); };`,
      String.raw`const cp = require("child_process"); module.exports = (t) => cp.exec('echo "' + "'" + t.replace(/'/g, "'\\''") + "'");`,
    ].map((code) => ({ ...dataCommand(code, 'child_process.exec'), options: [{ allowConstantCommands: true }] })),
    // The rule's defaults (and configs.strict) still report what a local function sanitizes.
    dataCommand(
      String.raw`const cp = require("child_process"); const shq = (s) => "'" + s.replace(/'/g, "'\\''") + "'"; module.exports = (msg) => cp.exec("git commit -m " + shq(msg));`,
      'child_process.exec',
    ),
    // The module kept in a local object literal.
    dataCommand('var tools = { cp: require("child_process") }; tools.cp.exec("rm -rf " + name);', 'child_process.exec'),
    // A local wrapper that passes its parameters on: judged where it is called.
    {
      ...requestInput(
        'const cp = require("child_process"); function run(file, args) { return cp.spawn(file, args); }\nrun("sh", ["-c", req.query.cmd]);\nrun("git", ["log", req.query.ref]);',
        'child_process.spawn',
        'req.query',
        {},
        'through `sh -c`',
      ),
    },
    dataCommand('const cp = require("child_process"); const start = (file, args, opts) => cp.spawn(file, args, opts); start("rm", ["-rf", dir], { shell: true });', 'child_process.spawn'),
    // An interpreter given a line of code, and a shell in a pseudo-terminal.
    requestInput('const cp = require("child_process"); cp.execFileSync("node", ["-e", req.body.snippet]);', 'child_process.execFileSync', 'req.body', {}, 'through `node -e`'),
    requestInput(
      'const cp = require("child_process"); cp.execFile(process.execPath, ["--eval", req.body.snippet], done);',
      'child_process.execFile',
      'req.body',
      {},
      'through `process.execPath --eval`',
    ),
    requestInput('import pty from "node-pty"; const term = pty.spawn("bash", [], {}); term.write(req.body.keys);', 'node-pty.spawn()#write', 'req.body', {}, 'at the prompt of a terminal running `bash`'),
    // TypeScript and JSX.
    requestInput(
      'import { exec } from "node:child_process"; const command: string = req.query.cmd as string; exec(command!, (error: Error | null) => {});',
      'child_process.exec',
      'req.query',
      typescript(),
    ),
    dataCommand('import * as cp from "node:child_process"; export const Button = () => <button onClick={() => cp.exec(command)} />;', 'child_process.exec'),
    dataCommand(
      'import { execSync } from "node:child_process"; export function Run({ cmd }: { cmd: string }) { return <pre>{execSync(cmd).toString()}</pre>; }',
      'child_process.execSync',
      typescript({ jsx: true }),
    ),
    // The execFile suggestion where it is a safe rewrite, and where it is not.
    ...REWRITABLE.map(([code, callee, file, output]) => constantCommand(code, callee, { file, output })),
    ...NOT_REWRITABLE.map((code) => constantCommand(code, 'child_process.exec')),
  ],
});
