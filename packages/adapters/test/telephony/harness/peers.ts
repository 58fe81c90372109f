import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './paths.js';

/** A process started under `timeout`, whose exit code the test collects. */
export interface Peer {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (124 when `timeout` killed it) and everything it printed. */
  done: Promise<{ code: number | null; output: string }>;
  output(): string;
  stop(signal?: NodeJS.Signals): void;
}

/**
 * Starts `command args` bounded by `timeout <seconds>` (never backgrounded by the tool itself, never unbounded).
 */
export function startPeer(
  name: string,
  command: string,
  args: string[],
  options: { seconds: number; cwd?: string; env?: NodeJS.ProcessEnv },
): Peer {
  const child = spawn('timeout', ['-s', 'TERM', '-k', '5', String(options.seconds), command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, output: out }));
    child.on('error', (error) => resolve({ code: -1, output: `${out}\n${String(error)}` }));
  });
  return {
    name,
    child,
    done,
    output: () => out,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** Runs a command to completion (bounded) and returns its exit code and output. */
export async function run(command: string, args: string[], seconds = 30, cwd?: string) {
  return startPeer(command, command, args, { seconds, ...(cwd ? { cwd } : {}) }).done;
}

/** Whether an executable is on the PATH. */
export async function have(command: string): Promise<boolean> {
  const { code } = await run('sh', ['-c', `command -v ${command}`], 5);
  return code === 0;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts kamailio as the fake carrier on 127.0.0.1:`port` (fixtures/telephony/kamailio/kamailio.cfg with its port
 * replaced, so tiers running in parallel do not collide).
 */
export function startCarrier(port: number, seconds: number): Peer {
  const dir = mkdtempSync(join(tmpdir(), 'outpace-kamailio-'));
  const cfg = readFileSync(join(FIXTURES, 'kamailio', 'kamailio.cfg'), 'utf8').replaceAll('25065', String(port));
  writeFileSync(join(dir, 'kamailio.cfg'), cfg);
  const peer = startPeer(
    'kamailio',
    'kamailio',
    ['-DD', '-E', '-f', join(dir, 'kamailio.cfg'), '-P', join(dir, 'pid')],
    {
      seconds,
    },
  );
  // The configuration folder goes with the process.
  void peer.done.then(() => rmSync(dir, { recursive: true, force: true }));
  return peer;
}
