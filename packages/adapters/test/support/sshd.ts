/**
 * A real OpenSSH sshd for integration tests, started on 127.0.0.1 and a free
 * high port with a temporary configuration, and torn down afterwards.
 *
 * - Needs `/usr/sbin/sshd` and `ssh-keygen` (`apt-get install -y openssh-server`).
 * - As root it creates (once, idempotently) the system user `outpace-sftp` with a
 *   known password, so both password and public-key authentication are tested,
 *   and file permissions (chmod 000) really deny access. The user is left in
 *   place: parallel suites share it.
 * - Not as root it runs sshd as the current user: public-key authentication
 *   only (`passwordAuth: false`), since reading password hashes needs root.
 * - The SFTP session starts in `server.root` (`ForceCommand internal-sftp -d`),
 *   without a chroot, so remote paths are the same as local paths.
 *
 * @example
 * const sshd = await startSshd();
 * const source = createSftpFileSource({ host: sshd.host, port: sshd.port, username: sshd.username,
 *   privateKey: sshd.privateKey, hostFingerprint: sshd.hostFingerprint });
 * await sshd.writeFile('in/a.csv', 'id\n1\n');
 * await sshd.stop();
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, lchown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServiceAvailability } from './service.js';

/** Path of the OpenSSH server binary. */
export const SSHD_PATH = '/usr/sbin/sshd';
/** The test user created when running as root. */
export const SFTP_TEST_USER = 'outpace-sftp';
/** Its password (a test-only account on loopback). */
export const SFTP_TEST_PASSWORD = 'outpace-test-password-7Qx';
/** Passphrase of `encryptedKey`. */
export const SFTP_TEST_PASSPHRASE = 'outpace key passphrase';

/** Whether sshd can be started here (synchronous, for top-level gating). */
export function sshdAvailability(): ServiceAvailability {
  const missing = [SSHD_PATH, '/usr/bin/ssh-keygen'].filter((path) => !existsSync(path));
  return {
    service: 'OpenSSH sshd',
    available: missing.length === 0,
    reason: missing.length === 0 ? '' : `missing ${missing.join(', ')}`,
    enable: 'Install it with `apt-get install -y openssh-server` (no service needs to run; the tests start their own).',
  };
}

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** Extra sshd_config lines (e.g. `MaxStartups 1`). */
  extraConfig?: string[];
}

