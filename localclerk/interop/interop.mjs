// Interop check: Clerk's own @clerk/backend against a running localclerk.
// Run by interop_test.go (go test ./localclerk -run Interop) with the
// instance's keys in the environment; prints one line per check and exits
// non-zero on the first failure.
import assert from 'node:assert/strict';
import { createClerkClient } from '@clerk/backend';

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`missing ${k}`); return v; };
const publishableKey = env('CLERK_PUBLISHABLE_KEY');
const secretKey = env('CLERK_SECRET_KEY');
const apiUrl = env('CLERK_API_URL');
const fapi = env('LOCALCLERK_FAPI');
const appUrl = 'http://localhost:3000/dashboard';

const clerk = createClerkClient({ secretKey, publishableKey, apiUrl, proxyUrl: fapi, telemetry: { disabled: true } });
const ok = (msg) => console.log(`ok   ${msg}`);

// Backend API decoding.
const list = await clerk.users.getUserList({ limit: 10, orderBy: '+created_at' });
assert.ok(list.totalCount >= 2, 'totalCount');
assert.equal(list.data[0].id, 'user_demo_alice');
ok(`users.getUserList → ${list.data.length} users, totalCount ${list.totalCount}`);
const alice = await clerk.users.getUser('user_demo_alice');
assert.equal(alice.firstName, 'Alice');
assert.equal(alice.primaryEmailAddress?.emailAddress, 'alice@example.com');
assert.equal(alice.emailAddresses[0].verification?.status, 'verified');
ok(`users.getUser → ${alice.firstName} <${alice.primaryEmailAddress.emailAddress}>`);
const created = await clerk.users.createUser({ emailAddress: ['interop@example.com'], password: 'interop-password', firstName: 'Inter' });
const updated = await clerk.users.updateUser(created.id, { lastName: 'Op' });
assert.equal(updated.lastName, 'Op');
await clerk.users.deleteUser(created.id);
await assert.rejects(clerk.users.getUser(created.id), (e) => e.status === 404 && e.errors[0].code === 'resource_not_found');
ok('users.createUser/updateUser/deleteUser round trip; 404 decodes as ClerkAPIResponseError');
const org = await clerk.organizations.getOrganization({ slug: 'acme' });
assert.equal(org.id, 'org_demo_acme');
const mems = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
assert.equal(mems.totalCount, 2);
ok(`organizations.getOrganization + memberships → ${org.name}, ${mems.totalCount} members (${mems.data.map((m) => m.role).join(', ')})`);

// Session token from a cookie.
const sessRes = await fetch(`${apiUrl}/v1/sessions`, {
  method: 'POST', headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ user_id: 'user_demo_alice' }),
});
const sess = await sessRes.json();
const { jwt } = await clerk.sessions.getToken(sess.id);
const iat = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).iat;
const devBrowser = await (await fetch(`${fapi}/v1/dev_browser`, { method: 'POST' })).json();
let state = await clerk.authenticateRequest(new Request(appUrl, {
  headers: { cookie: `__session=${jwt}; __client_uat=${iat}; __clerk_db_jwt=${devBrowser.token}`, 'sec-fetch-dest': 'document', accept: 'text/html' },
}));
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
let auth = state.toAuth();
assert.equal(auth.userId, 'user_demo_alice');
assert.equal(auth.orgId, 'org_demo_acme');
assert.equal(auth.orgRole, 'org:admin');
assert.ok(auth.has({ permission: 'org:billing:manage' }), 'has org:billing:manage');
assert.ok(!auth.has({ permission: 'org:billing:delete' }), 'not org:billing:delete');
assert.ok(auth.has({ plan: 'o:pro' }) && auth.has({ plan: 'free_user' }), 'plans');
assert.ok(auth.has({ feature: 'o:analytics' }) && !auth.has({ feature: 'u:analytics' }), 'features');
ok(`authenticateRequest(cookie) → signed-in ${auth.userId} ${auth.orgSlug} ${auth.orgRole}, has(org:billing:manage), has(plan o:pro, feature o:analytics)`);

// Networkless verification with CLERK_JWT_KEY (the one-line PEM).
state = await clerk.authenticateRequest(new Request(appUrl, { headers: { authorization: `Bearer ${jwt}` } }), { jwtKey: env('CLERK_JWT_KEY') });
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
ok('authenticateRequest(Bearer, jwtKey=CLERK_JWT_KEY) → signed-in without JWKS');

// Full handshake: sign-in token → app with dev browser → handshake → nonce → signed in.
const sit = await clerk.signInTokens.createSignInToken({ userId: 'user_demo_bob', expiresInSeconds: 600 });
const ticketUrl = new URL(sit.url);
ticketUrl.searchParams.set('redirect_url', appUrl);
let res = await fetch(ticketUrl, { redirect: 'manual' });
assert.equal(res.status, 303);
const back = new URL(res.headers.get('location'));
const dvb = back.searchParams.get('__clerk_db_jwt');
assert.match(dvb, /^dvb_/);
state = await clerk.authenticateRequest(new Request(back, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } }));
assert.equal(state.status, 'handshake', `${state.status} ${state.reason}`);
const hsLocation = state.headers.get('location');
assert.ok(hsLocation.startsWith(`${fapi}/v1/client/handshake?`), hsLocation);
ok(`authenticateRequest(?__clerk_db_jwt) → handshake (${state.reason}) to ${new URL(hsLocation).pathname}`);
res = await fetch(hsLocation, { redirect: 'manual' });
assert.equal(res.status, 307);
const returned = new URL(res.headers.get('location'));
assert.ok(returned.searchParams.get('__clerk_handshake_nonce'), 'nonce');
state = await clerk.authenticateRequest(new Request(returned, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } }));
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
assert.equal(state.toAuth().userId, 'user_demo_bob');
const cookies = state.headers.getSetCookie();
assert.ok(cookies.some((c) => c.startsWith('__session=')), 'session cookie');
ok(`handshake nonce resolved → signed-in ${state.toAuth().userId} (${state.toAuth().orgRole}), ${cookies.length} Set-Cookie, redirect to ${state.headers.get('location')}`);

