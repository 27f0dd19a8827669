// Interop checks: Clerk's own Node SDKs (@clerk/express, @clerk/backend,
// versions pinned in package.json) against a running localclerk. Started by
// run.sh with the instance's keys in INTEROP_* variables. Prints one line
// per check and a final "N passed, M failed"; exits 1 when any failed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClerkClient } from '@clerk/backend';
import { clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';
import { startWebhookReceiver } from './lib/webhooks.mjs';

const need = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`run.sh must set ${k}`);
  return v;
};
const publishableKey = need('INTEROP_PUBLISHABLE_KEY');
const secretKey = need('INTEROP_SECRET_KEY');
const apiUrl = need('INTEROP_API_URL');
const fapi = need('INTEROP_FAPI_URL');
const demoAPIKey = need('INTEROP_API_KEY');
const machineSecretKey = need('INTEROP_MACHINE_SECRET');
const envFile = need('INTEROP_ENV_FILE');
// localclerk delivers its webhooks here from the start (run.sh passes
// -webhook-url), each verified with @clerk/backend's verifyWebhook.
const webhooks = await startWebhookReceiver(Number(need('INTEROP_WEBHOOK_PORT')), need('INTEROP_WEBHOOK_SECRET'));
// The built-in demo fixture of localclerk (-seed).
const alice = { id: 'user_demo_alice', email: 'alice@example.com', password: 'alice-password', firstName: 'Alice' };

const version = (pkg) => JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url))).version;
console.log(`interop: @clerk/express ${version('@clerk/express')}, @clerk/backend ${version('@clerk/backend')}, express ${version('express')}, node ${process.version}`);
console.log(`interop: localclerk Frontend API ${fapi}, Backend API ${apiUrl}`);

let passed = 0;
let failed = 0;
// A hung request must not hang CI.
setTimeout(() => {
  console.log(`FAIL interop timed out after 300 s\n${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, 300_000).unref();
async function check(name, fn) {
  try {
    const detail = await fn();
    passed++;
    console.log(`PASS ${name}${detail ? `\n       ${detail}` : ''}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n       ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n       ')}`);
  }
}

// --- a browser with plain fetch ---------------------------------------------
// A cookie jar per origin, redirects followed by hand, Sec-Fetch-Dest:
// document on every hop, 303 turning a POST into a GET.
const jars = new Map();
const jarFor = (origin) => {
  if (!jars.has(origin)) jars.set(origin, new Map());
  return jars.get(origin);
};
// Cookies are kept with their expiry (Max-Age / Expires), so short-lived
// ones such as the handshake loop guard lapse as in a browser.
const live = (jar) => {
  for (const [k, c] of jar) if (c.expires !== undefined && c.expires <= Date.now()) jar.delete(k);
  return jar;
};
const cookieOf = (origin, name) => live(jarFor(origin)).get(name)?.value;
function store(url, res) {
  const jar = jarFor(url.origin);
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    let expires;
    for (const a of attrs) {
      const [k, v = ''] = a.split('=').map((x) => x.trim());
      if (/^max-age$/i.test(k)) expires = Date.now() + Number(v) * 1000;
      else if (/^expires$/i.test(k) && expires === undefined) expires = Date.parse(v);
    }
    if (value === '' || (expires !== undefined && expires <= Date.now())) jar.delete(name);
    else jar.set(name, { value, expires });
  }
}
async function navigate(start, { method = 'GET', form, headers = {}, document = true } = {}) {
  const hops = [];
  let url = new URL(start);
  let body = form ? new URLSearchParams(form).toString() : undefined;
  for (let i = 0; i < 12; i++) {
    const h = { ...headers };
    if (document) Object.assign(h, { 'sec-fetch-dest': 'document', accept: 'text/html' });
    const cookies = [...live(jarFor(url.origin))].map(([k, c]) => `${k}=${c.value}`).join('; ');
    if (cookies) h.cookie = cookies;
    if (body !== undefined) Object.assign(h, { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin });
    const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
    store(url, res);
    const location = res.headers.get('location');
    hops.push({ url, status: res.status, location });
    if (res.status < 300 || res.status >= 400 || !location) {
      const text = await res.text();
      return { hops, res, text, json: () => JSON.parse(text), trace: trace(hops) };
    }
    await res.arrayBuffer();
    if (res.status === 303) {
      method = 'GET';
      body = undefined;
    }
    url = new URL(location, url);
  }
  throw new Error(`too many redirects: ${trace(hops)}`);
}
function trace(hops) {
  return hops.map((h) => `${h.url.origin === appBase ? 'app' : 'localclerk'} ${h.url.pathname} ${h.status}`).join(' → ');
}
const handshakesIn = (nav) => nav.hops.filter((h) => h.status === 307 && h.location?.startsWith(`${fapi}/v1/client/handshake?`));

