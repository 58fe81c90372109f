import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../src/sqlite/driver.js';
import { withStatementCache } from '../src/sqlite/statement-cache.js';

function counted() {
  const db = new Database(':memory:') as unknown as SqliteDatabase;
  db.exec('create table t (id integer primary key, v text)');
  db.prepare('insert into t (v) values (?), (?), (?)').run('a', 'b', 'c');
  const prepared: string[] = [];
  const spy = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') {
        return (source: string) => {
          prepared.push(source);
          return target.prepare(source);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, spy, prepared };
}

describe('withStatementCache', () => {
  it('prepares a query once and reuses it with other parameters', () => {
    const { spy, prepared } = counted();
    const cached = withStatementCache(spy);
    const sql = 'select v from t where id = ?';
    expect(cached.prepare(sql).all(1)).toEqual([{ v: 'a' }]);
    expect(cached.prepare(sql).get(3)).toEqual({ v: 'c' });
    expect(cached.prepare(sql).reader).toBe(true);
    expect(prepared.filter((s) => s === sql)).toHaveLength(1);
    cached.prepare('update t set v = ? where id = ?').run('z', 2);
    expect(cached.prepare(sql).all(2)).toEqual([{ v: 'z' }]);
  });

  it('gives every iteration its own statement, so two can run at once', () => {
    const { spy } = counted();
    const cached = withStatementCache(spy);
    const sql = 'select v from t order by id';
    const outer = cached.prepare(sql).iterate();
    const seen: string[] = [];
    for (const row of outer as Iterable<{ v: string }>) {
      const inner = [...(cached.prepare(sql).iterate() as Iterable<{ v: string }>)].map((r) => r.v);
      seen.push(`${row.v}:${inner.join('')}`);
      // A plain query on the same text while both iterations are open.
      expect(cached.prepare(sql).all()).toHaveLength(3);
    }
    expect(seen).toEqual(['a:abc', 'b:abc', 'c:abc']);
  });

  it('drops the least recently used statement beyond its size and passes everything else through', () => {
    const { spy, prepared } = counted();
    const cached = withStatementCache(spy, 2);
    const q = (n: number) => `select ${n} as n`;
    cached.prepare(q(1));
    cached.prepare(q(2));
    cached.prepare(q(1)); // 1 is now the most recent
    cached.prepare(q(3)); // evicts 2
    cached.prepare(q(1));
    cached.prepare(q(2));
    expect(prepared.filter((s) => s === q(1))).toHaveLength(1);
    expect(prepared.filter((s) => s === q(2))).toHaveLength(2);
    expect(cached.open).toBe(true);
    expect(cached.pragma('user_version', { simple: true })).toBe(0);
    cached.close();
    expect(spy.open).toBe(false);
  });
});
