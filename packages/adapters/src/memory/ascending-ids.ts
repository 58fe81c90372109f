const MAX_GROUP = 1 << 16;

/** Hands out ids one at a time, in ascending order. */
export interface IdSource {
  next(): string;
}

/**
 * New ids in ascending order. Ids from `createId` start with their
 * millisecond and are random within it, so ids made in one go are collected
 * per millisecond, sorted, and handed out in order: records given them in
 * write order are then already sorted by id, and a large import needs no
 * sort. At most `count` ids are made. (If the clock went back, or stood still
 * for more than a group holds, the caller notices and sorts.)
 */
export function ascendingIds(count: number, newId: () => string): IdSource {
  let group: string[] = [];
  let at = 0;
  let made = 0;
  let lookahead: string | undefined;
  const fill = () => {
    group = [];
    at = 0;
    let first = lookahead;
    lookahead = undefined;
    if (first === undefined) {
      first = newId();
      made++;
    }
    group.push(first);
    // `con_` + ten characters of milliseconds.
    const time = first.slice(0, first.indexOf('_') + 11);
    while (made < count && group.length < MAX_GROUP) {
      const id = newId();
      made++;
      if (!id.startsWith(time)) {
        lookahead = id;
        break;
      }
      group.push(id);
    }
    group.sort();
  };
  return {
    next() {
      if (at === group.length) fill();
      return group[at++] as string;
    },
  };
}
