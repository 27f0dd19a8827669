// Organization invitations through clerk.organizations and clerk.users:
// create (one and in bulk), get, list with status / ordering / paging,
// the instance-wide and per-user lists, revoke. @clerk/backend has no
// method for ListPendingOrganizationInvitations (deprecated) or for the
// instance-wide list, so those are called with fetch and the secret key.

// rejects checks that promise fails with Clerk's error status, code and
// (when given) meta.param_name.
async function rejects(assert, promise, status, code, param) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.status, status, String(err));
    assert.equal(err.errors?.[0]?.code, code, JSON.stringify(err.errors));
    if (param) assert.equal(err.errors[0].meta?.paramName, param, JSON.stringify(err.errors));
    return `${status} ${code}`;
  }
  throw new Error(`expected ${status} ${code}, the call succeeded`);
}

export default async function ({ check, clerk, assert, alice, apiUrl, secretKey }) {
  const org = await clerk.organizations.createOrganization({ name: 'i40 Invitations', createdBy: alice.id });
  const organizationId = org.id;
  let dana;

  await check('(organization invitations) createOrganizationInvitation decodes the invitation', async () => {
    dana = await clerk.organizations.createOrganizationInvitation({
      organizationId, emailAddress: 'i40-dana@example.com', role: 'org:member', inviterUserId: alice.id,
      publicMetadata: { team: 'core' }, privateMetadata: { ref: 40 }, expiresInDays: 7,
    });
    assert.match(dana.id, /^orginv_/);
    assert.equal(dana.emailAddress, 'i40-dana@example.com');
    assert.equal(dana.role, 'org:member');
    assert.equal(dana.roleName, 'Member');
    assert.equal(dana.organizationId, organizationId);
    assert.equal(dana.status, 'pending');
    assert.deepEqual(dana.publicMetadata, { team: 'core' });
    assert.deepEqual(dana.privateMetadata, { ref: 40 });
    assert.match(dana.url, /\/v1\/tickets\/accept\?ticket=/);
    assert.ok(dana.expiresAt > dana.createdAt);
    return dana.id;
  });

  await check('(organization invitations) a second pending invitation for the address → 400 duplicate_record', async () =>
    rejects(assert, clerk.organizations.createOrganizationInvitation({ organizationId, emailAddress: 'i40-dana@example.com', role: 'org:admin' }),
      400, 'duplicate_record', 'email_address'),
  );

  await check('(organization invitations) an unknown role → 422 form_param_value_invalid', async () =>
    rejects(assert, clerk.organizations.createOrganizationInvitation({ organizationId, emailAddress: 'i40-x@example.com', role: 'org:boss' }),
      422, 'form_param_value_invalid', 'role'),
  );

  await check('(organization invitations) createOrganizationInvitationBulk creates them all', async () => {
    const res = await clerk.organizations.createOrganizationInvitationBulk(organizationId, [
      { emailAddress: 'i40-erin@example.com', role: 'org:member' },
      { emailAddress: 'i40-finn@example.com', role: 'org:admin' },
    ]);
    assert.equal(res.totalCount, 2);
    assert.deepEqual(res.data.map((i) => [i.emailAddress, i.role]), [['i40-erin@example.com', 'org:member'], ['i40-finn@example.com', 'org:admin']]);
  });

  await check('(organization invitations) getOrganizationInvitation', async () => {
    const got = await clerk.organizations.getOrganizationInvitation({ organizationId, invitationId: dana.id });
    assert.equal(got.id, dana.id);
    assert.equal(got.emailAddress, 'i40-dana@example.com');
  });

  await check('(organization invitations) an unknown invitation → 404 resource_not_found', async () =>
    rejects(assert, clerk.organizations.getOrganizationInvitation({ organizationId, invitationId: 'orginv_nope' }), 404, 'resource_not_found'),
  );

  await check('(organization invitations) revokeOrganizationInvitation; revoking again → 400 organization_invitation_not_pending', async () => {
    const revoked = await clerk.organizations.revokeOrganizationInvitation({ organizationId, invitationId: dana.id, requestingUserId: alice.id });
    assert.equal(revoked.status, 'revoked');
    return rejects(assert, clerk.organizations.revokeOrganizationInvitation({ organizationId, invitationId: dana.id }),
      400, 'organization_invitation_not_pending');
  });

  await check('(organization invitations) getOrganizationInvitationList filters by status, orders and pages', async () => {
    const pending = await clerk.organizations.getOrganizationInvitationList({ organizationId, status: ['pending'], orderBy: '-email_address' });
    assert.equal(pending.totalCount, 2);
    assert.deepEqual(pending.data.map((i) => i.emailAddress), ['i40-finn@example.com', 'i40-erin@example.com']);
    const revoked = await clerk.organizations.getOrganizationInvitationList({ organizationId, status: ['revoked'] });
    assert.deepEqual(revoked.data.map((i) => i.id), [dana.id]);
    const page = await clerk.organizations.getOrganizationInvitationList({ organizationId, orderBy: 'email_address', limit: 1, offset: 1 });
    assert.equal(page.totalCount, 3);
    assert.deepEqual(page.data.map((i) => i.emailAddress), ['i40-erin@example.com']);
  });

  await check('(organization invitations) users.getOrganizationInvitationList lists a user\'s invitations', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['i40-gus@example.com'], password: 'i40-long-password' });
    await clerk.organizations.createOrganizationInvitation({ organizationId, emailAddress: 'i40-gus@example.com', role: 'org:member' });
    const res = await clerk.users.getOrganizationInvitationList({ userId: user.id, status: 'pending' });
    assert.equal(res.totalCount, 1);
    assert.equal(res.data[0].organizationId, organizationId);
    assert.equal(res.data[0].publicOrganizationData.name, 'i40 Invitations');
  });

  await check('(organization invitations) the instance-wide and pending lists (fetch: @clerk/backend has no method)', async () => {
    const get = async (path) => {
      const res = await fetch(`${apiUrl}/v1${path}`, { headers: { Authorization: `Bearer ${secretKey}` } });
      assert.equal(res.status, 200, path);
      return res.json();
    };
    const all = await get('/organization_invitations?query=i40-&status=pending&order_by=email_address');
    assert.deepEqual(all.data.map((i) => i.email_address), ['i40-erin@example.com', 'i40-finn@example.com', 'i40-gus@example.com']);
    const pending = await get(`/organizations/${organizationId}/invitations/pending`);
    assert.equal(pending.total_count, 3);
  });
}
