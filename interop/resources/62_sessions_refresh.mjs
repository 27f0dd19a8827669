// Session refresh and clients through @clerk/backend: a browser signs in on
// localclerk's hosted page, a handshake hands it __session and
// __refresh_<suffix>; clerk.sessions.refreshSession exchanges them for a
// new token (format token) or Set-Cookie directives (format cookie), and
// refuses a wrong refresh token with 401. clerk.clients.getClientList
// pages the clients newest first; clerk.clients.verifyClient resolves the
// dev browser token to its client.

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function rejects(promise, status, code) {
  try {
    await promise;
  } catch (err) {
    if (err?.status !== status || err?.errors?.[0]?.code !== code) {
      throw new Error(`want ${status} ${code}, got ${err?.status} ${JSON.stringify(err?.errors ?? String(err))}`);
    }
    return;
  }
  throw new Error(`want ${status} ${code}, the call succeeded`);
}

// signInAndHandshake signs email in on the hosted page with its own cookie,
// then runs a nonce handshake for an app on http://localhost:3000 and
// redeems the nonce, returning the cookie directives and the dev browser.
async function signInAndHandshake({ clerk, fapi }, email, password) {
  const app = 'http://localhost:3000/';
  let cookie = '';
  const keep = (res) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      if (pair.startsWith('__localclerk_client=')) cookie = pair;
    }
  };
  const hs = (dvb) =>
    `${fapi}/v1/client/handshake?${new URLSearchParams({ redirect_url: app, format: 'nonce', suffixed_cookies: 'true', ...(dvb && { __clerk_db_jwt: dvb }) })}`;
  // The first handshake makes this browser's client, its cookie and dev browser.
  let res = await fetch(hs(), { redirect: 'manual' });
  keep(res);
  const dvb = new URL(res.headers.get('location')).searchParams.get('__clerk_db_jwt');
  res = await fetch(`${fapi}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: fapi, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, redirect_url: app, __clerk_db_jwt: dvb }),
  });
  keep(res);
  if (res.status !== 303) throw new Error(`hosted sign-in: ${res.status}`);
  res = await fetch(hs(dvb), { redirect: 'manual', headers: { cookie } });
  const nonce = new URL(res.headers.get('location')).searchParams.get('__clerk_handshake_nonce');
  const payload = await clerk.clients.getHandshakePayload({ nonce });
  const value = (prefix) => payload.directives.find((d) => d.startsWith(prefix))?.split(';')[0].split('=')[1];
  return { session: value('__session='), refresh: value('__refresh_'), dvb, directives: payload.directives };
}

export default async function (ctx) {
  const { check, clerk, assert } = ctx;
  const email = 'i62-rhea@example.com';
  const password = 'correct-horse-battery';
  let user;
  let hs;

  await check('(refresh) a handshake after a hosted sign-in sets an HttpOnly __refresh_<suffix> cookie next to __session', async () => {
    user = await clerk.users.createUser({ emailAddress: [email], password });
    hs = await signInAndHandshake(ctx, email, password);
    assert.ok(hs.session, `no __session in ${hs.directives}`);
    assert.ok(hs.refresh, `no __refresh_<suffix> in ${hs.directives}`);
    assert.ok(hs.directives.some((d) => d.startsWith('__refresh_') && /HttpOnly/.test(d)));
    assert.equal(claimsOf(hs.session).sub, user.id);
    return `sid ${claimsOf(hs.session).sid}`;
  });

  await check('(refresh) sessions.refreshSession: format token → a new JWT for the session; format cookie → suffixed Set-Cookie directives', async () => {
    const sid = claimsOf(hs.session).sid;
    const base = { expired_token: hs.session, refresh_token: hs.refresh, request_origin: 'http://localhost:3000' };
    const tok = await clerk.sessions.refreshSession(sid, { ...base, format: 'token' });
    assert.equal(claimsOf(tok.jwt).sid, sid);
    const ck = await clerk.sessions.refreshSession(sid, { ...base, format: 'cookie', suffixed_cookies: true });
    assert.ok(Array.isArray(ck.cookies), JSON.stringify(ck));
    const suffixed = ck.cookies.find((c) => /^__session_[^=]+=/.test(c));
    assert.ok(suffixed, `no suffixed __session in ${ck.cookies}`);
    assert.equal(claimsOf(suffixed.split(';')[0].split('=')[1]).sid, sid);
    return `${ck.cookies.length} directives`;
  });

  await check('(refresh) refreshSession with a wrong refresh token, or for a revoked session → 401', async () => {
    const sid = claimsOf(hs.session).sid;
    const base = { expired_token: hs.session, request_origin: 'http://localhost:3000' };
    await rejects(clerk.sessions.refreshSession(sid, { ...base, refresh_token: 'not-it' }), 401, 'refresh_token_invalid');
    await clerk.sessions.revokeSession(sid);
    await rejects(clerk.sessions.refreshSession(sid, { ...base, refresh_token: hs.refresh }), 401, 'session_not_active');
  });

  await check('(clients) getClientList pages the clients newest first; verifyClient resolves a dev browser token', async () => {
    const s = await clerk.sessions.createSession({ userId: user.id });
    const page = await clerk.clients.getClientList({ limit: 1 });
    assert.equal(page.data.length, 1);
    assert.equal(page.data[0].id, s.clientId);
    assert.ok(page.totalCount >= 2, `totalCount ${page.totalCount}`);
    const second = await clerk.clients.getClientList({ limit: 1, offset: 1 });
    assert.notEqual(second.data[0].id, s.clientId);
    const fresh = await signInAndHandshake(ctx, email, password);
    const c = await clerk.clients.verifyClient(fresh.dvb);
    assert.equal(c.sessions.length, 1);
    assert.equal(c.sessions[0].userId, user.id);
    await rejects(clerk.clients.verifyClient('dvb_nope'), 400, 'token_invalid');
    await clerk.users.deleteUser(user.id);
    return `newest ${s.clientId}; verified ${c.id}`;
  });
}
