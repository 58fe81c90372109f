import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isOutpaceError } from '@outpace/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalFileSource, type LocalFileSource } from './index.js';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isOutpaceError(error) ? error.code : String(error)),
  );
}

describe('local file source', () => {
  let base: string;
  let root: string;
  let source: LocalFileSource;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'outpace-local-'));
    root = join(base, 'root');
    await mkdir(join(root, 'inbox'), { recursive: true });
    await writeFile(join(root, 'inbox', 'contacts_1.csv'), 'id\n1\n');
    await writeFile(join(root, 'inbox', 'Contacts_2.CSV'), 'id\n2\n');
    await writeFile(join(root, 'inbox', 'notes.txt'), 'n');
    await writeFile(join(root, 'inbox', '.x.abc.outpace-part'), 'partial');
    await mkdir(join(root, 'inbox', 'sub.csv'));
    await writeFile(join(base, 'outside.csv'), 'secret');
    source = createLocalFileSource({ root });
  });
  afterEach(async () => {
    await source.close();
    await rm(base, { recursive: true, force: true });
  });

  it('lists files with a rule, sorted, with paths relative to the root', async () => {
    expect((await source.list('inbox')).map((f) => f.path)).toEqual([
      'inbox/Contacts_2.CSV',
      'inbox/contacts_1.csv',
      'inbox/notes.txt',
    ]);
    expect((await source.list('inbox', { operation: 'glob', pattern: 'contacts_?.csv' })).map((f) => f.name)).toEqual([
      'Contacts_2.CSV',
      'contacts_1.csv',
    ]);
    expect(
      (await source.list('inbox', { operation: 'startsWith', pattern: 'contacts', caseSensitive: true })).map(
        (f) => f.name,
      ),
    ).toEqual(['contacts_1.csv']);
    const [file] = await source.list('inbox', { operation: 'equals', pattern: 'notes.txt' });
    expect(file?.size).toBe(1);
    expect(typeof file?.modifiedAt).toBe('number');
  });

  it('reads a listed file by its path', async () => {
    const [file] = await source.list('inbox', { operation: 'endsWith', pattern: '_1.csv' });
    expect(await text(await source.read(file?.path ?? ''))).toBe('id\n1\n');
  });

  it('writes atomically, creating folders, and moves into an archive', async () => {
    await source.write('out/deep/export.csv', Readable.from(['a,b\n', '1,2\n']));
    expect(await readFile(join(root, 'out/deep/export.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(await readdir(join(root, 'out/deep'))).toEqual(['export.csv']);
    await source.move('out/deep/export.csv', 'archive/export.csv');
    expect(existsSync(join(root, 'out/deep/export.csv'))).toBe(false);
    expect(await readFile(join(root, 'archive/export.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('leaves no partial file when the data fails', async () => {
    async function* failing() {
      yield Buffer.from('x');
      throw new Error('boom');
    }
    await expect(source.write('inbox/new.csv', failing())).rejects.toThrow('boom');
    expect((await readdir(join(root, 'inbox'))).filter((n) => n.startsWith('.new'))).toEqual([]);
    expect(existsSync(join(root, 'inbox/new.csv'))).toBe(false);
  });

  it('refuses to move onto an existing file unless overwrite', async () => {
    expect(await codeOf(source.move('inbox/contacts_1.csv', 'inbox/notes.txt'))).toBe('ADAPTER_LOCAL_ALREADY_EXISTS');
    expect(await readFile(join(root, 'inbox/notes.txt'), 'utf8')).toBe('n');
    await source.move('inbox/contacts_1.csv', 'inbox/notes.txt', { overwrite: true });
    expect(await readFile(join(root, 'inbox/notes.txt'), 'utf8')).toBe('id\n1\n');
  });

  it('reports missing files', async () => {
    expect(await codeOf(source.read('inbox/nope.csv'))).toBe('ADAPTER_LOCAL_NOT_FOUND');
    expect(await codeOf(source.remove('inbox/nope.csv'))).toBe('ADAPTER_LOCAL_NOT_FOUND');
    expect(await codeOf(source.move('inbox/nope.csv', 'x.csv'))).toBe('ADAPTER_LOCAL_NOT_FOUND');
    expect(await codeOf(source.list('nope'))).toBe('ADAPTER_LOCAL_NOT_FOUND');
    expect(await source.stat('inbox/nope.csv')).toBeUndefined();
  });

  it('deletes a file', async () => {
    await source.remove('inbox/notes.txt');
    expect(existsSync(join(root, 'inbox/notes.txt'))).toBe(false);
  });

  it('never reaches outside the root: .., absolute paths and symbolic links', async () => {
    expect(await codeOf(source.read('../outside.csv'))).toBe('ADAPTER_LOCAL_PATH_INVALID');
    expect(await codeOf(source.write('../escape.csv', Readable.from(['x'])))).toBe('ADAPTER_LOCAL_PATH_INVALID');
    expect(existsSync(join(base, 'escape.csv'))).toBe(false);
    // An absolute path outside the root is read as relative to the root.
    expect(await codeOf(source.read(join(base, 'outside.csv')))).toBe('ADAPTER_LOCAL_NOT_FOUND');
    await symlink(join(base, 'outside.csv'), join(root, 'inbox', 'link.csv'));
    await symlink(base, join(root, 'inbox', 'linkdir'));
    expect(await codeOf(source.read('inbox/link.csv'))).toBe('ADAPTER_LOCAL_PATH_INVALID');
    expect(await codeOf(source.write('inbox/linkdir/x.csv', Readable.from(['x'])))).toBe('ADAPTER_LOCAL_PATH_INVALID');
    expect((await source.list('inbox')).map((f) => f.name)).not.toContain('link.csv');
  });

  it('reports a full disk as ADAPTER_LOCAL_DISK_FULL', async () => {
    // /dev/full fails every write with ENOSPC.
    const devices = createLocalFileSource({ root: '/dev', atomicWrites: false });
    expect(await codeOf(devices.write('full', Readable.from([Buffer.alloc(1024)])))).toBe('ADAPTER_LOCAL_DISK_FULL');
  });

  it('validates options and arguments, and refuses work after close', async () => {
    expect(() => createLocalFileSource({ root: '' })).toThrow(/root/);
    expect(await codeOf(source.read(''))).toBe('VALIDATION_FAILED');
    expect(await codeOf(source.list('inbox', { operation: 'nope' as 'glob', pattern: 'x' }))).toBe('VALIDATION_FAILED');
    await source.close();
    await source.close();
    expect(await codeOf(source.list('inbox'))).toBe('ADAPTER_LOCAL_CLOSED');
  });
});
