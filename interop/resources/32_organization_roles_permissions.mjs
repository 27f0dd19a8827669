// Organization permissions (clerk.organizationPermissions) and roles
// (clerk.organizationRoles): create, get, list with query / ordering /
// paging, update, assign and remove a permission, delete.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  const perms = [];
  let role;

  await check('(permissions) createOrganizationPermission decodes it; getOrganizationPermission reads it back', async () => {
    for (const [name, key] of [['i32 Read reports', 'org:i32_reports:read'], ['i32 Write reports', 'org:i32_reports:write']]) {
      perms.push(await clerk.organizationPermissions.createOrganizationPermission({ name, key, description: `${name} (interop)` }));
    }
    const [read] = perms;
    assert.match(read.id, /^perm_/);
    assert.equal(read.key, 'org:i32_reports:read');
    assert.equal(read.name, 'i32 Read reports');
    assert.equal(read.description, 'i32 Read reports (interop)');
    assert.ok(read.createdAt > 0);
    const got = await clerk.organizationPermissions.getOrganizationPermission(read.id);
    assert.equal(got.key, read.key);
    await rejectsWith(clerk.organizationPermissions.createOrganizationPermission({ name: 'dup', key: 'org:i32_reports:read' }), 422, 'form_identifier_exists', 'key');
    return perms.map((p) => `${p.id} ${p.key}`).join(', ');
  });

  await check('(permissions) getOrganizationPermissionList filters by query and orders by key', async () => {
    const list = await clerk.organizationPermissions.getOrganizationPermissionList({ query: 'i32_reports', orderBy: '-key' });
    assert.deepEqual(list.data.map((p) => p.key), ['org:i32_reports:write', 'org:i32_reports:read']);
    assert.equal(list.totalCount, 2);
    const byID = await clerk.organizationPermissions.getOrganizationPermissionList({ query: perms[1].id });
    assert.deepEqual(ids(byID.data), [perms[1].id]);
    const page = await clerk.organizationPermissions.getOrganizationPermissionList({ query: 'i32 ', orderBy: '+name', limit: 1 });
    assert.deepEqual(ids(page.data), [perms[0].id]);
    assert.equal(page.totalCount, 2);
    return `query i32_reports -key → ${list.data.map((p) => p.key).join(', ')}`;
  });

  await check('(permissions) updateOrganizationPermission renames it; persisted', async () => {
    const upd = await clerk.organizationPermissions.updateOrganizationPermission({ permissionId: perms[1].id, name: 'i32 Edit reports', description: 'edit' });
    assert.equal(upd.name, 'i32 Edit reports');
    assert.equal(upd.description, 'edit');
    assert.equal(upd.key, 'org:i32_reports:write');
    assert.equal((await clerk.organizationPermissions.getOrganizationPermission(perms[1].id)).name, 'i32 Edit reports');
    return `${upd.id} → ${upd.name}`;
  });

  await check('(roles) createOrganizationRole with permissions; getOrganizationRole reads it back', async () => {
    role = await clerk.organizationRoles.createOrganizationRole({ name: 'i32 Analyst', key: 'org:i32_analyst', description: 'reads reports', permissions: ['org:i32_reports:read'] });
    assert.match(role.id, /^role_/);
    assert.equal(role.key, 'org:i32_analyst');
    assert.equal(role.name, 'i32 Analyst');
    assert.equal(role.description, 'reads reports');
    assert.deepEqual(role.permissions.map((p) => p.key), ['org:i32_reports:read']);
    assert.equal(role.permissions[0].id, perms[0].id);
    const got = await clerk.organizationRoles.getOrganizationRole(role.id);
    assert.equal(got.key, role.key);
    assert.deepEqual(got.permissions.map((p) => p.key), ['org:i32_reports:read']);
    await rejectsWith(clerk.organizationRoles.createOrganizationRole({ name: 'dup', key: 'org:i32_analyst' }), 422, 'form_identifier_exists', 'key');
    return `${role.id} ${role.key} [${role.permissions.map((p) => p.key)}]`;
  });

  await check('(roles) getOrganizationRoleList filters by query, orders by key, pages', async () => {
    const second = await clerk.organizationRoles.createOrganizationRole({ name: 'i32 Auditor', key: 'org:i32_auditor' });
    const list = await clerk.organizationRoles.getOrganizationRoleList({ query: 'i32_', orderBy: '+key' });
    assert.deepEqual(list.data.map((r) => r.key), ['org:i32_analyst', 'org:i32_auditor']);
    assert.equal(list.totalCount, 2);
    const page = await clerk.organizationRoles.getOrganizationRoleList({ query: 'i32 ', orderBy: '-name', limit: 1, offset: 1 });
    assert.deepEqual(ids(page.data), [role.id]);
    assert.equal(page.totalCount, 2);
    const byID = await clerk.organizationRoles.getOrganizationRoleList({ query: second.id });
    assert.deepEqual(ids(byID.data), [second.id]);
    const defaults = await clerk.organizationRoles.getOrganizationRoleList({ limit: 100 });
    assert.ok(defaults.data.some((r) => r.key === 'org:admin') && defaults.data.some((r) => r.key === 'org:member'));
    await clerk.organizationRoles.deleteOrganizationRole(second.id);
    return `query i32_ +key → ${list.data.map((r) => r.key).join(', ')}`;
  });

  await check('(roles) updateOrganizationRole; assign and remove a permission; persisted', async () => {
    const upd = await clerk.organizationRoles.updateOrganizationRole({ organizationRoleId: role.id, name: 'i32 Senior analyst', description: 'more' });
    assert.equal(upd.name, 'i32 Senior analyst');
    assert.equal(upd.description, 'more');
    const added = await clerk.organizationRoles.assignPermissionToOrganizationRole({ organizationRoleId: role.id, permissionId: perms[1].id });
    assert.deepEqual(added.permissions.map((p) => p.key).sort(), ['org:i32_reports:read', 'org:i32_reports:write']);
    const removed = await clerk.organizationRoles.removePermissionFromOrganizationRole({ organizationRoleId: role.id, permissionId: perms[0].id });
    assert.deepEqual(removed.permissions.map((p) => p.key), ['org:i32_reports:write']);
    const back = await clerk.organizationRoles.getOrganizationRole(role.id);
    assert.equal(back.name, 'i32 Senior analyst');
    assert.deepEqual(back.permissions.map((p) => p.key), ['org:i32_reports:write']);
    return `${role.id} → ${back.name} [${back.permissions.map((p) => p.key)}]`;
  });

  await check('(roles) a member with the role gets its permissions; deleteOrganizationRole refuses while in use, then deletes', async () => {
    const org = await clerk.organizations.createOrganization({ name: 'i32 Org', slug: 'i32-org' });
    const user = await clerk.users.createUser({ emailAddress: ['i32-ola@example.com'], skipPasswordRequirement: true });
    const m = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: user.id, role: 'org:i32_analyst' });
    assert.equal(m.role, 'org:i32_analyst');
    assert.deepEqual(m.permissions, ['org:i32_reports:write']);
    await rejectsWith(clerk.organizationRoles.deleteOrganizationRole(role.id), 422, 'organization_role_assigned_members');
    await clerk.organizations.deleteOrganization(org.id);
    const del = await clerk.organizationRoles.deleteOrganizationRole(role.id);
    assert.equal(del.id, role.id);
    assert.equal(del.deleted, true);
    await rejectsWith(clerk.organizationRoles.getOrganizationRole(role.id), 404, 'resource_not_found');
    return `membership permissions ${JSON.stringify(m.permissions)}; role ${del.id} deleted`;
  });

  await check('(permissions) deleteOrganizationPermission answers a deleted object; get → 404', async () => {
    for (const p of perms) {
      const del = await clerk.organizationPermissions.deleteOrganizationPermission(p.id);
      assert.equal(del.id, p.id);
      assert.equal(del.object, 'permission');
      assert.equal(del.deleted, true);
      await rejectsWith(clerk.organizationPermissions.getOrganizationPermission(p.id), 404, 'resource_not_found');
    }
    return `deleted ${ids(perms).join(', ')}`;
  });
}
