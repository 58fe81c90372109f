import { describe, expect, it } from 'vitest';
import { createReservations } from './reservations.js';

const key = (contactId: string, device: string, clientId?: string) => ({ contactId, device, clientId });

describe('createReservations', () => {
  it('refuses a call whose contact, device or ClientID another call holds, and takes nothing then', () => {
    const r = createReservations();
    expect(r.reserve('call-1', key('ct-1', '+12125550001', 'C1'))).toBe(true);
    expect(r.reserve('call-2', key('ct-1', '+12125550002'))).toBe(false);
    expect(r.reserve('call-3', key('ct-2', '+12125550001'))).toBe(false);
    expect(r.reserve('call-4', key('ct-3', '+12125550003', 'C1'))).toBe(false);
    expect(r.size).toBe(1);
    // The refused calls took nothing: a fourth contact on its own device goes through.
    expect(r.reserve('call-5', key('ct-4', '+12125550002'))).toBe(true);
    expect(r.size).toBe(2);
  });

  it('gives every key back on release, once, and ignores calls that hold nothing', () => {
    const r = createReservations();
    r.reserve('call-1', key('ct-1', '+12125550001', 'C1'));
    r.release('call-1');
    r.release('call-1');
    r.release('call-never');
    expect(r.size).toBe(0);
    expect(r.reserve('call-2', key('ct-1', '+12125550001', 'C1'))).toBe(true);
  });

  it('lets the same call reserve again without refusing itself', () => {
    const r = createReservations();
    expect(r.reserve('call-1', key('ct-1', '+12125550001'))).toBe(true);
    expect(r.reserve('call-1', key('ct-1', '+12125550001'))).toBe(true);
    expect(r.size).toBe(1);
  });
});
