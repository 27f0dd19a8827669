// JWT templates through clerk.jwtTemplates: create, get, list with paging,
// update, delete; a session token minted from the template carries its
// claims, and is signed with the template's own key when it has one.
import { createHmac } from 'node:crypto';
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  const made = [];

  await check('(jwt templates) create decodes the template; get reads it back', async () => {
    for (const name of ['i16-one', 'i16-two']) {
      made.push(await clerk.jwtTemplates.create({ name, claims: { aud: 'i16', role: '{{user.public_metadata.role}}' }, lifetime: 300, allowedClockSkew: 10 }));
    }
    const [one] = made;
    assert.match(one.id, /^jtmp_/);
    assert.equal(one.name, 'i16-one');
    assert.deepEqual(one.claims, { aud: 'i16', role: '{{user.public_metadata.role}}' });
    assert.equal(one.lifetime, 300);
    assert.equal(one.allowedClockSkew, 10);
    assert.equal(one.customSigningKey, false);
    assert.equal(one.signingAlgorithm, 'RS256');
    const got = await clerk.jwtTemplates.get(one.id);
    assert.equal(got.id, one.id);
    assert.deepEqual(got.claims, one.claims);
    assert.equal(got.lifetime, 300);
    return `${made.map((t) => `${t.id} ${t.name}`).join(', ')}`;
  });

  await check('(jwt templates) create with a taken name → 422 form_identifier_exists', async () =>
    rejectsWith(clerk.jwtTemplates.create({ name: 'i16-one', claims: {} }), 422, 'form_identifier_exists', 'name'),
  );

  await check('(jwt templates) list pages with limit/offset and counts every template', async () => {
    const all = await clerk.jwtTemplates.list();
    assert.ok(all.totalCount >= 2);
    assert.equal(all.data.length, all.totalCount);
    for (const t of made) assert.ok(ids(all.data).includes(t.id), `${t.id} missing from the list`);
    const first = await clerk.jwtTemplates.list({ limit: 1 });
    assert.equal(first.data.length, 1);
    assert.equal(first.totalCount, all.totalCount, 'totalCount counts every template, not the page');
    const second = await clerk.jwtTemplates.list({ limit: 1, offset: 1 });
    assert.equal(second.data.length, 1);
    assert.deepEqual([...ids(first.data), ...ids(second.data)], ids(all.data).slice(0, 2));
    return `totalCount ${all.totalCount}; limit 1 → ${ids(first.data)}, offset 1 → ${ids(second.data)}`;
  });

  await check('(jwt templates) update renames and changes claims and lifetime; tokens use the new claims', async () => {
    const [, two] = made;
    const upd = await clerk.jwtTemplates.update({ templateId: two.id, name: 'i16-renamed', claims: { aud: 'i16b', fixed: 42 }, lifetime: 90 });
    assert.equal(upd.id, two.id);
    assert.equal(upd.name, 'i16-renamed');
    assert.deepEqual(upd.claims, { aud: 'i16b', fixed: 42 });
    assert.equal(upd.lifetime, 90);
    const back = await clerk.jwtTemplates.get(two.id);
    assert.equal(back.name, 'i16-renamed');
    assert.deepEqual(back.claims, { aud: 'i16b', fixed: 42 });
    const user = await clerk.users.createUser({ emailAddress: ['i16-jay@example.com'], skipPasswordRequirement: true });
    const s = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(s.id, 'i16-renamed');
    const c = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    assert.equal(c.fixed, 42);
    assert.equal(c.aud, 'i16b');
    assert.equal(c.exp - c.iat, 90);
    await rejectsWith(clerk.sessions.getToken(s.id, 'i16-two'), 404, 'resource_not_found');
    return `${upd.id} → ${upd.name} ${JSON.stringify(upd.claims)}; token fixed=${c.fixed}, lifetime ${c.exp - c.iat} s`;
  });

  await check('(jwt templates) a template with a custom HS256 signing key (as for Supabase) signs its tokens with that secret', async () => {
    const secret = 'i16-supabase-jwt-secret-0123456789abcdef';
    const tpl = await clerk.jwtTemplates.create({ name: 'i16-supabase', claims: { role: 'authenticated' }, customSigningKey: true, signingAlgorithm: 'HS256', signingKey: secret });
    made.push(tpl);
    assert.equal(tpl.customSigningKey, true);
    assert.equal(tpl.signingAlgorithm, 'HS256');
    assert.equal((await clerk.jwtTemplates.get(tpl.id)).customSigningKey, true);
    const user = await clerk.users.createUser({ emailAddress: ['i16-sue@example.com'], skipPasswordRequirement: true });
    const s = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(s.id, 'i16-supabase');
    const [h, p, sig] = jwt.split('.');
    assert.equal(JSON.parse(Buffer.from(h, 'base64url').toString()).alg, 'HS256');
    assert.equal(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'), sig, 'the token is not signed with the template\'s secret');
    assert.equal(JSON.parse(Buffer.from(p, 'base64url').toString()).role, 'authenticated');
    await rejectsWith(clerk.jwtTemplates.create({ name: 'i16-nokey', claims: {}, customSigningKey: true, signingAlgorithm: 'HS256' }), 422, 'form_param_missing', 'signing_key');
    return `${tpl.id}: HS256 token verifies with the secret`;
  });

  await check('(jwt templates) delete answers a deleted object; get → 404', async () => {
    for (const t of made) {
      const del = await clerk.jwtTemplates.delete(t.id);
      assert.equal(del.id, t.id);
      assert.equal(del.object, 'jwt_template');
      assert.equal(del.deleted, true);
      await rejectsWith(clerk.jwtTemplates.get(t.id), 404, 'resource_not_found');
    }
    const after = await clerk.jwtTemplates.list();
    for (const t of made) assert.ok(!ids(after.data).includes(t.id));
    return `deleted ${ids(made).join(', ')}`;
  });
}
