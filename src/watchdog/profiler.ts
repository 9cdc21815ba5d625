// CPU profiles of the main thread, taken from the watchdog thread through an in-process
// inspector session (no port). The main thread must answer the inspector to start one: a thread
// inside a native call cannot, and the profile is refused after PROFILER_ANSWER_MS.
import type * as Inspector from 'node:inspector';
import { setTimeout as sleep } from 'node:timers/promises';

// A main thread running JavaScript answers within milliseconds; a starved CPU gets some slack.
const PROFILER_ANSWER_MS = 1000;
const STOP_ANSWER_MS = 5000;

/** A `.cpuprofile` document (Chrome DevTools, speedscope). */
export interface CpuProfile {
  nodes: unknown[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

type Post = (method: string, params: object, callback: (error: Error | null, result?: unknown) => void) => void;

/** Profiles the main thread for `ms` (less if `signal` aborts); rejects with a one-line reason when it cannot. */
export async function profileMainThread(ms: number, signal?: AbortSignal): Promise<CpuProfile> {
  const inspector = process.getBuiltinModule('node:inspector') as typeof Inspector;
  const session = new inspector.Session();
  session.connectToMainThread();
  try {
    await post(session, 'Profiler.enable', {}, 'enable the profiler');
    await post(session, 'Profiler.start', {}, 'start the profiler');
    await sleep(ms, undefined, signal === undefined ? {} : { signal }).catch(() => {});
    // Handing over a long profile takes the main thread a moment.
    const { profile } = (await post(session, 'Profiler.stop', {}, 'stop the profiler', STOP_ANSWER_MS)) as { profile: CpuProfile };
    return profile;
  } finally {
    session.disconnect();
  }
}

/** Posts and waits for the answer, at most `boundMs`. */
function post(session: Inspector.Session, method: string, params: object, what: string, boundMs = PROFILER_ANSWER_MS): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the main thread did not answer the inspector within ${boundMs} ms (native code?): could not ${what}`));
    }, boundMs);
    try {
      (session.post as Post).call(session, method, params, (error, result) => {
        clearTimeout(timer);
        if (error) reject(new Error(`could not ${what}: ${error.message}`));
        else resolve(result);
      });
    } catch (error) {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * How many of the profile's samples have the function at `url` named `functionName` anywhere on
 * their stack. Zero for a stall's culprit means the profile blames another function (OSR).
 */
export function samplesIn(profile: CpuProfile, functionName: string, url: string): number {
  const nodes = profile.nodes as ProfileNode[];
  const parents = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const memo = new Map<number, boolean>();
  // Iterative: a deep recursion makes a deep tree, and this thread's stack is small.
  const holds = (leaf: number): boolean => {
    const chain: number[] = [];
    const seen = new Set<number>();
    let answer = false;
    for (let id: number | undefined = leaf; id !== undefined; id = parents.get(id)) {
      const known = memo.get(id);
      if (known !== undefined) {
        answer = known;
        break;
      }
      const frame = byId.get(id)?.callFrame;
      if (frame?.functionName === functionName && frame.url === url) {
        answer = true;
        break;
      }
      // A malformed profile with a cycle ends here.
      if (seen.has(id)) break;
      seen.add(id);
      chain.push(id);
    }
    for (const id of chain) memo.set(id, answer);
    return answer;
  };
  return (profile.samples ?? []).filter((id) => holds(id)).length;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
