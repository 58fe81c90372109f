import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { type FileNameRule, matchesFileNameRule, OutpaceError, type RemoteFile } from '@outpace/core';
import type { AutomationFileSource } from '../../src/services/automations-runner.js';

type Op = 'connect' | 'list' | 'read' | 'write' | 'remove' | 'move';

/**
 * An in-memory file source for scheduler tests: files by path, with failures
 * injected per operation (`failNext('list', 'ADAPTER_SFTP_UNREACHABLE', 2)`).
 */
export function createFakeSource(clock: { now(): number }) {
  const files = new Map<string, { data: Buffer; modifiedAt: number }>();
  const failures: { op: Op; code: string; times: number }[] = [];
  const calls: { op: Op; path: string }[] = [];
  let opened = 0;
  const maybeFail = (op: Op, path: string) => {
    calls.push({ op, path });
    const f = failures.find((x) => x.op === op && x.times > 0);
    if (f !== undefined) {
      f.times--;
      throw new OutpaceError(f.code, `Injected ${f.code} on ${op} ${path}.`);
    }
  };
  const source = (): AutomationFileSource => {
    opened++;
    return {
      name: 'fake',
      async list(folder: string, rule?: FileNameRule): Promise<RemoteFile[]> {
        maybeFail('connect', folder);
        maybeFail('list', folder);
        const out: RemoteFile[] = [];
        for (const [path, f] of files) {
          if (posix.dirname(path) !== posix.normalize(folder)) continue;
          const name = posix.basename(path);
          if (rule !== undefined && !matchesFileNameRule(name, rule)) continue;
          out.push({ name, path, size: f.data.length, modifiedAt: f.modifiedAt });
        }
        return out.sort((a, b) => (a.name < b.name ? -1 : 1));
      },
      async read(path: string) {
        maybeFail('read', path);
        const f = files.get(path);
        if (f === undefined) throw new OutpaceError('ADAPTER_SFTP_NOT_FOUND', `No file ${path}.`);
        return Readable.from([f.data]);
      },
      async write(path: string, data: Readable | AsyncIterable<Uint8Array>) {
        maybeFail('write', path);
        const chunks: Buffer[] = [];
        for await (const chunk of data) chunks.push(Buffer.from(chunk));
        files.set(path, { data: Buffer.concat(chunks), modifiedAt: clock.now() });
      },
      async remove(path: string) {
        maybeFail('remove', path);
        files.delete(path);
      },
      async move(from: string, to: string) {
        maybeFail('move', from);
        const f = files.get(from);
        if (f === undefined) throw new OutpaceError('ADAPTER_SFTP_NOT_FOUND', `No file ${from}.`);
        files.delete(from);
        files.set(to, f);
      },
      async checkConnection() {
        maybeFail('connect', '.');
        return { fingerprint: 'SHA256:fake', home: '/home/fake' };
      },
      async close() {},
    };
  };
  return {
    source,
    files,
    calls,
    get opened() {
      return opened;
    },
    put(path: string, text: string, modifiedAt = clock.now()) {
      files.set(path, { data: Buffer.from(text, 'utf8'), modifiedAt });
    },
    text(path: string): string | undefined {
      return files.get(path)?.data.toString('utf8');
    },
    failNext(op: Op, code: string, times = 1) {
      failures.push({ op, code, times });
    },
  };
}
