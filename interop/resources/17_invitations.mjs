// Invitations through clerk.invitations: create, create in bulk, list with
// status / query filters and ordering, accept (hosted sign-up with the
// ticket), revoke. (@clerk/backend's
// deleteInvitation calls DELETE /invitations/{id}, which is not in the
// Backend API specification localclerk follows.)
import { apiError, ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, fapi }) {
  const addr = (n) => `i17-${n}@example.com`;
  let single;
  let bulk;

  await check('(invitations) createInvitation decodes the pending invitation with its ticket url and metadata', async () => {
    single = await clerk.invitations.createInvitation({
      emailAddress: addr('ann'), publicMetadata: { team: 'blue' }, redirectUrl: 'http://localhost:3000/welcome', expiresInDays: 7, notify: false,
    });
    assert.match(single.id, /^inv_/);
    assert.equal(single.emailAddress, addr('ann'));
    assert.equal(single.status, 'pending');
    assert.equal(single.revoked, false);
    assert.deepEqual(single.publicMetadata, { team: 'blue' });
    const url = new URL(single.url);
    assert.ok(url.searchParams.get('ticket'), `no ticket in ${single.url}`);
    assert.equal(url.searchParams.get('redirect_url'), 'http://localhost:3000/welcome');
    assert.equal(single.raw.expires_at - single.createdAt, 7 * 24 * 3600 * 1000);
    return `${single.id} ${single.emailAddress} ${single.status}`;
  });

  await check('(invitations) a second pending invitation for the address → 400 duplicate_record naming it; ignoreExisting answers the first', async () => {
    const dup = await apiError(clerk.invitations.createInvitation({ emailAddress: addr('ann') }));
    assert.equal(dup.status, 400);
    assert.equal(dup.errors[0].code, 'duplicate_record');
    assert.deepEqual(dup.errors[0].meta?.emailAddresses, [addr('ann')]);
    const same = await clerk.invitations.createInvitation({ emailAddress: addr('ann'), ignoreExisting: true });
    assert.equal(same.id, single.id);
    return `400 duplicate_record ${JSON.stringify(dup.errors[0].meta.emailAddresses)}; ignoreExisting → ${same.id}`;
  });

  await check('(invitations) createInvitationBulk creates every invitation, in order', async () => {
    bulk = await clerk.invitations.createInvitationBulk([{ emailAddress: addr('ben') }, { emailAddress: addr('cat'), publicMetadata: { team: 'red' } }]);
    assert.equal(bulk.length, 2);
    assert.deepEqual(bulk.map((i) => i.emailAddress), [addr('ben'), addr('cat')]);
    assert.ok(bulk.every((i) => i.status === 'pending' && /^inv_/.test(i.id)));
    assert.deepEqual(bulk[1].publicMetadata, { team: 'red' });
    return ids(bulk).join(', ');
  });

  await check('(invitations) getInvitationList filters by status and query, orders by email_address, pages', async () => {
    const mine = await clerk.invitations.getInvitationList({ query: 'i17-', status: 'pending', orderBy: '+email_address' });
    assert.equal(mine.totalCount, 3);
    assert.deepEqual(mine.data.map((i) => i.emailAddress), [addr('ann'), addr('ben'), addr('cat')]);
    const desc = await clerk.invitations.getInvitationList({ query: 'i17-', orderBy: '-email_address', limit: 2, offset: 1 });
    assert.deepEqual(desc.data.map((i) => i.emailAddress), [addr('ben'), addr('ann')]);
    assert.equal(desc.totalCount, 3);
    const one = await clerk.invitations.getInvitationList({ query: 'i17-ben' });
    assert.deepEqual(ids(one.data), [bulk[0].id]);
    return `pending i17- → ${mine.data.map((i) => i.emailAddress.split('@')[0]).join(', ')}`;
  });

  await check('(invitations) signing up on the hosted page with the ticket accepts the invitation and carries its metadata', async () => {
    const ticket = new URL(bulk[0].url).searchParams.get('ticket');
    const res = await fetch(`${fapi}/sign-up`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ ticket, email: addr('ben'), password: 'i17-ben-password', first_name: 'Ben' }),
    });
    await res.arrayBuffer();
    assert.equal(res.status, 303, 'the ticket sign-up did not complete');
    const users = await clerk.users.getUserList({ emailAddress: [addr('ben')] });
    assert.equal(users.totalCount, 1);
    assert.equal(users.data[0].firstName, 'Ben');
    assert.equal(users.data[0].primaryEmailAddress?.verification?.status, 'verified');
    const accepted = await clerk.invitations.getInvitationList({ query: 'i17-', status: 'accepted' });
    assert.deepEqual(ids(accepted.data), [bulk[0].id]);
    assert.equal(accepted.data[0].url, undefined, 'an accepted invitation has no ticket url');
    return `${bulk[0].id} → accepted; user ${users.data[0].id}`;
  });

  await check('(invitations) revokeInvitation revokes; the status filter sees it; revoking again fails', async () => {
    const rev = await clerk.invitations.revokeInvitation(bulk[1].id);
    assert.equal(rev.id, bulk[1].id);
    assert.equal(rev.status, 'revoked');
    assert.equal(rev.revoked, true);
    const revoked = await clerk.invitations.getInvitationList({ query: 'i17-', status: 'revoked' });
    assert.deepEqual(ids(revoked.data), [bulk[1].id]);
    const pending = await clerk.invitations.getInvitationList({ query: 'i17-', status: 'pending' });
    assert.deepEqual(ids(pending.data), [single.id]);
    await rejectsWith(clerk.invitations.revokeInvitation(bulk[1].id), 400, 'invitation_already_revoked');
    await rejectsWith(clerk.invitations.revokeInvitation('inv_doesnotexist'), 404, 'resource_not_found');
    return `${rev.id} → ${rev.status}; pending now ${ids(pending.data).join(', ')}`;
  });
}
