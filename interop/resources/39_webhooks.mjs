// Webhooks: localclerk delivers Clerk's events for what the Backend API
// changes, Svix-signed so that @clerk/backend's verifyWebhook accepts
// them (check.mjs's receiver verifies every delivery of the run).
export default async function ({ check, clerk, assert, webhooks }) {
  // inOrder waits for each [type, match] and asserts they arrived in order.
  const inOrder = async (...steps) => {
    const got = [];
    for (const [type, match] of steps) got.push(await webhooks.waitFor(type, match));
    const at = got.map((e) => webhooks.events.indexOf(e));
    assert.deepEqual([...at].sort((a, b) => a - b), at, `out of order: ${steps.map((s) => s[0]).join(', ')}`);
    return got;
  };

  await check('(webhooks) user.created, user.updated, user.deleted for a user the Backend API manages, verified by verifyWebhook', async () => {
    const u = await clerk.users.createUser({ emailAddress: ['i39-wes@example.com'], skipPasswordRequirement: true, firstName: 'Wes' });
    await clerk.users.updateUser(u.id, { lastName: 'Hook' });
    await clerk.users.deleteUser(u.id);
    const [created, updated, deleted] = await inOrder(
      ['user.created', (d) => d.id === u.id],
      ['user.updated', (d) => d.id === u.id && d.last_name === 'Hook'],
      ['user.deleted', (d) => d.id === u.id],
    );
    assert.equal(created.data.email_addresses[0].email_address, 'i39-wes@example.com');
    assert.equal(created.data.first_name, 'Wes');
    assert.equal(created.object, 'event');
    assert.ok(created.timestamp > 0 && created.instance_id, 'event timestamp and instance_id');
    assert.equal(deleted.data.deleted, true);
    assert.equal(deleted.data.object, 'user');
    return `${created.svixId} ${created.type} → ${updated.type} → ${deleted.type} for ${u.id}`;
  });

  await check('(webhooks) organization.* and organizationMembership.* follow the organization\'s life', async () => {
    const u = await clerk.users.createUser({ emailAddress: ['i39-ora@example.com'], skipPasswordRequirement: true });
    const org = await clerk.organizations.createOrganization({ name: 'i39 Org', slug: 'i39-org' });
    await clerk.organizations.updateOrganization(org.id, { name: 'i39 Org Renamed' });
    const m = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: u.id, role: 'org:member' });
    await clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: u.id, role: 'org:admin' });
    await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: u.id });
    await clerk.organizations.deleteOrganization(org.id);
    const got = await inOrder(
      ['organization.created', (d) => d.id === org.id],
      ['organization.updated', (d) => d.id === org.id && d.name === 'i39 Org Renamed'],
      ['organizationMembership.created', (d) => d.id === m.id && d.role === 'org:member'],
      ['organizationMembership.updated', (d) => d.id === m.id && d.role === 'org:admin'],
      ['organizationMembership.deleted', (d) => d.id === m.id],
      ['organization.deleted', (d) => d.id === org.id],
    );
    assert.equal(got[2].data.organization.id, org.id);
    assert.equal(got[2].data.public_user_data.user_id, u.id);
    assert.equal(got[5].data.deleted, true);
    return got.map((e) => e.type).join(' → ');
  });

  await check('(webhooks) session.created and session.revoked; invitation.created and invitation.revoked', async () => {
    const u = await clerk.users.createUser({ emailAddress: ['i39-sol@example.com'], skipPasswordRequirement: true });
    const s = await clerk.sessions.createSession({ userId: u.id });
    await clerk.sessions.revokeSession(s.id);
    const [sc, sr] = await inOrder(['session.created', (d) => d.id === s.id], ['session.revoked', (d) => d.id === s.id]);
    assert.equal(sc.data.user_id, u.id);
    assert.equal(sr.data.status, 'revoked');
    const inv = await clerk.invitations.createInvitation({ emailAddress: 'i39-ivy@example.com' });
    await clerk.invitations.revokeInvitation(inv.id);
    const [ic, ir] = await inOrder(['invitation.created', (d) => d.id === inv.id], ['invitation.revoked', (d) => d.id === inv.id]);
    assert.equal(ic.data.email_address, 'i39-ivy@example.com');
    assert.equal(ir.data.status, 'revoked');
    return `${sc.type} → ${sr.type} (${s.id}); ${ic.type} → ${ir.type} (${inv.id})`;
  });

  await check('(webhooks) role.* and permission.* for custom roles and permissions', async () => {
    const p = await clerk.organizationPermissions.createOrganizationPermission({ name: 'i39 Hooks', key: 'org:i39_hooks:read' });
    await clerk.organizationPermissions.updateOrganizationPermission({ permissionId: p.id, name: 'i39 Hooks read' });
    const r = await clerk.organizationRoles.createOrganizationRole({ name: 'i39 Hooker', key: 'org:i39_hooker' });
    await clerk.organizationRoles.updateOrganizationRole({ organizationRoleId: r.id, name: 'i39 Hook role' });
    await clerk.organizationRoles.deleteOrganizationRole(r.id);
    await clerk.organizationPermissions.deleteOrganizationPermission(p.id);
    const got = await inOrder(
      ['permission.created', (d) => d.id === p.id],
      ['permission.updated', (d) => d.id === p.id && d.name === 'i39 Hooks read'],
      ['role.created', (d) => d.id === r.id],
      ['role.updated', (d) => d.id === r.id && d.name === 'i39 Hook role'],
      ['role.deleted', (d) => d.id === r.id],
      ['permission.deleted', (d) => d.id === p.id],
    );
    assert.equal(got[0].data.key, 'org:i39_hooks:read');
    assert.equal(got[2].data.key, 'org:i39_hooker');
    return got.map((e) => e.type).join(' → ');
  });
}