/** A running sshd. */
export interface SshdServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The user's password, or undefined when password auth is unavailable (not root). */
  readonly password: string | undefined;
  /** Unencrypted OpenSSH ed25519 private key accepted by the server. */
  readonly privateKey: string;
  /** An accepted private key encrypted with {@link SFTP_TEST_PASSPHRASE}. */
  readonly encryptedKey: { readonly privateKey: string; readonly passphrase: string };
  /** A valid private key the server does NOT accept. */
  readonly unknownPrivateKey: string;
  /** Host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`). */
  readonly hostFingerprint: string;
  /** Local path of the session's start folder (also its remote path). */
  readonly root: string;
  /** What this server can test. */
  readonly capabilities: {
    readonly passwordAuth: boolean;
    /** Permission bits deny the SFTP user (false if it is root). */
    readonly permissions: boolean;
  };
  /** Absolute path under `root` (remote and local are the same). */
  path(...segments: string[]): string;
  /** Writes a file under `root`, creating folders, owned by the SFTP user. Returns its path. */
  writeFile(relativePath: string, data: string | Uint8Array): Promise<string>;
  /** Creates a folder under `root` owned by the SFTP user. Returns its path. */
  mkdir(relativePath: string): Promise<string>;
  /** Gives a file or folder made by other means (a stream, a symlink) to the SFTP user. */
  own(relativePath: string): Promise<void>;
  /** sshd's log so far (stderr of `sshd -D -e`). */
  logs(): string;
  /** Stops sshd and removes its temporary folder. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (best effort: another process may take it before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function ensureTestUser(): { uid: number; gid: number } {
  const lookup = (): { uid: number; gid: number } | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', SFTP_TEST_USER], { stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', SFTP_TEST_USER], { stdio: ['ignore', 'pipe', 'ignore'] }));
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  let ids = lookup();
  if (ids === undefined) {
    try {
      execFileSync(
        'useradd',
        ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', SFTP_TEST_USER],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // A parallel suite may have created it first; the lookup below decides.
    }
    ids = lookup();
    if (ids === undefined) throw new Error(`Could not create the test user ${SFTP_TEST_USER} with useradd.`);
  }
  // Same password every time, so parallel suites racing here agree.
  execFileSync('chpasswd', [], {
    input: `${SFTP_TEST_USER}:${SFTP_TEST_PASSWORD}\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return ids;
}

async function keygen(path: string, passphrase: string): Promise<string> {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'outpace-test', '-f', path], {
    stdio: 'ignore',
  });
  return readFile(path, 'utf8');
}

function fingerprintOf(publicKeyPath: string): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath], { encoding: 'utf8' });
  const fingerprint = out.split(' ')[1];
  if (fingerprint === undefined || !fingerprint.startsWith('SHA256:')) {
    throw new Error(`Unexpected ssh-keygen -l output: ${out}`);
  }
  return fingerprint;
}

/**
 * Starts sshd on 127.0.0.1 and a free port. Stop it with `server.stop()` (in `afterAll`).
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdServer> {
  const root = isRoot();
  const owner = root ? ensureTestUser() : undefined;
  const username = root ? SFTP_TEST_USER : userInfo().username;

  const base = await mkdtemp(join(tmpdir(), 'outpace-sshd-'));
  await chmod(base, 0o755);
  const etc = join(base, 'etc');
  const auth = join(base, 'auth');
  const client = join(base, 'client');
  const files = join(base, 'files');
  await mkdir(etc, { mode: 0o700 });
  await mkdir(auth, { mode: 0o755 });
  await mkdir(client, { mode: 0o700 });
  await mkdir(files, { mode: 0o755 });
  if (owner) await chown(files, owner.uid, owner.gid);

  await keygen(join(etc, 'host_ed25519'), '');
  const privateKey = await keygen(join(client, 'id_ed25519'), '');
  const encrypted = await keygen(join(client, 'id_encrypted'), SFTP_TEST_PASSPHRASE);
  const unknownPrivateKey = await keygen(join(client, 'id_unknown'), '');
  const authorized = [
    await readFile(join(client, 'id_ed25519.pub'), 'utf8'),
    await readFile(join(client, 'id_encrypted.pub'), 'utf8'),
  ].join('');
  await writeFile(join(auth, 'authorized_keys'), authorized, { mode: 0o644 });
  const hostFingerprint = fingerprintOf(join(etc, 'host_ed25519.pub'));

  // sshd refuses to start without its privilege separation directory.
  if (root) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  let log = '';
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 1; attempt <= 5 && child === undefined; attempt++) {
    port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(etc, 'host_ed25519')}`,
      `PidFile ${join(etc, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(auth, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${root ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${username}`,
      'MaxAuthTries 10',
      'LogLevel VERBOSE',
      'Subsystem sftp internal-sftp',
      `ForceCommand internal-sftp -d ${files}`,
      ...(options.extraConfig ?? []),
    ].join('\n');
    const configPath = join(etc, 'sshd_config');
    await writeFile(configPath, `${config}\n`, { mode: 0o600 });
    const proc = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (chunk: string) => {
        log += chunk;
        if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (started) {
      child = proc;
    } else {
      proc.kill('SIGKILL');
      if (!log.includes('Address already in use')) {
        await rm(base, { recursive: true, force: true });
        throw new Error(`sshd did not start:\n${log}`);
      }
    }
  }
  if (child === undefined) throw new Error(`sshd found no free port:\n${log}`);
  const proc = child;

  const chownToUser = async (path: string): Promise<void> => {
    if (owner) await chown(path, owner.uid, owner.gid);
  };
  const ensureFolder = async (path: string): Promise<void> => {
    const missing: string[] = [];
    let current = path;
    while (current.startsWith(files) && current !== files && !existsSync(current)) {
      missing.unshift(current);
      current = dirname(current);
    }
    for (const folder of missing) {
      await mkdir(folder, { mode: 0o755 });
      await chownToUser(folder);
    }
  };

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    username,
    password: root ? SFTP_TEST_PASSWORD : undefined,
    privateKey,
    encryptedKey: { privateKey: encrypted, passphrase: SFTP_TEST_PASSPHRASE },
    unknownPrivateKey,
    hostFingerprint,
    root: files,
    capabilities: { passwordAuth: root, permissions: username !== 'root' },
    path: (...segments) => join(files, ...segments),
    async writeFile(relativePath, data) {
      const path = join(files, relativePath);
      await ensureFolder(dirname(path));
      await writeFile(path, data);
      await chownToUser(path);
      return path;
    },
    async mkdir(relativePath) {
      const path = join(files, relativePath);
      await ensureFolder(path);
      return path;
    },
    async own(relativePath) {
      const path = join(files, relativePath);
      if (owner) await lchown(path, owner.uid, owner.gid);
    },
    logs: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      await rm(base, { recursive: true, force: true });
    },
  };
}