// --- the Express app under test -----------------------------------------------
// clerkMiddleware redeems the handshake nonce (GET /v1/clients/handshake_payload)
// with its clerkClient, not with the secretKey/apiUrl options; without a
// clerkClient option it uses the default client configured from CLERK_* in
// the environment, which run.sh deliberately leaves empty. So the same
// settings go in both places.
const app = express();
const appClient = createClerkClient({ publishableKey, secretKey, apiUrl, proxyUrl: fapi });
app.use(clerkMiddleware({ publishableKey, secretKey, proxyUrl: fapi, apiUrl, clerkClient: appClient }));
app.get('/whoami', (req, res) => res.json(getAuth(req)));
app.get('/machine', (req, res) => res.json(getAuth(req, { acceptsToken: req.query.accept })));
const server = await new Promise((resolve, reject) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
  s.on('error', reject);
});
const appBase = `http://127.0.0.1:${server.address().port}`;
console.log(`interop: Express app ${appBase} with clerkMiddleware({ publishableKey, secretKey, proxyUrl: ${fapi}, apiUrl: ${apiUrl}, clerkClient })`);

try {
  // (i) A session token issued by localclerk, sent as a Bearer token.
  let token;
  let sessionId;
  await check('(i) @clerk/express authenticates a localclerk session token sent as Authorization: Bearer', async () => {
    // Sign in on the hosted page (no app involved), then ask the Frontend
    // API for the client's session and a fresh token, as clerk-js does.
    // Without a redirect_url localclerk sends the user on to its
    // after-sign-in URL (not listening here), so only the first hop is read.
    const signIn = await fetch(`${fapi}/sign-in`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ email: alice.email, password: alice.password }),
    });
    const dvb = new URL(signIn.headers.get('location') ?? '', fapi).searchParams.get('__clerk_db_jwt');
    assert.match(dvb ?? '', /^dvb_/, `sign-in did not hand out a dev browser: ${signIn.status} ${signIn.headers.get('location')}`);
    const client = await (await fetch(`${fapi}/v1/client?__clerk_db_jwt=${dvb}`)).json();
    sessionId = client.response.last_active_session_id;
    assert.match(sessionId ?? '', /^sess_/, `no active session on the client: ${JSON.stringify(client)}`);
    const res = await fetch(`${fapi}/v1/client/sessions/${sessionId}/tokens?__clerk_db_jwt=${dvb}`, { method: 'POST' });
    assert.equal(res.status, 200);
    token = (await res.json()).jwt;
    const nav = await navigate(`${appBase}/whoami`, { document: false, headers: { authorization: `Bearer ${token}` } });
    assert.equal(nav.hops.length, 1, `a Bearer request must not be redirected: ${nav.trace}`);
    assert.equal(nav.res.status, 200);
    const auth = nav.json();
    assert.equal(auth.isAuthenticated, true, JSON.stringify(auth));
    assert.equal(auth.tokenType, 'session_token');
    assert.equal(auth.userId, alice.id);
    assert.equal(auth.sessionId, sessionId);
    assert.equal(auth.orgId, 'org_demo_acme');
    assert.equal(auth.orgRole, 'org:admin');
    return `getAuth(req) → userId ${auth.userId}, sessionId ${auth.sessionId}, orgId ${auth.orgId}, orgRole ${auth.orgRole}`;
  });

  await check('(i) @clerk/express rejects the same token with a forged signature', async () => {
    assert.ok(token, 'no token from the previous check');
    const [h, p, s] = token.split('.');
    const forged = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const nav = await navigate(`${appBase}/whoami`, { document: false, headers: { authorization: `Bearer ${forged}` } });
    const auth = nav.json();
    assert.equal(auth.isAuthenticated, false, JSON.stringify(auth));
    assert.equal(auth.userId, null);
    return `getAuth(req) → isAuthenticated ${auth.isAuthenticated}, userId ${auth.userId}`;
  });

  await check('(env) an Express app configured only by localclerk\'s -env-file (loaded by bash: set -a; . file) accepts its token', async () => {
    assert.ok(token, 'no token from the first check');
    const script = fileURLToPath(new URL('./envapp.mjs', import.meta.url));
    const child = spawn('bash', ['-c', 'set -a; . "$1"; set +a; exec node "$2"', 'bash', envFile, script], {
      env: { PATH: process.env.PATH, CLERK_TELEMETRY_DISABLED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const url = await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = out.match(/^app (http:\S+)\n/);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`envapp.mjs exited (${code}): ${stderr}`)));
      });
      const res = await fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const auth = await res.json();
      assert.equal(auth.isAuthenticated, true, `${JSON.stringify(auth)} reason ${res.headers.get('x-clerk-auth-reason')}`);
      assert.equal(auth.userId, alice.id);
      return `clerkMiddleware() from the environment → userId ${auth.userId}`;
    } finally {
      child.stdin.end();
    }
  });

  // (ii) The browser flow: document request → handshake against localclerk.
  await check('(ii) first visit: Express 307s to localclerk\'s handshake, localclerk returns a nonce, Express sets cookies (signed out)', async () => {
    jars.clear(); // a fresh browser: (i) left Alice signed in on localclerk's own cookie
    const nav = await navigate(`${appBase}/whoami`);
    const hs = handshakesIn(nav);
    assert.equal(hs.length, 1, `want one handshake: ${nav.trace}`);
    assert.equal(hs[0].url.origin, appBase);
    const hsURL = new URL(hs[0].location);
    assert.equal(hsURL.searchParams.get('redirect_url'), `${appBase}/whoami`);
    const back = nav.hops.find((h) => h.url.origin === fapi);
    assert.equal(back.status, 307);
    assert.ok(new URL(back.location).searchParams.get('__clerk_handshake_nonce'), `no nonce: ${back.location}`);
    assert.equal(nav.res.status, 200, nav.trace);
    const auth = nav.json();
    assert.equal(auth.isAuthenticated, false);
    assert.equal(auth.userId, null);
    assert.match(cookieOf(appBase, '__clerk_db_jwt') ?? '', /^dvb_/, 'Express did not store the dev browser cookie');
    return `${nav.trace} → userId ${auth.userId} (reason ${hsURL.searchParams.get('__clerk_hs_reason')}); cookies: ${[...live(jarFor(appBase)).keys()].join(', ')}`;
  });

  await check('(ii) sign in on localclerk\'s hosted page → back to Express → handshake → signed in with cookies', async () => {
    const dvb = cookieOf(appBase, '__clerk_db_jwt');
    assert.ok(dvb, 'no dev browser from the previous check');
    const nav = await navigate(`${fapi}/sign-in`, {
      method: 'POST',
      form: { email: alice.email, password: alice.password, redirect_url: `${appBase}/whoami`, __clerk_db_jwt: dvb },
    });
    assert.equal(nav.hops[0].status, 303, nav.trace);
    assert.equal(new URL(nav.hops[0].location).searchParams.get('__clerk_db_jwt'), dvb);
    assert.equal(handshakesIn(nav).length, 1, `want one handshake: ${nav.trace}`);
    assert.equal(nav.res.status, 200, nav.trace);
    const auth = nav.json();
    assert.equal(auth.isAuthenticated, true, JSON.stringify(auth));
    assert.equal(auth.userId, alice.id);
    assert.match(auth.sessionId, /^sess_/);
    assert.ok(cookieOf(appBase, '__session'), 'no __session cookie');
    assert.notEqual(cookieOf(appBase, '__client_uat'), '0');
    return `${nav.trace} → userId ${auth.userId}, sessionId ${auth.sessionId}, orgSlug ${auth.orgSlug}`;
  });

  await check('(ii) the next document request is signed in from the cookies alone', async () => {
    const nav = await navigate(`${appBase}/whoami`);
    assert.equal(nav.hops.length, 1, `unexpected redirect: ${nav.trace}`);
    const auth = nav.json();
    assert.equal(auth.userId, alice.id, JSON.stringify(auth));
    return `${nav.trace} → userId ${auth.userId}`;
  });

  await check('(ii) sign out on localclerk\'s hosted page → back to Express → handshake → signed out', async () => {
    const dvb = cookieOf(appBase, '__clerk_db_jwt');
    const nav = await navigate(`${fapi}/sign-out`, { method: 'POST', form: { redirect_url: `${appBase}/whoami`, __clerk_db_jwt: dvb } });
    assert.equal(handshakesIn(nav).length, 1, `want one handshake: ${nav.trace}`);
    const auth = nav.json();
    assert.equal(auth.isAuthenticated, false, JSON.stringify(auth));
    assert.equal(auth.userId, null);
    assert.equal(cookieOf(appBase, '__session'), undefined, '__session cookie survived sign-out');
    return `${nav.trace} → userId ${auth.userId}, __client_uat=${cookieOf(appBase, '__client_uat')}`;
  });

  // (iii) @clerk/backend decoding localclerk's Backend API answers.
  const clerk = createClerkClient({ secretKey, apiUrl });
  await check('(iii) createClerkClient({ secretKey, apiUrl }).users.getUser(id) decodes the user', async () => {
    const u = await clerk.users.getUser(alice.id);
    assert.equal(u.id, alice.id);
    assert.equal(u.firstName, alice.firstName);
    assert.equal(u.lastName, 'Admin');
    assert.equal(u.username, 'alice');
    assert.equal(u.emailAddresses[0].emailAddress, alice.email);
    assert.equal(u.primaryEmailAddress?.emailAddress, alice.email);
    assert.equal(u.emailAddresses[0].verification?.status, 'verified');
    assert.equal(u.passwordEnabled, true);
    assert.ok(u.createdAt > 0 && u.updatedAt >= u.createdAt);
    return `${u.id}: ${u.firstName} ${u.lastName} <${u.emailAddresses[0].emailAddress}>, username ${u.username}`;
  });

  await check('(iii) users.getUserList() decodes the paginated list', async () => {
    const list = await clerk.users.getUserList({ orderBy: '+created_at' });
    assert.equal(list.totalCount, 3);
    assert.deepEqual(list.data.map((u) => u.id), ['user_demo_alice', 'user_demo_bob', 'user_demo_carol']);
    assert.equal(list.data[1].emailAddresses[0].emailAddress, 'bob@example.com');
    assert.equal(list.data[1].firstName, 'Bob');
    const filtered = await clerk.users.getUserList({ emailAddress: ['bob@example.com'] });
    assert.equal(filtered.totalCount, 1);
    assert.equal(filtered.data[0].id, 'user_demo_bob');
    return `totalCount ${list.totalCount}: ${list.data.map((u) => `${u.id} (${u.firstName})`).join(', ')}; emailAddress filter → ${filtered.data[0].id}`;
  });

  await check('(iii) a 404 decodes as ClerkAPIResponseError with Clerk\'s error code', async () => {
    await assert.rejects(clerk.users.getUser('user_doesnotexist'), (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.errors?.[0]?.code, 'resource_not_found');
      return true;
    });
    return 'users.getUser(unknown) → 404 resource_not_found';
  });

  // Beyond the brief's three: machine tokens verified by localclerk's
  // Backend API through @clerk/express.
  const machineAuth = async (token, accept) => {
    const nav = await navigate(`${appBase}/machine?accept=${accept}`, { document: false, headers: { authorization: `Bearer ${token}` } });
    assert.equal(nav.res.status, 200, nav.text);
    return nav.json();
  };
  await check('(extra) getAuth(req, { acceptsToken: \'api_key\' }) authenticates localclerk API keys; a revoked key is refused', async () => {
    const seeded = await machineAuth(demoAPIKey, 'api_key');
    assert.equal(seeded.isAuthenticated, true, JSON.stringify(seeded));
    assert.equal(seeded.tokenType, 'api_key');
    assert.equal(seeded.userId, alice.id);
    const key = await clerk.apiKeys.create({ name: 'interop', subject: 'user_demo_bob', scopes: ['read'] });
    const fresh = await machineAuth(key.secret, 'api_key');
    assert.equal(fresh.userId, 'user_demo_bob', JSON.stringify(fresh));
    assert.deepEqual(fresh.scopes, ['read']);
    await clerk.apiKeys.revoke({ apiKeyId: key.id, revocationReason: 'interop' });
    const revoked = await machineAuth(key.secret, 'api_key');
    assert.equal(revoked.isAuthenticated, false, JSON.stringify(revoked));
    return `seeded key → ${seeded.userId}; created key ${key.id} → ${fresh.userId} ${JSON.stringify(fresh.scopes)}; after revoke → isAuthenticated ${revoked.isAuthenticated}`;
  });

  await check('(extra) an M2M token minted with clerk.m2m.createToken is authenticated as m2m_token', async () => {
    const m2m = await clerk.m2m.createToken({ machineSecretKey, secondsUntilExpiration: 300 });
    const auth = await machineAuth(m2m.token, 'm2m_token');
    assert.equal(auth.isAuthenticated, true, JSON.stringify(auth));
    assert.equal(auth.tokenType, 'm2m_token');
    assert.equal(auth.machineId, 'mch_demo_worker');
    const asKey = await machineAuth(m2m.token, 'api_key');
    assert.equal(asKey.isAuthenticated, false, 'an M2M token must not pass as an API key');
    return `${m2m.id} → machineId ${auth.machineId}; as api_key → isAuthenticated ${asKey.isAuthenticated}`;
  });

  // (resources) @clerk/backend driving each Backend API resource localclerk
  // serves: one module per resource in resources/, each exporting
  // `default async function (ctx)` that registers its checks with
  // ctx.check. They run in file-name order against the same instance.
  const dir = new URL('./resources/', import.meta.url);
  const modules = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  for (const file of modules) {
    const mod = await import(new URL(file, dir));
    await mod.default({ check, clerk, assert, alice, machineSecretKey, publishableKey, secretKey, apiUrl, fapi, webhooks });
  }
} finally {
  server.close();
  await webhooks.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
