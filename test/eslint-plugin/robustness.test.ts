// Every bastion rule over thousands of real third-party files (the project's node_modules): no rule
// may throw, whatever the code. The findings are counted and printed, not asserted: they are real
// code, and judging them is a review task (bench/lint writes the full list).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import bastion from 'generator-bastion/eslint-plugin';
import { countByRule, lintTree, listTreeFiles, loadTreeFiles } from './helpers/real-tree.ts';

// The test skips the few bundles over 1 MB (typescript's own compiler is 15 MB on its own and would
// double the run time); `npm run bench:lint` lints the whole tree, those included.
const MAX_FILE_BYTES = 1_000_000;

test('no bastion rule crashes on the real code under node_modules', { timeout: 10 * 60_000 }, () => {
  const paths = listTreeFiles().filter((path) => statSync(path).size <= MAX_FILE_BYTES);
  const rules = Object.fromEntries(Object.keys(bastion.rules).map((name) => [`bastion/${name}`, 'error' as const]));
  const report = lintTree(loadTreeFiles(paths), [{ plugins: { bastion }, rules }]);

  console.log(
    `${paths.length} files: ${report.filesLinted} linted, ${report.parseFailures.length} not parseable, ` +
      `${report.crashes.length} rule crashes; findings per rule: ${JSON.stringify(countByRule(report.findings))}`,
  );
  for (const crash of report.crashes) console.log(`CRASH ${crash.ruleId} in ${crash.file}: ${crash.code}\n${crash.stack}`);

  assert.ok(paths.length > 1000, `expected a large tree, found ${paths.length} files`);
  assert.deepEqual(report.crashes.map((crash) => `${crash.ruleId} ${crash.file}`), []);
  // A handful of files use syntax no parser setting accepts; many failures mean a broken setup.
  assert.ok(report.parseFailures.length <= paths.length / 100, report.parseFailures.join('\n'));
});
