// Allow-list identifiers through clerk.allowlistIdentifiers: create, list
// (newest first, paged), delete; enforced at the hosted sign-in while the
// allow-list is on. The Backend API has no read or update of
// one identifier.
import { hostedSignInStatus as signInStatus, ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, fapi }) {
  const made = [];

  await check('(allowlist) createAllowlistIdentifier decodes e-mail, domain and phone identifiers', async () => {
    for (const identifier of ['I18-Ann@Example.com', '*@i18.example.org', '+15555550118']) {
      made.push(await clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier, notify: false }));
    }
    const [email, domain, phone] = made;
    assert.match(email.id, /^alid_/);
    assert.equal(email.identifier, 'i18-ann@example.com', 'identifiers are stored lower-case');
    assert.equal(email.identifierType, 'email_address');
    assert.equal(domain.identifier, '*@i18.example.org');
    assert.equal(domain.identifierType, 'email_address');
    assert.equal(phone.identifierType, 'phone_number');
    assert.ok(email.createdAt > 0 && email.updatedAt === email.createdAt);
    assert.ok(email.instanceId, 'no instanceId');
    return made.map((m) => `${m.id} ${m.identifier} (${m.identifierType})`).join(', ');
  });

  await check('(allowlist) a duplicate identifier → 400 duplicate_record; a malformed one → 422 form_param_format_invalid', async () => {
    const dup = await rejectsWith(clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: 'i18-ann@example.com', notify: false }), 400, 'duplicate_record', 'identifier');
    const bad = await rejectsWith(clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: 'not an identifier', notify: false }), 422, 'form_param_format_invalid', 'identifier');
    return `duplicate → ${dup}; malformed → ${bad}`;
  });

  await check('(allowlist) getAllowlistIdentifierList lists newest first and pages with limit/offset', async () => {
    const all = await clerk.allowlistIdentifiers.getAllowlistIdentifierList();
    assert.equal(all.totalCount, all.data.length);
    const mine = all.data.filter((e) => ids(made).includes(e.id));
    assert.deepEqual(ids(mine), ids(made).reverse());
    const page = await clerk.allowlistIdentifiers.getAllowlistIdentifierList({ limit: 1, offset: 1 });
    assert.deepEqual(ids(page.data), [all.data[1].id]);
    assert.equal(page.totalCount, all.totalCount);
    return `totalCount ${all.totalCount}: ${all.data.map((e) => e.identifier).join(', ')}`;
  });

  await check('(allowlist) with the allow-list on (instance.updateRestrictions), only listed identifiers sign in on the hosted page', async () => {
    const email = 'i18-gus@example.com';
    const password = 'i18-gus-password';
    await clerk.users.createUser({ emailAddress: [email], password });
    try {
      const on = await clerk.instance.updateRestrictions({ allowlist: true });
      assert.equal(on.allowlist, true);
      const refused = await signInStatus(fapi, email, password);
      assert.equal(refused, 403, 'an identifier off the allow-list signed in');
      const domain = await clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: '*@example.com', notify: false });
      const allowed = await signInStatus(fapi, email, password);
      assert.equal(allowed, 303, 'an address of an allow-listed domain must sign in');
      await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(domain.id);
      assert.equal(await signInStatus(fapi, email, password), 403, 'a deleted allow-list entry still admits');
      return `off the list → ${refused}; *@example.com listed → ${allowed}`;
    } finally {
      await clerk.instance.updateRestrictions({ allowlist: false });
    }
  });

  await check('(allowlist) deleteAllowlistIdentifier removes it from the list; deleting again → 404', async () => {
    const del = await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(made[0].id);
    assert.equal(del.id, made[0].id);
    assert.equal(del.object, 'allowlist_identifier');
    assert.equal(del.deleted, true);
    const after = await clerk.allowlistIdentifiers.getAllowlistIdentifierList();
    assert.ok(!ids(after.data).includes(made[0].id));
    await rejectsWith(clerk.allowlistIdentifiers.deleteAllowlistIdentifier(made[0].id), 404, 'resource_not_found');
    for (const m of made.slice(1)) await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(m.id);
    return `${del.id} deleted ${del.deleted}`;
  });
}
