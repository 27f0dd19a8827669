// Sessions through clerk.sessions: create, list filtered by user and
// status, read, tokens (default and from a JWT template, with a lifetime),
// revoke.
import { ids, rejectsWith } from '../lib/expect.mjs';

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

export default async function ({ check, clerk, assert }) {
  let user;
  let one;
  let two;

  await check('(sessions) createSession twice; getSessionList({ userId }) lists both, newest first; getSession reads one', async () => {
    user = await clerk.users.createUser({ emailAddress: ['i12-sam@example.com'], skipPasswordRequirement: true, firstName: 'Sam' });
    one = await clerk.sessions.createSession({ userId: user.id });
    two = await clerk.sessions.createSession({ userId: user.id });
    assert.match(one.id, /^sess_/);
    assert.match(one.clientId, /^client_/);
    assert.equal(one.userId, user.id);
    assert.equal(one.status, 'active');
    assert.ok(one.expireAt > one.createdAt && one.abandonAt >= one.expireAt);
    const list = await clerk.sessions.getSessionList({ userId: user.id });
    assert.equal(list.totalCount, 2);
    assert.deepEqual(ids(list.data), [two.id, one.id]);
    assert.ok(list.data.every((s) => s.userId === user.id));
    const got = await clerk.sessions.getSession(one.id);
    assert.equal(got.id, one.id);
    assert.equal(got.clientId, one.clientId);
    assert.equal(got.status, 'active');
    return `${user.id}: ${ids(list.data).join(', ')} (totalCount ${list.totalCount})`;
  });

  await check('(sessions) getSession on an unknown session → 404 resource_not_found', async () =>
    rejectsWith(clerk.sessions.getSession('sess_doesnotexist'), 404, 'resource_not_found'),
  );

  await check('(sessions) getToken mints a session token and one from a JWT template with its claims and lifetime', async () => {
    const plain = await clerk.sessions.getToken(one.id);
    const c = claimsOf(plain.jwt);
    assert.equal(c.sub, user.id);
    assert.equal(c.sid, one.id);
    const tpl = await clerk.jwtTemplates.create({ name: 'i12-template', claims: { email: '{{user.primary_email_address}}', kind: 'interop' } });
    const custom = await clerk.sessions.getToken(one.id, 'i12-template', 120);
    const t = claimsOf(custom.jwt);
    assert.equal(t.sub, user.id);
    assert.equal(t.email, 'i12-sam@example.com');
    assert.equal(t.kind, 'interop');
    assert.equal(t.exp - t.iat, 120);
    await rejectsWith(clerk.sessions.getToken(one.id, 'i12-no-such-template'), 404, 'resource_not_found');
    await clerk.jwtTemplates.delete(tpl.id);
    return `session token sub ${c.sub} sid ${c.sid}; template token email ${t.email}, exp-iat ${t.exp - t.iat}`;
  });

  await check('(sessions) revokeSession revokes one session; the status filter and getSession see it', async () => {
    const rev = await clerk.sessions.revokeSession(one.id);
    assert.equal(rev.id, one.id);
    assert.equal(rev.status, 'revoked');
    assert.equal((await clerk.sessions.getSession(one.id)).status, 'revoked');
    const revoked = await clerk.sessions.getSessionList({ userId: user.id, status: 'revoked' });
    assert.deepEqual(ids(revoked.data), [one.id]);
    const active = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    assert.deepEqual(ids(active.data), [two.id]);
    const byClient = await clerk.sessions.getSessionList({ clientId: two.clientId });
    assert.deepEqual(ids(byClient.data), [two.id]);
    return `${rev.id} → ${rev.status}; active ${ids(active.data)}; by client ${two.clientId} → ${ids(byClient.data)}`;
  });
}
