// Waitlist entries through @clerk/backend's clerk.waitlistEntries: create,
// createBulk, list with a query and a status, invite (an invitation),
// reject, delete. @clerk/backend has no get or update for them; invite
// and reject are their updates.
export default async function ({ check, clerk, assert }) {
  await check('(resources) waitlist entries: create, bulk, list with query and status, invite, reject, delete', async () => {
    const stamp = Date.now().toString(36);
    const entry = await clerk.waitlistEntries.create({ emailAddress: `wait-${stamp}@example.com`, notify: false });
    assert.equal(entry.status, 'pending');
    const again = await clerk.waitlistEntries.create({ emailAddress: `wait-${stamp}@example.com` });
    assert.equal(again.id, entry.id, 'the same address answers its existing entry');
    const bulk = await clerk.waitlistEntries.createBulk([{ emailAddress: `bulk1-${stamp}@example.com` }, { emailAddress: `bulk2-${stamp}@example.com` }]);
    assert.equal(bulk.length, 2);

    const invited = await clerk.waitlistEntries.invite(entry.id);
    assert.equal(invited.status, 'invited');
    assert.equal(invited.invitation?.emailAddress, `wait-${stamp}@example.com`);
    const invitations = await clerk.invitations.getInvitationList({ query: `wait-${stamp}` });
    assert.deepEqual(invitations.data.map((i) => i.id), [invited.invitation.id]);
    await assert.rejects(clerk.waitlistEntries.invite(entry.id), (e) => e.status === 409);

    const rejected = await clerk.waitlistEntries.reject(bulk[0].id);
    assert.equal(rejected.status, 'rejected');
    const pending = await clerk.waitlistEntries.list({ query: stamp, status: 'pending' });
    assert.deepEqual(pending.data.map((w) => w.id), [bulk[1].id]);
    const sorted = await clerk.waitlistEntries.list({ query: stamp, orderBy: '+email_address' });
    assert.deepEqual(sorted.data.map((w) => w.emailAddress), [`bulk1-${stamp}@example.com`, `bulk2-${stamp}@example.com`, `wait-${stamp}@example.com`]);

    const deleted = await clerk.waitlistEntries.delete(bulk[1].id);
    assert.equal(deleted.deleted, true);
    await assert.rejects(clerk.waitlistEntries.delete(bulk[1].id), (e) => e.status === 404);
    await assert.rejects(clerk.waitlistEntries.create({ emailAddress: 'alice@example.com' }), (e) => e.status === 422 && e.errors[0].code === 'form_identifier_exists');
    return `${entry.id} invited (${invited.invitation.id}); ${rejected.id} rejected; ${pending.totalCount} pending; ${bulk[1].id} deleted`;
  });
}
