// E-mail addresses through clerk.emailAddresses: create, read, update
// (verified, primary), delete. The Backend API has no list of addresses:
// the user's emailAddresses and getUserList({ emailAddress }) are the list.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  const first = 'i11-first@example.com';
  const second = 'i11-second@example.com';
  let user;
  let added;

  await check('(email addresses) createEmailAddress adds an address to a user; getEmailAddress reads it', async () => {
    user = await clerk.users.createUser({ emailAddress: [first], skipPasswordRequirement: true, firstName: 'Ivy' });
    added = await clerk.emailAddresses.createEmailAddress({ userId: user.id, emailAddress: second, verified: false });
    assert.match(added.id, /^idn_/);
    assert.equal(added.emailAddress, second);
    assert.notEqual(added.verification?.status, 'verified');
    assert.deepEqual(added.linkedTo, []);
    const got = await clerk.emailAddresses.getEmailAddress(added.id);
    assert.equal(got.id, added.id);
    assert.equal(got.emailAddress, second);
    const u = await clerk.users.getUser(user.id);
    assert.deepEqual(u.emailAddresses.map((e) => e.emailAddress).sort(), [first, second]);
    assert.equal(u.primaryEmailAddress?.emailAddress, first, 'a new address is not primary unless asked');
    const found = await clerk.users.getUserList({ emailAddress: [second] });
    assert.deepEqual(ids(found.data), [user.id]);
    return `${added.id} ${added.emailAddress} on ${user.id}, verification ${added.verification?.status}`;
  });

  await check('(email addresses) createEmailAddress with an address another user holds → 422 form_identifier_exists', async () => {
    const other = await clerk.users.createUser({ emailAddress: ['i11-other@example.com'], skipPasswordRequirement: true });
    return rejectsWith(clerk.emailAddresses.createEmailAddress({ userId: other.id, emailAddress: first }), 422, 'form_identifier_exists', 'email_address');
  });

  await check('(email addresses) updateEmailAddress marks it verified and primary, persisted on the user', async () => {
    const upd = await clerk.emailAddresses.updateEmailAddress(added.id, { verified: true, primary: true });
    assert.equal(upd.id, added.id);
    assert.equal(upd.verification?.status, 'verified');
    const u = await clerk.users.getUser(user.id);
    assert.equal(u.primaryEmailAddressId, added.id);
    assert.equal(u.primaryEmailAddress?.emailAddress, second);
    assert.equal((await clerk.emailAddresses.getEmailAddress(added.id)).verification?.status, 'verified');
    return `${upd.id} verification ${upd.verification?.status}; user's primary → ${u.primaryEmailAddress?.emailAddress}`;
  });

  await check('(email addresses) createEmailAddress with primary: true makes the new address primary', async () => {
    const third = await clerk.emailAddresses.createEmailAddress({ userId: user.id, emailAddress: 'i11-third@example.com', primary: true, verified: true });
    const u = await clerk.users.getUser(user.id);
    assert.equal(u.primaryEmailAddressId, third.id);
    assert.equal(third.verification?.status, 'verified');
    await clerk.emailAddresses.updateEmailAddress(added.id, { primary: true });
    await clerk.emailAddresses.deleteEmailAddress(third.id);
    assert.equal((await clerk.users.getUser(user.id)).primaryEmailAddressId, added.id);
    return `${third.id} primary, then ${added.id} again`;
  });

  await check('(email addresses) deleteEmailAddress removes the non-primary address; it is gone', async () => {
    const u = await clerk.users.getUser(user.id);
    const old = u.emailAddresses.find((e) => e.emailAddress === first);
    const del = await clerk.emailAddresses.deleteEmailAddress(old.id);
    assert.equal(del.id, old.id);
    assert.equal(del.object, 'email_address');
    assert.equal(del.deleted, true);
    await rejectsWith(clerk.emailAddresses.getEmailAddress(old.id), 404, 'resource_not_found');
    const after = await clerk.users.getUser(user.id);
    assert.deepEqual(after.emailAddresses.map((e) => e.emailAddress), [second]);
    assert.equal(await clerk.users.getCount({ emailAddress: [first] }), 0);
    return `${del.id} deleted ${del.deleted}; ${user.id} keeps ${second}`;
  });
}
