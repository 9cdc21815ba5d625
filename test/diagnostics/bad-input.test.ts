// Every way a dump or a profile can be unusable: exit code 1 and one line on stderr that names
// the file and says what is wrong, with nothing written and nothing hanging.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bastion, makeRealStall, writeInput } from './helpers.ts';
import type { RealStall } from './helpers.ts';

let stall: RealStall;
let scratch: string;
before(async () => {
  stall = await makeRealStall();
  scratch = mkdtempSync(join(tmpdir(), 'bastion-report-bad-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the report (text and HTML) and checks the one-line error that names `file`. */
function assertRejected(args: string[], file: string, problem: RegExp): void {
  for (const extra of [[], ['--html', join(scratch, 'page.html')]]) {
    const { code, stdout, stderr } = bastion(['report', ...args, ...extra]);
    const command = `bastion report ${[...args, ...extra].join(' ')}`;
    assert.equal(code, 1, `${command}: ${stderr}`);
    assert.equal(stdout, '', command);
    assert.match(stderr, /^bastion report: [^\n]+\n$/, `one line for ${command}: ${JSON.stringify(stderr)}`);
    assert.ok(stderr.startsWith(`bastion report: ${file}: `), `names ${file}: ${stderr}`);
    assert.match(stderr.trimEnd(), problem, command);
    assert.ok(!existsSync(join(scratch, 'page.html')), `no page written by ${command}`);
  }
}

/** The real dump's fields, its profile left out. */
function stallFields(): Record<string, unknown> {
  const dump = structuredClone(stall.dump) as unknown as Record<string, unknown>;
  delete dump['profile'];
  return dump;
}

/** A well-formed worker thread entry. */
function thread(): Record<string, unknown> {
  return { threadId: 1, name: 'pool', stackStatus: 'captured', stack: [{ functionName: 'spin', url: 'file:///w.js', line: 1, column: 1 }] };
}

/** The real dump with `change` applied to a copy, written to a new file. */
function changedDump(name: string, change: (dump: Record<string, unknown>) => void): string {
  const dump = stallFields();
  change(dump);
  return writeInput(scratch, name, dump);
}

describe('a dump that cannot be used', () => {
  test('a missing file', () => {
    const file = join(scratch, 'nope.json');
    assertRejected([file], file, /cannot read the stall dump: no such file$/);
  });

  test('a directory', () => {
    const dir = join(scratch, 'a-dir.json');
    mkdirSync(dir);
    assertRejected([dir], dir, /is a directory, not a stall dump$/);
  });

  test('an empty file', () => {
    const file = writeInput(scratch, 'empty.json', '');
    assertRejected([file], file, /is empty, not a stall dump$/);
  });

  test('a truncated dump', () => {
    const text = readFileSync(stall.dumpPath, 'utf8');
    const file = writeInput(scratch, 'truncated.json', text.slice(0, text.length / 2));
    assertRejected([file], file, /is not valid JSON \(truncated or corrupt\?\): /);
  });

  test('text that is not JSON, whose quoted content stays out of the message', () => {
    const file = writeInput(scratch, 'text.json', 'stack:\n  at spin\n');
    assertRejected([file], file, /is not valid JSON \(truncated or corrupt\?\): Unexpected token/);
  });

  test('a huge file is refused from its size, without reading it', () => {
    const file = writeInput(scratch, 'huge.json', '{');
    truncateSync(file, 17 * 1024 * 1024);
    assertRejected([file], file, /is 17\.0 MiB, more than a stall dump can be \(16\.0 MiB\)$/);
  });

  test('a FIFO is refused rather than read forever', () => {
    const fifo = join(scratch, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    // Opening a FIFO for reading waits for a writer: the open must not be where it blocks.
    assertRejected([fifo], fifo, /is not a regular file, so not a stall dump$/);
  });

  const shapes: [string, unknown, RegExp][] = [
    ['an array', [1, 2], /is not a stall dump: the document must be an object, not an array$/],
    ['a string', 'stall', /the document must be an object, not a string$/],
    ['another kind of document', { kind: 'heap' }, /kind must be "stall" or "on-demand", not a string$/],
  ];
  for (const [what, value, problem] of shapes) {
    test(`JSON of the wrong shape: ${what}`, () => {
      const file = writeInput(scratch, `shape-${what.replace(/\W/g, '-')}.json`, JSON.stringify(value));
      assertRejected([file], file, problem);
    });
  }

  const changes: [string, (dump: Record<string, unknown>) => void, RegExp][] = [
    ['no stack', (dump) => delete dump['stack'], /is not a stall dump: stack is missing$/],
    ['no pid', (dump) => delete dump['pid'], /pid is missing$/],
    ['a null memory', (dump) => (dump['memory'] = null), /memory is missing$/],
    ['a line that is a string', (dump) => ((dump['stack'] as Record<string, unknown>[])[0]!['line'] = '13'), /stack\[0\]\.line must be an integer, not a string$/],
    ['a frame that is not an object', (dump) => ((dump['stack'] as unknown[])[1] = 'at x'), /stack\[1\] must be an object, not a string$/],
    ['an unknown stack status', (dump) => (dump['stackStatus'] = 'paused'), /stackStatus must be "captured" or "native" or "unavailable", not a string$/],
    ['a newer schema', (dump) => (dump['schemaVersion'] = 2), /schemaVersion must be 1, not 2$/],
    ['a profile named by path', (dump) => (dump['profile'] = '../../etc/passwd'), /profile must be a file name in the dump's directory$/],
    ['a profile that is not a string', (dump) => (dump['profile'] = 7), /profile must be a string, not 7$/],
    ['kind on-demand but no idle', (dump) => (dump['kind'] = 'on-demand'), /is not a stall dump: idle is missing$/],
    ['an idle that is not a boolean', (dump) => Object.assign(dump, { kind: 'on-demand', idle: 'yes' }), /idle must be true or false, not a string$/],
    ['a profile warning that is not a string', (dump) => (dump['profileWarning'] = { text: 'x' }), /profileWarning must be a string, not an object$/],
    ['threads that are not an array', (dump) => (dump['threads'] = { 1: 'spinner' }), /threads must be an array, not an object$/],
    ['a thread that is not an object', (dump) => (dump['threads'] = ['thread 1']), /threads\[0\] must be an object, not a string$/],
    ['a thread id that is a string', (dump) => (dump['threads'] = [thread(), { ...thread(), threadId: '2' }]), /threads\[1\]\.threadId must be an integer, not a string$/],
    ['a thread without a name', (dump) => (dump['threads'] = [{ ...thread(), name: undefined }]), /threads\[0\]\.name is missing$/],
    ['a thread stack status of the main thread', (dump) => (dump['threads'] = [{ ...thread(), stackStatus: 'native' }]), /threads\[0\]\.stackStatus must be "captured" or "unavailable", not a string$/],
    ['a thread frame without a line', (dump) => (dump['threads'] = [{ ...thread(), stack: [{ functionName: 'spin', url: 'file:///w.js', column: 1 }] }]), /threads\[0\]\.stack\[0\]\.line is missing$/],
    ['a threads error that is a number', (dump) => (dump['threadsError'] = 3), /threadsError must be a string, not 3$/],
  ];
  for (const [what, change, problem] of changes) {
    test(`a dump with ${what}`, () => {
      const file = changedDump(`${what.replace(/\W/g, '-')}.json`, change);
      assertRejected([file], file, problem);
    });
  }

  test('a file name with a newline in it is still one line', () => {
    const file = join(scratch, 'two\nlines.json');
    assertRejected([file], file.replace('\n', '\\u000a'), /no such file$/);
  });
});

describe('a profile that cannot be used', () => {
  const profile = () => JSON.parse(readFileSync(stall.profilePath, 'utf8')) as { [key: string]: unknown; nodes: Record<string, unknown>[]; samples: number[] };

  test('named by the dump but missing', () => {
    const dir = mkdtempSync(join(scratch, 'lost-'));
    const file = writeInput(dir, 'stall.json', { ...stall.dump, profile: 'stall.cpuprofile' });
    assertRejected([file], join(dir, 'stall.cpuprofile'), /cannot read the CPU profile: no such file$/);
    const { code, stdout } = bastion(['report', file, '--no-profile']);
    assert.equal(code, 0, '--no-profile shows the dump without it');
    assert.match(stdout, /^Culprit {2}spinForAWhile /m);
    assert.doesNotMatch(stdout, /CPU profile/);
  });

  test('given with --profile but missing, empty, a directory, or truncated', () => {
    const missing = join(scratch, 'none.cpuprofile');
    assertRejected([stall.dumpPath, '--profile', missing], missing, /no such file$/);
    const empty = writeInput(scratch, 'empty.cpuprofile', '');
    assertRejected([stall.dumpPath, '--profile', empty], empty, /is empty, not a CPU profile$/);
    assertRejected([stall.dumpPath, '--profile', scratch], scratch, /is a directory, not a CPU profile$/);
    const text = readFileSync(stall.profilePath, 'utf8');
    const truncated = writeInput(scratch, 'truncated.cpuprofile', text.slice(0, text.length - 10));
    assertRejected([stall.dumpPath, '--profile', truncated], truncated, /is not valid JSON/);
  });

  const changes: [string, (value: ReturnType<typeof profile>) => void, RegExp][] = [
    ['no nodes', (value) => delete (value as Record<string, unknown>)['nodes'], /is not a CPU profile: nodes is missing$/],
    ['a node without a call frame', (value) => delete value.nodes[1]!['callFrame'], /nodes\[1\]\.callFrame is missing$/],
    ['a sample of a node that does not exist', (value) => (value.samples[3] = 999_999_999), /samples\[3\] names node 999999999, which is not in nodes$/],
    ['a missing child', (value) => (value.nodes[0]!['children'] = [999_999_999]), /has child 999999999, which is not in nodes$/],
    ['a repeated node id', (value) => (value.nodes[2]!['id'] = value.nodes[1]!['id']), /nodes\[2\]\.id \d+ is used twice$/],
    ['a cycle', (value) => (value.nodes[1]!['children'] = [value.nodes[0]!['id']]), /more than one parent|one root, found 0$/],
    ['fewer time deltas than samples', (value) => (value['timeDeltas'] = []), /samples has \d+ entries but timeDeltas has 0$/],
  ];
  for (const [what, change, problem] of changes) {
    test(`a profile with ${what}`, () => {
      const value = profile();
      change(value);
      const file = writeInput(scratch, `${what.replace(/\W/g, '-')}.cpuprofile`, value);
      assertRejected([stall.dumpPath, '--profile', file], file, problem);
    });
  }
});

describe('usage', () => {
  test('bastion report --help documents the command, and the main usage lists it', () => {
    const help = bastion(['report', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: bastion report <dump\.json> \[--html <file>\] \[--profile <file\.cpuprofile> \| --no-profile\]\n/);
    assert.match(help.stdout, /culprit/);
    assert.match(bastion(['--help']).stdout, /^ {2}report <dump> +show a stall dump/m);
  });

  test('no dump, two dumps, or an option without its value: exit 1 and the reason', () => {
    for (const [args, message] of [
      [['report'], /^bastion report: needs a dump file\n/],
      [['report', 'a.json', 'b.json'], /^bastion report: takes one dump file\n/],
      [['report', 'a.json', '--html'], /^bastion: Option '--html <value>' argument missing\n/],
      [['report', 'a.json', '--pdf', 'x'], /^bastion: Unknown option '--pdf'/],
      [['report', 'a.json', '--profile', 'p.cpuprofile', '--no-profile'], /^bastion report: --profile and --no-profile exclude each other\n$/],
    ] as const) {
      const { code, stderr } = bastion([...args]);
      assert.equal(code, 1, args.join(' '));
      assert.match(stderr, message);
    }
  });

  test('the page never overwrites the dump or the profile', () => {
    for (const input of [stall.dumpPath, stall.profilePath]) {
      const before = readFileSync(input, 'utf8');
      const { code, stderr } = bastion(['report', stall.dumpPath, '--html', input]);
      assert.equal(code, 1);
      assert.equal(stderr, `bastion report: ${input}: is an input of this report; choose another file for the page\n`);
      assert.equal(readFileSync(input, 'utf8'), before);
    }
  });

  test('a page that cannot be written is one line naming it', () => {
    const page = join(scratch, 'no-such-dir', 'page.html');
    const { code, stderr } = bastion(['report', stall.dumpPath, '--html', page]);
    assert.equal(code, 1);
    assert.equal(stderr, `bastion report: ${page}: cannot write the page: ENOENT\n`);
  });
});
