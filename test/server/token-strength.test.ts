/** The token estimate never refuses a token made the way the refusal says, and refuses the obvious ones. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { estimatedBits, tokenWeakness } from '../../src/server/token-strength.js';

describe('tokenWeakness', () => {
  it('accepts 1,500 random tokens of 128 bits or more, as hex and base64url', () => {
    for (let i = 0; i < 500; i++) {
      for (const t of [randomBytes(16).toString('hex'), randomBytes(32).toString('hex'), randomBytes(32).toString('base64url')]) {
        expect({ t, weakness: tokenWeakness(t) }).toEqual({ t, weakness: null });
      }
    }
    // 22 base64url characters (132 bits); a random one lacks a case too rarely to draw here.
    for (const t of ['WyZci_KVTArB_nKSPIyatx', 'q3-Lm9ZtR0vXc2bN_8hJkA']) expect(tokenWeakness(t)).toBeNull();
  });

  it('refuses short, repetitive and patterned tokens', () => {
    expect(estimatedBits('a'.repeat(16))).toBe(64);
    for (const t of ['', 'a'.repeat(16), 'a'.repeat(100), 'ab'.repeat(40), 'abc123'.repeat(10), '0123456789abcdef'.repeat(2), 'abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', 'WyZci_KVTArB_nKSPIyat', 'passwordpassword', 'x'.repeat(31) + 'y', 'has white space in it 0123456789abcdef']) {
      expect(tokenWeakness(t), t).not.toBeNull();
    }
  });
});
