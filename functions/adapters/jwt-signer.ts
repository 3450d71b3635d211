import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

import type { Jwks } from 'aws-jwt-verify/jwk';

export type { Jwks };

/** An RSA key pair that signs RS256 JWTs and publishes its public half as a JWKS. */
export interface JwtSigner {
  readonly jwks: Jwks;
  sign(payload: Record<string, unknown>): string;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A fresh RS256 signer: the local runtime issues console sessions with one (the key lives only in
 * the process), and tests use one as a stand-in for the user pool's key.
 */
export function createJwtSigner(kid: string = randomUUID()): JwtSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    jwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as { n: string; e: string }), kid, kty: 'RSA', alg: 'RS256', use: 'sig' }] },
    sign: (payload) => signRs256(payload, privateKey, kid),
  };
}

function signRs256(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${b64url(signature)}`;
}
