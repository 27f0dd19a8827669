// Users through @clerk/backend's clerk.users: create, read, list with
// filters, ordering and paging, count, update, metadata merge and replace,
// lock/unlock, ban/unban, password checks and removal, memberships per
// user, delete.
import { hostedSignInStatus, ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, fapi }) {
  const email = (n) => `i10-${n}@example.com`;
  const created = [];

  await check('(users) createUser decodes the new user; getUser reads it back', async () => {
    for (const [n, first, last] of [['zoe', 'Zoe', 'Zimmer'], ['adam', 'Adam', 'Abel'], ['mia', 'Mia', 'Moss']]) {
      const u = await clerk.users.createUser({
        emailAddress: [email(n)],
        password: `${n}-interop-password`,
        firstName: first,
        lastName: last,
        username: `i10_${n}`,
        externalId: `ext-i10-${n}`,
        publicMetadata: { plan: 'free', tags: ['a'] },
        privateMetadata: { crm: n },
        unsafeMetadata: { theme: 'dark' },
      });
      created.push(u);
    }
    const [zoe] = created;
    assert.match(zoe.id, /^user_/);
    assert.equal(zoe.firstName, 'Zoe');
    assert.equal(zoe.lastName, 'Zimmer');
    assert.equal(zoe.fullName, 'Zoe Zimmer');
    assert.equal(zoe.username, 'i10_zoe');
    assert.equal(zoe.externalId, 'ext-i10-zoe');
    assert.equal(zoe.passwordEnabled, true);
    assert.equal(zoe.banned, false);
    assert.equal(zoe.locked, false);
    assert.deepEqual(zoe.publicMetadata, { plan: 'free', tags: ['a'] });
    assert.deepEqual(zoe.privateMetadata, { crm: 'zoe' });
    assert.deepEqual(zoe.unsafeMetadata, { theme: 'dark' });
    assert.equal(zoe.emailAddresses.length, 1);
    assert.equal(zoe.primaryEmailAddress?.emailAddress, email('zoe'));
    assert.match(zoe.primaryEmailAddressId, /^idn_/);
    assert.ok(zoe.createdAt > 0 && zoe.updatedAt >= zoe.createdAt);
    const back = await clerk.users.getUser(zoe.id);
    assert.equal(back.id, zoe.id);
    assert.equal(back.username, 'i10_zoe');
    assert.deepEqual(back.privateMetadata, { crm: 'zoe' });
    assert.equal(back.primaryEmailAddress?.emailAddress, email('zoe'));
    return `${created.map((u) => `${u.id} ${u.username}`).join(', ')}`;
  });

  await check('(users) createUser with a taken e-mail address → 422 form_identifier_exists', async () =>
    rejectsWith(clerk.users.createUser({ emailAddress: [email('zoe')], password: 'another-password-1' }), 422, 'form_identifier_exists', 'email_address'),
  );

  await check('(users) getUserList filters (emailAddress, username, userId, externalId, query), orders and pages; getCount agrees', async () => {
    const [zoe, adam, mia] = created;
    const byEmail = await clerk.users.getUserList({ emailAddress: [email('zoe'), email('mia')], orderBy: '+created_at' });
    assert.deepEqual(ids(byEmail.data), [zoe.id, mia.id]);
    assert.equal(byEmail.totalCount, 2);
    const byUsername = await clerk.users.getUserList({ username: ['i10_adam'] });
    assert.deepEqual(ids(byUsername.data), [adam.id]);
    const byID = await clerk.users.getUserList({ userId: [zoe.id, adam.id], orderBy: '-first_name' });
    assert.deepEqual(ids(byID.data), [zoe.id, adam.id]);
    const byExternal = await clerk.users.getUserList({ externalId: ['ext-i10-mia'] });
    assert.deepEqual(ids(byExternal.data), [mia.id]);
    const byQuery = await clerk.users.getUserList({ query: 'i10-', orderBy: '+first_name' });
    assert.deepEqual(ids(byQuery.data), [adam.id, mia.id, zoe.id]);
    assert.equal(byQuery.totalCount, 3);
    const page = await clerk.users.getUserList({ query: 'i10-', orderBy: '+first_name', limit: 1, offset: 1 });
    assert.deepEqual(ids(page.data), [mia.id]);
    assert.equal(page.totalCount, 3, 'totalCount counts every match, not the page');
    const lastName = await clerk.users.getUserList({ query: 'i10-', orderBy: '-last_name', limit: 2 });
    assert.deepEqual(ids(lastName.data), [zoe.id, mia.id]);
    assert.equal(await clerk.users.getCount({ query: 'i10-' }), 3);
    assert.equal(await clerk.users.getCount({ emailAddress: [email('adam')] }), 1);
    assert.equal(await clerk.users.getCount({ username: ['nobody_here'] }), 0);
    return `query i10- by +first_name → ${byQuery.data.map((u) => u.firstName).join(', ')}; limit 1 offset 1 → ${page.data[0].firstName} (totalCount ${page.totalCount})`;
  });

  await check('(users) updateUser changes profile fields and persists them', async () => {
    const [, adam] = created;
    const u = await clerk.users.updateUser(adam.id, { firstName: 'Adrian', lastName: 'Abbott', username: 'i10_adrian', externalId: 'ext-i10-adrian' });
    assert.equal(u.firstName, 'Adrian');
    assert.equal(u.lastName, 'Abbott');
    assert.equal(u.username, 'i10_adrian');
    assert.equal(u.externalId, 'ext-i10-adrian');
    assert.ok(u.updatedAt >= adam.updatedAt);
    const back = await clerk.users.getUser(adam.id);
    assert.equal(back.fullName, 'Adrian Abbott');
    assert.equal(back.username, 'i10_adrian');
    assert.deepEqual(back.publicMetadata, { plan: 'free', tags: ['a'] }, 'a profile update must leave metadata alone');
    const list = await clerk.users.getUserList({ username: ['i10_adrian'] });
    assert.deepEqual(ids(list.data), [adam.id]);
    return `${u.id} → ${u.fullName} (${u.username})`;
  });

  await check('(users) createUser and updateUser carry locale, back-dated createdAt / legalAcceptedAt and the self-service switches', async () => {
    const signedUp = new Date('2024-02-03T04:05:06.000Z');
    const legal = new Date('2024-02-04T00:00:00.000Z');
    const old = await clerk.users.createUser({
      emailAddress: [email('old')], skipPasswordRequirement: true, locale: 'fr-FR', createdAt: signedUp, legalAcceptedAt: legal, skipLegalChecks: true,
    });
    created.push(old);
    assert.equal(old.locale, 'fr-FR');
    assert.equal(old.createdAt, signedUp.getTime());
    assert.equal(old.legalAcceptedAt, legal.getTime());
    assert.equal(old.deleteSelfEnabled, true);
    assert.equal(old.createOrganizationEnabled, true);
    assert.equal(old.createOrganizationsLimit, null);
    const upd = await clerk.users.updateUser(old.id, { deleteSelfEnabled: false, createOrganizationEnabled: false, createOrganizationsLimit: 2, locale: 'de-DE' });
    assert.equal(upd.deleteSelfEnabled, false);
    assert.equal(upd.createOrganizationEnabled, false);
    assert.equal(upd.createOrganizationsLimit, 2);
    assert.equal(upd.locale, 'de-DE');
    const back = await clerk.users.getUser(old.id);
    assert.deepEqual([back.deleteSelfEnabled, back.createOrganizationEnabled, back.createOrganizationsLimit, back.locale, back.createdAt],
      [false, false, 2, 'de-DE', signedUp.getTime()]);
    const before = await clerk.users.getUserList({ query: 'i10-', createdAtBefore: Date.parse('2025-01-01T00:00:00Z') });
    assert.deepEqual(ids(before.data), [old.id], 'createdAtBefore sees the back-dated sign-up');
    const after = await clerk.users.getUserList({ query: 'i10-', createdAtAfter: Date.parse('2025-01-01T00:00:00Z') });
    assert.ok(!ids(after.data).includes(old.id));
    await rejectsWith(clerk.users.createUser({ emailAddress: [email('bad-time')], createdAt: 'yesterday' }), 422, 'form_param_invalid_time', 'created_at');
    await clerk.users.deleteUser(old.id);
    created.pop();
    return `${old.id}: createdAt ${new Date(old.createdAt).toISOString()}, locale ${old.locale} → ${upd.locale}, createOrganizationsLimit ${upd.createOrganizationsLimit}`;
  });

  await check('(users) updateUser on an unknown user → 404 resource_not_found', async () =>
    rejectsWith(clerk.users.updateUser('user_doesnotexist', { firstName: 'X' }), 404, 'resource_not_found'),
  );

  await check('(users) updateUserMetadata deep-merges (null removes a key); replaceUserMetadata replaces', async () => {
    const [zoe] = created;
    const merged = await clerk.users.updateUserMetadata(zoe.id, {
      publicMetadata: { plan: 'pro', tags: null, limits: { seats: 3 } },
      privateMetadata: { crm: null, score: 7 },
    });
    assert.deepEqual(merged.publicMetadata, { plan: 'pro', limits: { seats: 3 } });
    assert.deepEqual(merged.privateMetadata, { score: 7 });
    assert.deepEqual(merged.unsafeMetadata, { theme: 'dark' }, 'unsent metadata is untouched');
    const again = await clerk.users.updateUserMetadata(zoe.id, { publicMetadata: { limits: { projects: 2 } } });
    assert.deepEqual(again.publicMetadata, { plan: 'pro', limits: { seats: 3, projects: 2 } });
    const back = await clerk.users.getUser(zoe.id);
    assert.deepEqual(back.publicMetadata, { plan: 'pro', limits: { seats: 3, projects: 2 } });
    const replaced = await clerk.users.replaceUserMetadata(zoe.id, { publicMetadata: { only: true } });
    assert.deepEqual(replaced.publicMetadata, { only: true });
    assert.deepEqual((await clerk.users.getUser(zoe.id)).publicMetadata, { only: true });
    return `merge → ${JSON.stringify(again.publicMetadata)}; replace → ${JSON.stringify(replaced.publicMetadata)}`;
  });

  await check('(users) lockUser / unlockUser and banUser / unbanUser flip locked and banned, persisted and enforced at sign-in', async () => {
    const [, , mia] = created;
    const signIn = () => hostedSignInStatus(fapi, email('mia'), 'mia-interop-password');
    assert.equal((await clerk.users.lockUser(mia.id)).locked, true);
    assert.equal((await clerk.users.getUser(mia.id)).locked, true);
    assert.equal(await signIn(), 403, 'a locked user signed in');
    assert.equal((await clerk.users.unlockUser(mia.id)).locked, false);
    assert.equal((await clerk.users.getUser(mia.id)).locked, false);
    assert.equal(await signIn(), 303, 'an unlocked user cannot sign in');
    const signedIn = await clerk.users.getUser(mia.id);
    assert.ok(signedIn.lastSignInAt >= mia.createdAt, `lastSignInAt ${signedIn.lastSignInAt} after a hosted sign-in`);
    assert.equal((await clerk.users.banUser(mia.id)).banned, true);
    assert.equal((await clerk.users.getUser(mia.id)).banned, true);
    assert.equal(await signIn(), 403, 'a banned user signed in');
    assert.equal((await clerk.users.unbanUser(mia.id)).banned, false);
    assert.equal((await clerk.users.getUser(mia.id)).banned, false);
    await rejectsWith(clerk.users.lockUser('user_doesnotexist'), 404, 'resource_not_found');
    return `${mia.id}: locked true (hosted sign-in 403) → false (303), banned true (403) → false`;
  });

  await check('(users) verifyPassword accepts the right password and rejects a wrong one; removePassword disables it', async () => {
    const [, , mia] = created;
    const ok = await clerk.users.verifyPassword({ userId: mia.id, password: 'mia-interop-password' });
    assert.equal(ok.verified, true);
    const bad = await rejectsWith(clerk.users.verifyPassword({ userId: mia.id, password: 'wrong-password' }), 422, 'incorrect_password');
    const removed = await clerk.users.removePassword(mia.id);
    assert.equal(removed.passwordEnabled, false);
    assert.equal((await clerk.users.getUser(mia.id)).passwordEnabled, false);
    return `right → verified ${ok.verified}; wrong → ${bad}; removePassword → passwordEnabled ${removed.passwordEnabled}`;
  });

  await check('(users) getOrganizationMembershipList({ userId }) lists the user\'s memberships', async () => {
    const [zoe] = created;
    const org = await clerk.organizations.createOrganization({ name: 'i10 Org', slug: 'i10-org', createdBy: zoe.id });
    const list = await clerk.users.getOrganizationMembershipList({ userId: zoe.id });
    assert.equal(list.totalCount, 1);
    assert.equal(list.data[0].organization.id, org.id);
    assert.equal(list.data[0].organization.slug, 'i10-org');
    assert.equal(list.data[0].role, 'org:admin');
    assert.equal(list.data[0].publicUserData.userId, zoe.id);
    const none = await clerk.users.getOrganizationMembershipList({ userId: created[2].id });
    assert.equal(none.totalCount, 0);
    assert.deepEqual(none.data, []);
    await clerk.organizations.deleteOrganization(org.id);
    return `${zoe.id} → ${list.data[0].organization.slug} as ${list.data[0].role}`;
  });

  await check('(users) deleteUser answers a deleted object; the user is gone', async () => {
    const [, , mia] = created;
    const del = await clerk.users.deleteUser(mia.id);
    assert.equal(del.id, mia.id);
    assert.equal(del.object, 'user');
    assert.equal(del.deleted, true);
    await rejectsWith(clerk.users.getUser(mia.id), 404, 'resource_not_found');
    assert.equal(await clerk.users.getCount({ query: 'i10-' }), 2);
    await rejectsWith(clerk.users.deleteUser(mia.id), 404, 'resource_not_found');
    return `${del.id} deleted ${del.deleted}; getUser → 404`;
  });
}
