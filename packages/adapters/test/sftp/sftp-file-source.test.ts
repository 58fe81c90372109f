import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import type { FileNameRule, Logger } from '@outpace/core';
import { isOutpaceError, noopLogger } from '@outpace/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSftpFileSource,
  probeSftpHostKey,
  type SftpFileSource,
  type SftpFileSourceOptions,
} from '../../src/sftp/index.js';
import { describeWithService } from '../support/service.js';
import { freePort, type SshdServer, sshdAvailability, startSshd } from '../support/sshd.js';
import { startFaultProxy } from './fault-proxy.js';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(Error);
  expect(isOutpaceError(error) ? error.code : (error as Error).message).toBe(code);
  return error as Error;
}

function recordingLogger(): Logger & { lines: { level: string; message: string; fields: unknown }[] } {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const make = (bindings: Record<string, unknown>): Logger => ({
    debug: (message, fields) => lines.push({ level: 'debug', message, fields: { ...bindings, ...fields } }),
    info: (message, fields) => lines.push({ level: 'info', message, fields: { ...bindings, ...fields } }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields: { ...bindings, ...fields } }),
    error: (message, fields) => lines.push({ level: 'error', message, fields: { ...bindings, ...fields } }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return Object.assign(make({}), { lines });
}

describeWithService(sshdAvailability(), 'SFTP file source against a real OpenSSH sshd', () => {
  let sshd: SshdServer;
  const sources: SftpFileSource[] = [];
  const fastRetry = { retries: 2, minDelayMs: 10, maxDelayMs: 40 };

  /** Opens a source on the test sshd; an override set to undefined removes that option. */
  const open = (overrides: { [K in keyof SftpFileSourceOptions]?: SftpFileSourceOptions[K] | undefined } = {}) => {
    const merged: Record<string, unknown> = {
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostFingerprint: sshd.hostFingerprint,
      retry: fastRetry,
      ...overrides,
    };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const source = createSftpFileSource(merged as unknown as SftpFileSourceOptions);
    sources.push(source);
    return source;
  };

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await Promise.all(sources.map((source) => source.close()));
    await sshd?.stop();
  });

  describe('list', () => {
    let source: SftpFileSource;
    beforeAll(async () => {
      source = open();
      await sshd.writeFile('inbox/contacts_2026-01-01.csv', 'id\n1\n');
      await sshd.writeFile('inbox/contacts_2026-01-02.CSV', 'id\n2\n22\n');
      await sshd.writeFile('inbox/dnc_list.txt', '+15550100\n');
      await sshd.writeFile('inbox/README', 'read me');
      await sshd.writeFile('inbox/report.csv.gz', 'gz');
      await sshd.writeFile('inbox/.upload.abc123.outpace-part', 'partial');
      await sshd.mkdir('inbox/contacts_folder.csv');
      await symlink(sshd.path('inbox/README'), sshd.path('inbox/linked.csv'));
      await sshd.own('inbox/linked.csv');
    });

    const names = async (rule?: FileNameRule) => (await source.list(sshd.path('inbox'), rule)).map((f) => f.name);

    it('lists regular files (and links to files) sorted by name, skipping folders and partial uploads', async () => {
      expect(await names()).toEqual([
        'README',
        'contacts_2026-01-01.csv',
        'contacts_2026-01-02.CSV',
        'dnc_list.txt',
        'linked.csv',
        'report.csv.gz',
      ]);
    });

    it('reports path, size and modification time', async () => {
      const [file] = await source.list(sshd.path('inbox'), { operation: 'equals', pattern: 'contacts_2026-01-02.CSV' });
      const local = await stat(sshd.path('inbox/contacts_2026-01-02.CSV'));
      expect(file).toEqual({
        name: 'contacts_2026-01-02.CSV',
        path: sshd.path('inbox/contacts_2026-01-02.CSV'),
        size: local.size,
        modifiedAt: Math.floor(local.mtimeMs / 1000) * 1000,
      });
    });

    it.each<[FileNameRule, string[]]>([
      [{ operation: 'startsWith', pattern: 'contacts_' }, ['contacts_2026-01-01.csv', 'contacts_2026-01-02.CSV']],
      [{ operation: 'startsWith', pattern: 'CONTACTS_', caseSensitive: true }, []],
      [
        { operation: 'endsWith', pattern: '.csv' },
        ['contacts_2026-01-01.csv', 'contacts_2026-01-02.CSV', 'linked.csv'],
      ],
      [{ operation: 'endsWith', pattern: '.csv', caseSensitive: true }, ['contacts_2026-01-01.csv', 'linked.csv']],
      [{ operation: 'contains', pattern: '_LIST' }, ['dnc_list.txt']],
      [{ operation: 'equals', pattern: 'readme' }, ['README']],
      [{ operation: 'equals', pattern: 'readme', caseSensitive: true }, []],
      [
        { operation: 'glob', pattern: 'contacts_2026-01-0?.csv' },
        ['contacts_2026-01-01.csv', 'contacts_2026-01-02.CSV'],
      ],
      [{ operation: 'glob', pattern: '*.gz' }, ['report.csv.gz']],
      [{ operation: 'glob', pattern: 'r*' }, ['README', 'report.csv.gz']],
    ])('filters with %j', async (rule, expected) => {
      expect(await names(rule)).toEqual(expected);
    });

    it('rejects a malformed rule with VALIDATION_FAILED naming the field', async () => {
      const error = await expectCode(
        source.list(sshd.path('inbox'), { operation: 'regex' as 'glob', pattern: '.*' }),
        'VALIDATION_FAILED',
      );
      expect(error.message).toContain('rule.operation');
    });

    it('fails with ADAPTER_SFTP_NOT_FOUND for a missing folder', async () => {
      const error = await expectCode(source.list(sshd.path('no-such-folder')), 'ADAPTER_SFTP_NOT_FOUND');
      expect(error.message).toContain('no-such-folder');
    });
  });

  describe('read, write, move, delete', () => {
    let source: SftpFileSource;
    beforeAll(() => {
      source = open();
    });

    it('streams a file', async () => {
      const path = await sshd.writeFile('rw/hello.csv', 'id,phone\n1,+15550100\n');
      expect(await text(await source.read(path))).toBe('id,phone\n1,+15550100\n');
    });

    it('reads an empty file', async () => {
      const path = await sshd.writeFile('rw/empty.csv', '');
      expect(await text(await source.read(path))).toBe('');
    });

    it('fails with ADAPTER_SFTP_NOT_FOUND for a missing file', async () => {
      await expectCode(source.read(sshd.path('rw/missing.csv')), 'ADAPTER_SFTP_NOT_FOUND');
      expect(await source.stat(sshd.path('rw/missing.csv'))).toBeUndefined();
    });

    it('writes under a temporary name, then renames into place', async () => {
      const target = sshd.path('rw/out/export.csv');
      let sawPartial: string[] = [];
      async function* rows() {
        yield Buffer.from('id,phone\n');
        for (let i = 0; i < 2000; i++) {
          if (i === 1000) {
            // Mid-upload: the target does not exist yet, only a hidden partial file.
            sawPartial = await readdir(sshd.path('rw/out'));
            expect(existsSync(target)).toBe(false);
          }
          yield Buffer.from(`${i},+1555${String(i).padStart(7, '0')}\n`.repeat(50));
        }
      }
      await source.write(target, rows());
      expect(sawPartial).toHaveLength(1);
      expect(sawPartial[0]).toMatch(/^\.export\.csv\.[0-9a-f]{12}\.outpace-part$/);
      const written = await readFile(target, 'utf8');
      expect(written.startsWith('id,phone\n0,+15550000000\n')).toBe(true);
      expect(written.split('\n')).toHaveLength(2000 * 50 + 2);
      expect(await readdir(sshd.path('rw/out'))).toEqual(['export.csv']);
      // The file source lists it like any other file.
      expect((await source.stat(target))?.size).toBe(Buffer.byteLength(written));
    });

    it('replaces an existing file atomically', async () => {
      const path = await sshd.writeFile('rw/replace.csv', 'old');
      await source.write(path, Readable.from([Buffer.from('new content')]));
      expect(await readFile(path, 'utf8')).toBe('new content');
    });

    it('leaves nothing behind when the data stream fails', async () => {
      await sshd.mkdir('rw/broken');
      async function* failing() {
        yield Buffer.from('a,b\n');
        throw new Error('export query failed');
      }
      await expect(source.write(sshd.path('rw/broken/x.csv'), failing())).rejects.toThrow('export query failed');
      expect(await readdir(sshd.path('rw/broken'))).toEqual([]);
    });

    it('moves a file into an archive folder it creates', async () => {
      const from = await sshd.writeFile('rw/in/today.csv', 'data');
      await source.move(from, sshd.path('rw/archive/2026/today.csv'));
      expect(existsSync(from)).toBe(false);
      expect(await readFile(sshd.path('rw/archive/2026/today.csv'), 'utf8')).toBe('data');
    });

    it('refuses to move onto an existing file unless told to overwrite', async () => {
      const from = await sshd.writeFile('rw/in/dup.csv', 'second');
      const to = await sshd.writeFile('rw/archive/dup.csv', 'first');
      await expectCode(source.move(from, to), 'ADAPTER_SFTP_ALREADY_EXISTS');
      expect(await readFile(to, 'utf8')).toBe('first');
      await source.move(from, to, { overwrite: true });
      expect(await readFile(to, 'utf8')).toBe('second');
      expect(existsSync(from)).toBe(false);
    });

    it('fails with ADAPTER_SFTP_NOT_FOUND when moving a missing file', async () => {
      await expectCode(
        source.move(sshd.path('rw/in/nope.csv'), sshd.path('rw/archive/nope.csv')),
        'ADAPTER_SFTP_NOT_FOUND',
      );
    });

    it('deletes a file, and reports a missing one', async () => {
      const path = await sshd.writeFile('rw/delete-me.csv', 'x');
      await source.remove(path);
      expect(existsSync(path)).toBe(false);
      await expectCode(source.remove(path), 'ADAPTER_SFTP_NOT_FOUND');
    });

    it('rejects an empty path with VALIDATION_FAILED', async () => {
      await expectCode(source.read(''), 'VALIDATION_FAILED');
    });
  });

  describe('permissions and disk full', () => {
    it('reports ADAPTER_SFTP_PERMISSION_DENIED for an unreadable file and folder', async (ctx) => {
      if (!sshd.capabilities.permissions) ctx.skip(); // as root, permission bits deny nothing
      const source = open();
      const file = await sshd.writeFile('perm/secret.csv', 'x');
      await chmod(file, 0o000);
      const error = await expectCode(source.read(file), 'ADAPTER_SFTP_PERMISSION_DENIED');
      expect(error.message).toContain('secret.csv');
      const folder = await sshd.mkdir('perm/locked');
      await chmod(folder, 0o000);
      await expectCode(source.list(folder), 'ADAPTER_SFTP_PERMISSION_DENIED');
      const readOnly = await sshd.mkdir('perm/read-only');
      await chmod(readOnly, 0o555);
      await expectCode(source.write(`${readOnly}/x.csv`, Readable.from(['x'])), 'ADAPTER_SFTP_PERMISSION_DENIED');
    });

    it('reports ADAPTER_SFTP_DISK_FULL when the server cannot store the data (SSH_FX_FAILURE on write)', async () => {
      // /dev/full fails every write with ENOSPC, which OpenSSH reports as SSH_FX_FAILURE.
      await sshd.mkdir('full');
      await symlink('/dev/full', sshd.path('full/export.csv'));
      await sshd.own('full/export.csv');
      const source = open({ atomicWrites: false });
      const error = await expectCode(
        source.write(sshd.path('full/export.csv'), Readable.from([Buffer.alloc(200_000, 65)])),
        'ADAPTER_SFTP_DISK_FULL',
      );
      expect(error.message).toMatch(/disk is full|quota/);
    });
  });

  describe('authentication and host keys', () => {
    it('logs in with a password', async (ctx) => {
      if (sshd.password === undefined) ctx.skip(); // password auth needs root to read password hashes
      const source = open({ privateKey: undefined, password: sshd.password as string });
      expect((await source.checkConnection()).home).toBe(sshd.root);
    });

    it('logs in with an encrypted key and its passphrase', async () => {
      const source = open({ privateKey: sshd.encryptedKey.privateKey, passphrase: sshd.encryptedKey.passphrase });
      expect(await source.checkConnection()).toEqual({ fingerprint: sshd.hostFingerprint, home: sshd.root });
    });

    it('fails with ADAPTER_SFTP_AUTH_FAILED on a wrong password, without retrying or revealing it', async (ctx) => {
      if (sshd.password === undefined) ctx.skip();
      const logger = recordingLogger();
      const source = open({ privateKey: undefined, password: 'Wrong-Pa55word!', logger });
      const error = await expectCode(source.list('.'), 'ADAPTER_SFTP_AUTH_FAILED');
      expect(error.message).toContain(sshd.username);
      const serialized = JSON.stringify({ message: error.message, details: (error as { details?: unknown }).details });
      expect(serialized).not.toContain('Wrong-Pa55word!');
      expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
      expect(JSON.stringify(logger.lines)).not.toContain('Wrong-Pa55word!');
    });

    it('fails with ADAPTER_SFTP_AUTH_FAILED on a key the server does not accept', async () => {
      const source = open({ privateKey: sshd.unknownPrivateKey });
      const error = await expectCode(source.list('.'), 'ADAPTER_SFTP_AUTH_FAILED');
      expect(error.message).not.toContain('PRIVATE KEY');
    });

    it('fails with ADAPTER_SFTP_KEY_INVALID for an encrypted key without or with a wrong passphrase', async () => {
      await expectCode(open({ privateKey: sshd.encryptedKey.privateKey }).list('.'), 'ADAPTER_SFTP_KEY_INVALID');
      await expectCode(
        open({ privateKey: sshd.encryptedKey.privateKey, passphrase: 'not it' }).list('.'),
        'ADAPTER_SFTP_KEY_INVALID',
      );
    });

    it('refuses a server whose host key does not match the pin, naming both fingerprints', async () => {
      const other = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const error = await expectCode(open({ hostFingerprint: other }).list('.'), 'ADAPTER_SFTP_HOST_KEY_MISMATCH');
      expect(error.message).toContain(other);
      expect(error.message).toContain(sshd.hostFingerprint);
    });

    it('accepts any of several pinned fingerprints (key rotation)', async () => {
      const other = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const source = open({ hostFingerprint: [other, sshd.hostFingerprint] });
      expect((await source.checkConnection()).fingerprint).toBe(sshd.hostFingerprint);
    });

    it('probes the host key fingerprint without logging in', async () => {
      expect(await probeSftpHostKey({ host: sshd.host, port: sshd.port })).toEqual({
        fingerprint: sshd.hostFingerprint,
        keyType: 'ssh-ed25519',
      });
    });
  });

  describe('connections', () => {
    it('connects lazily and reports an unreachable host after retrying with backoff', async () => {
      const port = await freePort(); // nothing listens there
      const logger = recordingLogger();
      const source = open({ port, logger });
      const error = await expectCode(source.list('.'), 'ADAPTER_SFTP_UNREACHABLE');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('refused');
      const retries = logger.lines.filter((line) => line.message === 'sftp connect failed, retrying');
      expect(retries.map((line) => (line.fields as { attempt: number }).attempt)).toEqual([1, 2]);
    });

    it('times out a server that never answers the handshake', async () => {
      const sockets: import('node:net').Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const source = open({ port, connectTimeoutMs: 300, retry: { retries: 0 } });
        const started = Date.now();
        const error = await expectCode(source.list('.'), 'ADAPTER_SFTP_UNREACHABLE');
        expect(error.message).toContain('300 ms');
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('retries connection establishment when the first attempts are dropped', async () => {
      const proxy = await startFaultProxy({ targetPort: sshd.port, dropFirst: 2 });
      try {
        const source = open({ port: proxy.port });
        expect((await source.checkConnection()).home).toBe(sshd.root);
        expect(proxy.connections).toBe(3);
      } finally {
        await proxy.stop();
      }
    });

    it('shares one connection, and closes it after the idle timeout', async () => {
      const proxy = await startFaultProxy({ targetPort: sshd.port });
      try {
        const shared = open({ port: proxy.port, idleTimeoutMs: 0 });
        await Promise.all([shared.list('.'), shared.list('.'), shared.stat('.')]);
        await shared.list('.');
        expect(proxy.connections).toBe(1);
        const idle = open({ port: proxy.port, idleTimeoutMs: 100 });
        await idle.list('.');
        await new Promise((resolve) => setTimeout(resolve, 400));
        await idle.list('.');
        expect(proxy.connections).toBe(3);
      } finally {
        await proxy.stop();
      }
    });

    it('closes idempotently and refuses work afterwards with ADAPTER_SFTP_CLOSED', async () => {
      const source = open();
      await source.list('.');
      await source.close();
      await source.close();
      await expectCode(source.list('.'), 'ADAPTER_SFTP_CLOSED');
    });
  });

  describe('options', () => {
    it('requires a pinned host key or an explicit opt-out', () => {
      expect(() =>
        createSftpFileSource({ host: 'h', username: 'u', password: 'secret-value', logger: noopLogger }),
      ).toThrow(/hostFingerprint/);
    });

    it('names bad options without echoing secrets', () => {
      let caught: unknown;
      try {
        createSftpFileSource({
          host: '',
          port: 70_000,
          username: 'u',
          password: 'secret-value',
          hostFingerprint: 'MD5:aa:bb',
        });
      } catch (error) {
        caught = error;
      }
      expect(isOutpaceError(caught, 'ADAPTER_SFTP_OPTIONS_INVALID')).toBe(true);
      const message = (caught as Error).message;
      expect(message).toContain('host');
      expect(message).toContain('port');
      expect(message).toContain('hostFingerprint');
      expect(message).not.toContain('secret-value');
    });

    it('requires credentials', () => {
      expect(() => createSftpFileSource({ host: 'h', username: 'u', acceptAnyHostKey: true })).toThrow(
        /password or a privateKey/,
      );
    });
  });

  it('computes the same fingerprint as ssh-keygen', async () => {
    const { computeHostKeyFingerprint } = await import('../../src/sftp/index.js');
    const pub = (await readFile(`${sshd.root}/../etc/host_ed25519.pub`, 'utf8')).split(' ')[1] as string;
    expect(computeHostKeyFingerprint(Buffer.from(pub, 'base64'))).toBe(sshd.hostFingerprint);
  });
});
