// Actor tokens (impersonation) through clerk.actorTokens: create, follow
// the url to sign in as the user, the session and its token carry the
// actor; revoke. The Backend API has no read or list of actor tokens.
import { ids, rejectsWith } from '../lib/expect.mjs';

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

export default async function ({ check, clerk, assert, alice }) {
  let user;
  const follow = async (url) => {
    const res = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    await res.arrayBuffer();
    return res.status;
  };

  await check('(actor tokens) create; following its url starts a session whose actor (and token\'s act claim) is the impersonator', async () => {
    user = await clerk.users.createUser({ emailAddress: ['i15-una@example.com'], skipPasswordRequirement: true });
    const at = await clerk.actorTokens.create({ userId: user.id, actor: { sub: alice.id }, expiresInSeconds: 600, sessionMaxDurationInSeconds: 900 });
    assert.match(at.id, /^act_/);
    assert.equal(at.userId, user.id);
    assert.equal(at.status, 'pending');
    assert.deepEqual(at.actor, { sub: alice.id });
    assert.equal(new URL(at.url).searchParams.get('ticket'), at.token);
    const status = await follow(at.url);
    assert.ok(status >= 300 && status < 400, `want a redirect after sign-in, got ${status}`);
    const list = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    assert.equal(list.totalCount, 1, 'the actor token did not create a session');
    const s = list.data[0];
    assert.deepEqual(s.actor, { sub: alice.id });
    assert.ok(s.expireAt - s.createdAt <= 900_000, `session lasts ${s.expireAt - s.createdAt} ms, want ≤ 900 s`);
    const c = claimsOf((await clerk.sessions.getToken(s.id)).jwt);
    assert.equal(c.sub, user.id);
    assert.deepEqual(c.act, { sub: alice.id });
    assert.equal(await follow(at.url), 422, 'an accepted actor token must not sign in again');
    await rejectsWith(clerk.actorTokens.revoke(at.id), 400, 'actor_token_cannot_be_revoked_code');
    return `${at.id} → session ${ids(list.data)} actor ${JSON.stringify(s.actor)}, token act ${JSON.stringify(c.act)}`;
  });

  await check('(actor tokens) revoke a pending token; its url no longer signs in', async () => {
    const at = await clerk.actorTokens.create({ userId: user.id, actor: { sub: alice.id } });
    const rev = await clerk.actorTokens.revoke(at.id);
    assert.equal(rev.id, at.id);
    assert.equal(rev.status, 'revoked');
    assert.deepEqual(rev.actor, { sub: alice.id });
    assert.equal(await follow(at.url), 422);
    await rejectsWith(clerk.actorTokens.revoke('act_doesnotexist'), 404, 'resource_not_found');
    return `${rev.id} → ${rev.status}`;
  });

  await check('(actor tokens) create without actor.sub → 422 form_param_missing', async () =>
    rejectsWith(clerk.actorTokens.create({ userId: user.id, actor: {} }), 422, 'form_param_missing', 'actor.sub'),
  );
}
