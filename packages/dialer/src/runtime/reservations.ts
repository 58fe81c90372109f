/** What a call holds while it is being checked, claimed, offered or placed, and until it ends. */
export interface ReservationKey {
  contactId: string;
  device: string;
  clientId: string | undefined;
}

/**
 * The contacts, devices and ClientIDs a runtime's calls hold, shared by every
 * group the runtime drives.
 *
 * The same-contact check and the call it allows are separated by store work
 * (suppression lookup, history, the claim); with a store that does real I/O,
 * another group's round runs in that gap. Taking the keys in the same
 * synchronous step as the check closes the gap: a second group finds them
 * taken until the first releases them (call not placed, or ended).
 */
export interface Reservations {
  /** Takes the keys for `callId` when none is held by another call; false (and nothing taken) otherwise. */
  reserve(callId: string, key: ReservationKey): boolean;
  /** Gives back what `callId` holds; a no-op when it holds nothing (safe to call on every exit path). */
  release(callId: string): void;
  /** How many calls hold a reservation (for tests and diagnostics). */
  readonly size: number;
}

/** A {@link Reservations} set in memory, for one runtime. */
export function createReservations(): Reservations {
  const byCall = new Map<string, ReservationKey>();
  const contacts = new Set<string>();
  const devices = new Set<string>();
  const clients = new Set<string>();
  return {
    reserve(callId, key) {
      if (byCall.has(callId)) return true;
      if (contacts.has(key.contactId) || devices.has(key.device)) return false;
      if (key.clientId !== undefined && clients.has(key.clientId)) return false;
      byCall.set(callId, key);
      contacts.add(key.contactId);
      devices.add(key.device);
      if (key.clientId !== undefined) clients.add(key.clientId);
      return true;
    },
    release(callId) {
      const key = byCall.get(callId);
      if (key === undefined) return;
      byCall.delete(callId);
      contacts.delete(key.contactId);
      devices.delete(key.device);
      if (key.clientId !== undefined) clients.delete(key.clientId);
    },
    get size() {
      return byCall.size;
    },
  };
}