// Token format too (format=token handshake verified with the JWKS).
const tokUrl = new URL(hsLocation);
tokUrl.searchParams.set('format', 'token');
res = await fetch(tokUrl, { redirect: 'manual' });
const returned2 = new URL(res.headers.get('location'));
state = await clerk.authenticateRequest(new Request(returned2, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } }));
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
ok('handshake token (format=token) verified via JWKS → signed-in');

// Machine tokens.
const demoKey = env('LOCALCLERK_API_KEY');
state = await clerk.authenticateRequest(new Request(appUrl, { headers: { authorization: `Bearer ${demoKey}` } }), { acceptsToken: 'api_key' });
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
assert.equal(state.toAuth().userId, 'user_demo_alice');
ok(`authenticateRequest(api_key) → ${state.toAuth().tokenType} for ${state.toAuth().userId}`);
const m2m = await clerk.m2m.createToken({ machineSecretKey: env('LOCALCLERK_MACHINE_SECRET'), secondsUntilExpiration: 300 });
state = await clerk.authenticateRequest(new Request(appUrl, { headers: { authorization: `Bearer ${m2m.token}` } }), { acceptsToken: 'm2m_token' });
assert.equal(state.status, 'signed-in', `${state.reason} ${state.message}`);
ok(`authenticateRequest(m2m_token) → ${state.toAuth().tokenType} for ${state.toAuth().machineId ?? state.toAuth().subject}`);
const keyCreated = await clerk.apiKeys.create({ name: 'interop', subject: 'user_demo_bob' });
await clerk.apiKeys.revoke({ apiKeyId: keyCreated.id, revocationReason: 'test' });
state = await clerk.authenticateRequest(new Request(appUrl, { headers: { authorization: `Bearer ${keyCreated.secret}` } }), { acceptsToken: 'api_key' });
assert.notEqual(state.status, 'signed-in');
ok(`revoked API key → ${state.status}`);

// @clerk/express: a real clerkMiddleware app completes the browser flow
// (sign-in token → dev browser → handshake → cookies) against localclerk.
const { clerkMiddleware, getAuth } = await import('@clerk/express');
const express = (await import('express')).default;
const web = express();
web.use(clerkMiddleware({ publishableKey, secretKey, apiUrl, proxyUrl: fapi }));
web.get('/dashboard', (req, res) => {
  const a = getAuth(req);
  res.json({ userId: a.userId, orgId: a.orgId, orgRole: a.orgRole });
});
const server = await new Promise((resolve) => { const s = web.listen(0, '127.0.0.1', () => resolve(s)); });
const base = `http://127.0.0.1:${server.address().port}`;
const jar = new Map();
const browse = async (url) => {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await fetch(url, { redirect: 'manual', headers: { 'sec-fetch-dest': 'document', accept: 'text/html', ...(cookie && new URL(url).origin === base ? { cookie } : {}) } });
  if (new URL(url).origin === base) {
    for (const c of r.headers.getSetCookie()) {
      const [nv] = c.split(';');
      const i = nv.indexOf('=');
      if (/max-age=0/i.test(c)) jar.delete(nv.slice(0, i)); else jar.set(nv.slice(0, i), nv.slice(i + 1));
    }
  }
  return r;
};
try {
  const sit2 = await clerk.signInTokens.createSignInToken({ userId: 'user_demo_alice', expiresInSeconds: 600 });
  const t2 = new URL(sit2.url);
  t2.searchParams.set('redirect_url', `${base}/dashboard`);
  let r = await browse(t2);
  const steps = [`ticket ${r.status}`];
  let next = r.headers.get('location');
  for (let i = 0; i < 6 && next; i++) {
    r = await browse(new URL(next, base));
    steps.push(`${new URL(next, base).origin === base ? 'app' : 'localclerk'} ${r.status}`);
    next = r.status >= 300 && r.status < 400 ? r.headers.get('location') : null;
  }
  assert.equal(r.status, 200, steps.join(' → '));
  const body = await r.json();
  assert.equal(body.userId, 'user_demo_alice');
  assert.equal(body.orgRole, 'org:admin');
  ok(`@clerk/express browser flow: ${steps.join(' → ')} → ${JSON.stringify(body)}`);
  const r2 = await browse(`${base}/dashboard`);
  assert.equal((await r2.json()).userId, 'user_demo_alice');
  ok(`@clerk/express next request with cookies only (${[...jar.keys()].join(', ')}) → signed in`);
} finally {
  server.close();
}
console.log('interop: all checks passed');
