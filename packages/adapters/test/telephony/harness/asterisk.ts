import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASTERISK_ROOT, EXAMPLES, FIXTURES, PORTS } from './paths.js';
import { type Peer, run, sleep, startPeer } from './peers.js';

export const ARI = { url: `http://127.0.0.1:${PORTS.ari}`, username: 'outpace', password: 'outpace-test-secret' };

/** Why the real-Asterisk tier cannot run here, or undefined when it can. */
export function asteriskUnavailable(): string | undefined {
  const skipped = `${ASTERISK_ROOT}.skipped`;
  if (existsSync(skipped)) return `setup skipped it: ${readFileSync(skipped, 'utf8').trim()}`;
  if (!existsSync(join(ASTERISK_ROOT, 'usr/sbin/asterisk')) || !existsSync(join(ASTERISK_ROOT, '.outpace-ready'))) {
    return `no Asterisk folder at ${ASTERISK_ROOT}; run scripts/telephony/ci-setup.sh (needs root and Debian's mirror)`;
  }
  if (process.getuid?.() !== 0) return 'chroot needs root';
  return undefined;
}

async function mounted(path: string): Promise<boolean> {
  return (await run('mountpoint', ['-q', path], 5)).code === 0;
}

/** Writes the test configuration into the folder. */
export function installConfig(): void {
  const etc = join(ASTERISK_ROOT, 'etc/asterisk');
  for (const f of ['asterisk.conf', 'modules.conf', 'http.conf', 'ari.conf', 'rtp.conf', 'logger.conf', 'pjsip.conf']) {
    copyFileSync(join(FIXTURES, 'asterisk', f), join(etc, f));
  }
  writeFileSync(
    join(etc, 'extensions.conf'),
    `${readFileSync(join(EXAMPLES, 'extensions.conf'), 'utf8')}\n${readFileSync(join(FIXTURES, 'asterisk', 'extensions-test.conf'), 'utf8')}`,
  );
  for (const f of ['manager.conf', 'iax.conf', 'sip.conf']) writeFileSync(join(etc, f), '');
  const sounds = join(ASTERISK_ROOT, 'usr/share/asterisk/sounds/custom');
  mkdirSync(sounds, { recursive: true });
  copyFileSync(join(FIXTURES, 'audio', 'outpace-abandon.wav'), join(sounds, 'outpace-abandon.wav'));
}

/** A running Asterisk in the folder. */
export interface AsteriskProcess {
  peer: Peer;
  stop(): Promise<number | null>;
}

/** Starts Asterisk (bounded by `seconds`) and waits until ARI answers. */
export async function startAsterisk(seconds = 600): Promise<AsteriskProcess> {
  for (const [fs, target, args] of [
    ['proc', 'proc', ['-t', 'proc', 'proc']],
    ['dev', 'dev', ['--bind', '/dev']],
  ] as const) {
    const path = join(ASTERISK_ROOT, target);
    if (!(await mounted(path))) {
      const r = await run('mount', [...args, path], 10);
      if (r.code !== 0) throw new Error(`mount ${fs} in ${ASTERISK_ROOT} failed: ${r.output}`);
    }
  }
  await run('rm', ['-f', join(ASTERISK_ROOT, 'var/run/asterisk/asterisk.ctl')], 5);
  const peer = startPeer(
    'asterisk',
    'chroot',
    [ASTERISK_ROOT, 'asterisk', '-f', '-n', '-vvv', '-C', '/etc/asterisk/asterisk.conf'],
    {
      seconds,
    },
  );
  const auth = `Basic ${Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64')}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (peer.child.exitCode !== null)
      throw new Error(`Asterisk exited early (${peer.child.exitCode}): ${peer.output()}`);
    try {
      const r = await fetch(`${ARI.url}/ari/asterisk/info`, { headers: { authorization: auth } });
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      peer.stop('SIGKILL');
      throw new Error(`ARI did not answer within 30 s: ${peer.output()}`);
    }
    await sleep(200);
  }
  // PJSIP loads after HTTP; wait until the carrier endpoint exists.
  for (let i = 0; i < 50; i++) {
    const r = await run('chroot', [ASTERISK_ROOT, 'asterisk', '-rx', 'pjsip show endpoint carrier'], 10);
    if (r.code === 0 && r.output.includes('carrier')) break;
    await sleep(200);
  }
  return {
    peer,
    async stop() {
      await run('chroot', [ASTERISK_ROOT, 'asterisk', '-rx', 'core stop now'], 15);
      const killer = setTimeout(() => peer.stop('SIGKILL'), 10_000);
      const { code } = await peer.done;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Unmounts what startAsterisk mounted. */
export async function unmountAll(): Promise<void> {
  for (const target of ['dev', 'proc']) {
    const path = join(ASTERISK_ROOT, target);
    if (await mounted(path)) await run('umount', ['-l', path], 10);
  }
}
