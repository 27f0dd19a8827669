// JWKS through clerk.jwks.getJwks, and @clerk/backend's verifyToken
// fetching the same keys from localclerk to verify a session token.
import { verifyToken } from '@clerk/backend';

export default async function ({ check, clerk, assert, secretKey, apiUrl }) {
  await check('(jwks) getJwks decodes the instance\'s RS256 signing key; verifyToken verifies a session token with it', async () => {
    const jwks = await clerk.jwks.getJwks();
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.match(key.kid, /^ins_/);
    assert.ok(key.n.length > 300 && key.e === 'AQAB');
    const user = await clerk.users.createUser({ emailAddress: ['i22-kim@example.com'], skipPasswordRequirement: true });
    const s = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(s.id);
    assert.equal(JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid, key.kid);
    const claims = await verifyToken(jwt, { secretKey, apiUrl, skipJwksCache: true });
    assert.equal(claims.sub, user.id);
    assert.equal(claims.sid, s.id);
    return `kid ${key.kid}; verifyToken(session token) → sub ${claims.sub}`;
  });
}
