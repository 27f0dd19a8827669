// Sign-in tokens through clerk.signInTokens: create, sign in through the
// token's URL (localclerk's Frontend API), revoke. The Backend API has no
// read or list of sign-in tokens; the user's sessions show the sign-in.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  let user;
  const follow = (url) => fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });

  await check('(sign-in tokens) createSignInToken; following its url signs the user in once', async () => {
    user = await clerk.users.createUser({ emailAddress: ['i14-tia@example.com'], skipPasswordRequirement: true });
    const st = await clerk.signInTokens.createSignInToken({ userId: user.id, expiresInSeconds: 600 });
    assert.match(st.id, /^sit_/);
    assert.equal(st.userId, user.id);
    assert.equal(st.status, 'pending');
    assert.ok(st.token.length >= 20, 'no token');
    assert.equal(new URL(st.url).searchParams.get('ticket'), st.token);
    const first = await follow(st.url);
    await first.arrayBuffer();
    assert.ok(first.status >= 300 && first.status < 400, `want a redirect after sign-in, got ${first.status}`);
    const sessions = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
    assert.equal(sessions.totalCount, 1, 'the ticket did not create a session');
    const again = await follow(st.url);
    await again.arrayBuffer();
    assert.equal(again.status, 422, 'a used sign-in token must not sign in again');
    await rejectsWith(clerk.signInTokens.revokeSignInToken(st.id), 400, 'sign_in_token_cannot_be_revoked_code');
    return `${st.id} → ${first.status} to ${first.headers.get('location')?.slice(0, 40)}…, session ${ids(sessions.data)}; reuse → ${again.status}`;
  });

  await check('(sign-in tokens) revokeSignInToken revokes a pending token; its url no longer signs in', async () => {
    const st = await clerk.signInTokens.createSignInToken({ userId: user.id, expiresInSeconds: 600 });
    const rev = await clerk.signInTokens.revokeSignInToken(st.id);
    assert.equal(rev.id, st.id);
    assert.equal(rev.status, 'revoked');
    assert.equal(rev.userId, user.id);
    const res = await follow(st.url);
    await res.arrayBuffer();
    assert.equal(res.status, 422);
    await rejectsWith(clerk.signInTokens.revokeSignInToken('sit_doesnotexist'), 404, 'resource_not_found');
    return `${rev.id} → ${rev.status}; url → ${res.status}`;
  });

  await check('(sign-in tokens) createSignInToken for an unknown user → 404 resource_not_found', async () =>
    rejectsWith(clerk.signInTokens.createSignInToken({ userId: 'user_doesnotexist', expiresInSeconds: 60 }), 404, 'resource_not_found'),
  );
}
