// Whether a generator may ask questions. A prompt without a terminal either fails (stdin at EOF) or
// waits forever (an open pipe), so it asks only on a TTY, outside CI, and without --yes.
export function isInteractive(yes: unknown, stdin: { isTTY?: boolean } = process.stdin, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'] !== undefined && !['', '0', 'false'].includes(env['CI'].toLowerCase());
  return yes !== true && stdin.isTTY === true && !ci;
}
