// Clients through clerk.clients.getClient (the only client operation
// localclerk serves; a client is created by signing in, here through
// clerk.sessions.createSession).
import { rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  await check('(clients) getClient decodes the client of a new session, with its sessions; revoking clears lastActiveSessionId', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['i13-cleo@example.com'], skipPasswordRequirement: true });
    const s = await clerk.sessions.createSession({ userId: user.id });
    const c = await clerk.clients.getClient(s.clientId);
    assert.equal(c.id, s.clientId);
    assert.deepEqual(c.sessionIds, [s.id]);
    assert.equal(c.sessions.length, 1);
    assert.equal(c.sessions[0].id, s.id);
    assert.equal(c.sessions[0].userId, user.id);
    assert.equal(c.sessions[0].status, 'active');
    assert.equal(c.lastActiveSessionId, s.id);
    assert.ok(c.createdAt > 0 && c.updatedAt >= c.createdAt);
    await clerk.sessions.revokeSession(s.id);
    const after = await clerk.clients.getClient(s.clientId);
    assert.equal(after.lastActiveSessionId, null);
    return `${c.id}: sessionIds ${JSON.stringify(c.sessionIds)}, lastActiveSessionId ${c.lastActiveSessionId} → ${after.lastActiveSessionId} after revoke`;
  });

  await check('(clients) getClient on an unknown client → 404 resource_not_found', async () =>
    rejectsWith(clerk.clients.getClient('client_doesnotexist'), 404, 'resource_not_found'),
  );
}
