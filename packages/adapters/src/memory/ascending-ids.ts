const MAX_GROUP = 1 << 16;

/**
 * New ids in ascending order. Ids from `createId` start with their
 * millisecond and are random within it, so ids made in one go are collected
 * per millisecond, sorted, and handed out in order: records given them in
 * write order are then already sorted by id, and a large import needs no
 * sort. (If the clock went back, the caller notices and sorts.)
 */
export function* ascendingIds(count: number, newId: () => string): Generator<string> {
  let group: string[] = [];
  let groupTime = '';
  for (let i = 0; i < count; i++) {
    const id = newId();
    // `con_` + ten characters of milliseconds.
    const time = id.slice(0, 14);
    // A stopped clock would make one huge group: cap it (the caller then sorts).
    if ((time !== groupTime || group.length >= MAX_GROUP) && group.length > 0) {
      yield* group.sort();
      group = [];
    }
    groupTime = time;
    group.push(id);
  }
  yield* group.sort();
}
