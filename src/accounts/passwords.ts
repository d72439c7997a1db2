// Password hashes for web login: argon2id at the OWASP parameters (19 MiB, 2 passes, 1 lane),
// stored as the PHC string `$argon2id$v=19$m=19456,t=2,p=1$…`. Hashes written before argon2id
// (`scrypt$N$r$p$salt$hash`) still verify, and `needsRehash` tells the login to upgrade them.
// Every hash and verify passes through one process-wide HashGate, so a login flood cannot take all
// of the server's threads (limits set from the configuration at start-up).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { HashGate, type HashGateLimits } from './hash-gate.ts';

export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export const passwordGate = new HashGate({ concurrency: 2, maxQueue: 64 });

export function configurePasswordHashing(limits: HashGateLimits): void {
  passwordGate.configure(limits);
}

export async function hashPassword(password: string): Promise<string> {
  return passwordGate.run(() => argon2Hash(password, ARGON2_PARAMS));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return passwordGate.run(async () => {
    if (stored.startsWith('$argon2')) {
      try {
        return await argon2Verify(stored, password);
      } catch {
        return false;
      }
    }
    return verifyScrypt(password, stored);
  });
}

/** True when `stored` is not argon2id at the current parameters (an old scrypt hash, or weaker argon2). */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

const SCRYPT_KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, SCRYPT_KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The hash format before argon2id; kept to build legacy hashes in tests and migrations. */
export async function legacyScryptHash(password: string): Promise<string> {
  const params = { N: 16384, r: 8, p: 1 };
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}
