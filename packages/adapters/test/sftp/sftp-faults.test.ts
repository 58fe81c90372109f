import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { appendFile, readFile, stat, truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isOutpaceError } from '@outpace/core';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSftpFileSource, type SftpFileSource, type SftpFileSourceOptions } from '../../src/sftp/index.js';
import { describeWithService } from '../support/service.js';
import { type SshdServer, sshdAvailability, startSshd } from '../support/sshd.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

const MB = 1024 * 1024;

/** Writes `rows` CSV rows to a local file by streaming; returns its SHA-256. */
async function writeCsv(path: string, rows: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const header = 'client_id,phone,first_name,last_name,zip\n';
  hash.update(header);
  out.write(header);
  for (let i = 0; i < rows; i++) {
    const line = `C${i},+1555${String(i % 10_000_000).padStart(7, '0')},First${i % 977},Last${i % 1_013},${10_000 + (i % 89_999)}\n`;
    hash.update(line);
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return hash.digest('hex');
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A stand-in for the list import: all rows in one transaction, committed only when the stream ends cleanly. */
async function importContacts(db: Database.Database, stream: Readable): Promise<number> {
  const insert = db.prepare('INSERT INTO contacts (client_id, phone) VALUES (?, ?)');
  let rows = 0;
  db.exec('BEGIN');
  try {
    await pipeline(stream, parse({ from_line: 2 }), async (records: AsyncIterable<string[]>) => {
      for await (const record of records) {
        insert.run(record[0], record[1]);
        rows++;
      }
    });
    db.exec('COMMIT');
    return rows;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function contactsDb(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE contacts (client_id TEXT PRIMARY KEY, phone TEXT NOT NULL)');
  return db;
}

describeWithService(sshdAvailability(), 'SFTP file source: large files and fault injection', () => {
  let sshd: SshdServer;
  let bigPath: string;
  let bigHash: string;
  let mediumPath: string;
  let mediumHash: string;
  const sources: SftpFileSource[] = [];
  const proxies: FaultProxy[] = [];

  const open = (overrides: Partial<SftpFileSourceOptions> = {}): SftpFileSource => {
    const source = createSftpFileSource({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostFingerprint: sshd.hostFingerprint,
      retry: { retries: 1, minDelayMs: 10, maxDelayMs: 20 },
      ...overrides,
    });
    sources.push(source);
    return source;
  };
  const viaProxy = async (
    faults: { cutAfterBytes?: number; stallAfterBytes?: number; cutAfterUploadBytes?: number },
    overrides = {},
  ) => {
    const proxy = await startFaultProxy({ targetPort: sshd.port, ...faults });
    proxies.push(proxy);
    return { proxy, source: open({ port: proxy.port, ...overrides }) };
  };

  beforeAll(async () => {
    sshd = await startSshd();
    await sshd.mkdir('big');
    bigPath = sshd.path('big/contacts-50mb.csv');
    bigHash = await writeCsv(bigPath, 1_200_000); // about 52 MiB
    await sshd.own('big/contacts-50mb.csv');
    mediumPath = sshd.path('big/contacts-8mb.csv');
    mediumHash = await writeCsv(mediumPath, 170_000);
    await sshd.own('big/contacts-8mb.csv');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sources.map((source) => source.close()));
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await sshd?.stop();
  });

  it('streams a 50 MB file with flat memory and an identical SHA-256', async () => {
    const size = (await stat(bigPath)).size;
    expect(size).toBeGreaterThan(50 * MB);
    // Live memory is what matters: collect garbage before each sample so only retained buffers count.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = (): number => {
      // Twice: array buffer backing stores are swept after the collection that found them dead.
      gc();
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const source = open();
    const stream = await source.read(bigPath);
    const baseline = live();
    let peak = baseline;
    let chunks = 0;
    const started = Date.now();
    const hash = createHash('sha256');
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      if (++chunks % 64 === 0) peak = Math.max(peak, live());
    }
    const elapsed = Date.now() - started;
    expect(hash.digest('hex')).toBe(bigHash);
    expect(chunks).toBeGreaterThan(400);
    console.info(
      `[sftp] streamed ${(size / MB).toFixed(1)} MiB in ${elapsed} ms (with ${Math.floor(chunks / 64)} forced GCs); peak live memory +${((peak - baseline) / MB).toFixed(1)} MiB`,
    );
    // Buffering the file would retain 50 MB; streaming retains a few 64 KiB chunks.
    expect(peak - baseline).toBeLessThan(8 * MB);
  }, 120_000);

  it('reads no further ahead than the consumer (back-pressure)', async () => {
    const source = open();
    const stream = (await source.read(bigPath)) as Readable & { bytesRead: number };
    await new Promise<void>((resolve) => stream.once('readable', () => resolve()));
    stream.read(1); // take one byte, then stop consuming
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.bytesRead).toBeGreaterThan(0);
    expect(stream.bytesRead).toBeLessThan(2 * MB);
    stream.destroy();
  });

  it('fails the read with ADAPTER_SFTP_TRANSFER_FAILED when the connection drops mid-transfer', async () => {
    const { proxy, source } = await viaProxy({ cutAfterBytes: 2 * MB });
    const stream = (await source.read(mediumPath)) as Readable & { bytesRead: number };
    const error = await sha256(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(error, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
    expect((error as Error).message).toContain('contacts-8mb.csv');
    expect((error as Error).message).toMatch(/connection was lost/);
    expect(proxy.faults).toBe(1);
    expect(stream.bytesRead).toBeGreaterThan(0);
    expect(stream.bytesRead).toBeLessThan((await stat(mediumPath)).size);
  });

  it('an import consuming a dropped transfer fails cleanly, and the remote file stays for the next run', async () => {
    const db = contactsDb();
    const { source } = await viaProxy({ cutAfterBytes: 3 * MB });
    const files = await source.list(sshd.path('big'), { operation: 'equals', pattern: 'contacts-8mb.csv' });
    expect(files).toHaveLength(1);
    const file = files[0] as (typeof files)[number];
    let archived = false;
    const run = async () => {
      await importContacts(db, await source.read(file.path));
      // The rule: archive (or delete) only after the import committed.
      await source.move(file.path, sshd.path('archive', file.name));
      archived = true;
    };
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(error, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
    expect(archived).toBe(false);
    expect(db.prepare('SELECT COUNT(*) AS n FROM contacts').get()).toEqual({ n: 0 });
    // The file is still there, unchanged, for the next run.
    const fresh = open();
    expect(await fresh.stat(file.path)).toEqual(file);
    expect(await sha256(await fresh.read(file.path))).toBe(mediumHash);

    // The next run on a sound connection imports everything, then archives.
    const rows = await importContacts(db, await fresh.read(file.path));
    await fresh.move(file.path, sshd.path('archive', file.name));
    expect(rows).toBe(170_000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM contacts').get()).toEqual({ n: 170_000 });
    expect(await fresh.stat(file.path)).toBeUndefined();
    expect(
      createHash('sha256')
        .update(await readFile(sshd.path('archive', file.name)))
        .digest('hex'),
    ).toBe(mediumHash);
    await fresh.move(sshd.path('archive', file.name), file.path); // restore for other tests
  });

  it('fails a stalled transfer after operationTimeoutMs', async () => {
    const { source } = await viaProxy({ stallAfterBytes: 1 * MB }, { operationTimeoutMs: 500 });
    const stream = await source.read(mediumPath);
    const started = Date.now();
    const error = await sha256(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(error, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
    expect((error as Error).message).toContain('sent nothing for 500 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The stalled connection was dropped; the source reconnects for the next operation.
    expect((await source.checkConnection()).home).toBe(sshd.root);
  });

  it('fails when the file is truncated or grows during the transfer', async () => {
    const source = open();
    const path = await sshd.writeFile('big/changing.csv', Buffer.alloc(4 * MB, 'a'));

    const shrinking = await source.read(path);
    await new Promise<void>((resolve) => shrinking.once('readable', () => resolve()));
    await truncate(path, MB);
    const shrinkError = await sha256(shrinking).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(shrinkError, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
    expect((shrinkError as Error).message).toMatch(/truncated or replaced/);

    await sshd.writeFile('big/changing.csv', Buffer.alloc(MB, 'b'));
    const growing = await source.read(path);
    await new Promise<void>((resolve) => growing.once('readable', () => resolve()));
    await appendFile(path, 'still uploading');
    const growError = await sha256(growing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(growError, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
    expect((growError as Error).message).toMatch(/still being uploaded/);
  });

  it('errors open streams with ADAPTER_SFTP_CLOSED when the source is closed', async () => {
    const source = open();
    const stream = await source.read(bigPath);
    await new Promise<void>((resolve) => stream.once('readable', () => resolve()));
    await source.close();
    const error = await sha256(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutpaceError(error, 'ADAPTER_SFTP_CLOSED')).toBe(true);
  });

  describe('uploads', () => {
    it('uploads 8 MB and reads it back identical', async () => {
      const source = open();
      const local = await readFile(mediumPath);
      async function* chunks() {
        for (let i = 0; i < local.length; i += 100_000) yield local.subarray(i, i + 100_000);
      }
      await source.write(sshd.path('up/copy.csv'), chunks());
      expect(await sha256(await source.read(sshd.path('up/copy.csv')))).toBe(mediumHash);
    });

    it('fails an upload whose connection drops and leaves the previous file in place', async () => {
      const target = await sshd.writeFile('up/keep.csv', 'previous version');
      const { source } = await viaProxy({ cutAfterUploadBytes: 2 * MB });
      const local = await readFile(mediumPath);
      async function* chunks() {
        for (let i = 0; i < local.length; i += 64 * 1024) yield local.subarray(i, i + 64 * 1024);
      }
      const error = await source.write(target, chunks()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isOutpaceError(error, 'ADAPTER_SFTP_TRANSFER_FAILED')).toBe(true);
      expect(await readFile(target, 'utf8')).toBe('previous version');
    });
  });
});
