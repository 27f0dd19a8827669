// Organization memberships through clerk.organizations: create, list for
// the organization (role / userId / query filters, ordering by the
// member's fields, paging), list instance-wide, update the role, merge
// metadata, delete.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  let org;
  const people = [];
  const mem = {};

  await check('(memberships) createOrganizationMembership adds users with roles; decoded with organization and publicUserData', async () => {
    org = await clerk.organizations.createOrganization({ name: 'i31 Org', slug: 'i31-org' });
    for (const [n, first, last] of [['kai', 'Kai', 'Young'], ['lea', 'Lea', 'Xu'], ['max', 'Max', 'West']]) {
      people.push(await clerk.users.createUser({ emailAddress: [`i31-${n}@example.com`], skipPasswordRequirement: true, firstName: first, lastName: last, username: `i31_${n}` }));
    }
    const [kai, lea, max] = people;
    mem.kai = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: kai.id, role: 'org:admin' });
    mem.lea = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: lea.id, role: 'org:member' });
    mem.max = await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: max.id, role: 'org:member' });
    const m = mem.kai;
    assert.match(m.id, /^orgmem_/);
    assert.equal(m.role, 'org:admin');
    assert.ok(Array.isArray(m.permissions) && m.permissions.length > 0, 'an admin has permissions');
    assert.equal(m.organization.id, org.id);
    assert.equal(m.organization.slug, 'i31-org');
    assert.equal(m.publicUserData.userId, kai.id);
    assert.equal(m.publicUserData.firstName, 'Kai');
    assert.equal(m.publicUserData.identifier, 'i31-kai@example.com');
    assert.deepEqual(m.publicMetadata, {});
    return `${org.id}: ${Object.values(mem).map((x) => `${x.publicUserData.firstName} ${x.role}`).join(', ')}`;
  });

  await check('(memberships) a second membership for the same user → 400 already_a_member_in_organization; unknown org → 404', async () => {
    const dup = await rejectsWith(clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: people[0].id, role: 'org:member' }), 400, 'already_a_member_in_organization', 'user_id');
    await rejectsWith(clerk.organizations.createOrganizationMembership({ organizationId: 'org_doesnotexist', userId: people[0].id, role: 'org:member' }), 404, 'resource_not_found');
    return dup;
  });

  await check('(memberships) getOrganizationMembershipList filters by role, userId and query, orders by the member\'s names, pages', async () => {
    const [kai, lea, max] = people;
    const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, role: ['org:member'], orderBy: '+created_at' });
    assert.deepEqual(ids(members.data), [mem.lea.id, mem.max.id]);
    assert.equal(members.totalCount, 2);
    const one = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, userId: [max.id] });
    assert.deepEqual(ids(one.data), [mem.max.id]);
    const byQuery = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, query: 'i31-lea' });
    assert.deepEqual(ids(byQuery.data), [mem.lea.id]);
    const byLast = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: '+last_name' });
    assert.deepEqual(byLast.data.map((m) => m.publicUserData.lastName), ['West', 'Xu', 'Young']);
    const byFirst = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: '-first_name', limit: 2, offset: 1 });
    assert.deepEqual(byFirst.data.map((m) => m.publicUserData.firstName), ['Lea', 'Kai']);
    assert.equal(byFirst.totalCount, 3);
    const byUsername = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: '-username' });
    assert.deepEqual(byUsername.data.map((m) => m.publicUserData.userId), [max.id, lea.id, kai.id]);
    const byEmail = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, orderBy: '+email_address' });
    assert.deepEqual(byEmail.data.map((m) => m.publicUserData.identifier), ['i31-kai@example.com', 'i31-lea@example.com', 'i31-max@example.com']);
    return `role org:member → ${members.data.map((m) => m.publicUserData.firstName).join(', ')}; +last_name → ${byLast.data.map((m) => m.publicUserData.lastName).join(', ')}`;
  });

  await check('(memberships) getInstanceOrganizationMembershipList lists memberships across organizations', async () => {
    const all = await clerk.organizations.getInstanceOrganizationMembershipList({ limit: 500 });
    for (const m of Object.values(mem)) assert.ok(ids(all.data).includes(m.id), `${m.id} missing`);
    assert.ok(all.totalCount >= 3);
    return `totalCount ${all.totalCount}`;
  });

  await check('(memberships) updateOrganizationMembership changes the role; persisted', async () => {
    const upd = await clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: people[1].id, role: 'org:admin' });
    assert.equal(upd.id, mem.lea.id);
    assert.equal(upd.role, 'org:admin');
    const admins = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, role: ['org:admin'], orderBy: '+created_at' });
    assert.deepEqual(ids(admins.data), [mem.kai.id, mem.lea.id]);
    await rejectsWith(clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: 'user_doesnotexist', role: 'org:admin' }), 404, 'resource_not_found');
    return `${upd.id} → ${upd.role}`;
  });

  await check('(memberships) updateOrganizationMembershipMetadata deep-merges public and private metadata; persisted', async () => {
    const a = await clerk.organizations.updateOrganizationMembershipMetadata({ organizationId: org.id, userId: people[2].id, publicMetadata: { title: 'eng', x: { y: 1 } }, privateMetadata: { salary: 1 } });
    assert.deepEqual(a.publicMetadata, { title: 'eng', x: { y: 1 } });
    assert.deepEqual(a.privateMetadata, { salary: 1 });
    const b = await clerk.organizations.updateOrganizationMembershipMetadata({ organizationId: org.id, userId: people[2].id, publicMetadata: { x: { z: 2 }, title: null } });
    assert.deepEqual(b.publicMetadata, { x: { y: 1, z: 2 } });
    assert.deepEqual(b.privateMetadata, { salary: 1 });
    const listed = (await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id, userId: [people[2].id] })).data[0];
    assert.deepEqual(listed.publicMetadata, { x: { y: 1, z: 2 } });
    return `${b.id} publicMetadata ${JSON.stringify(b.publicMetadata)}`;
  });

  await check('(memberships) deleteOrganizationMembership removes the member; the user\'s list agrees', async () => {
    const del = await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: people[2].id });
    assert.equal(del.id, mem.max.id);
    assert.equal(del.publicUserData.userId, people[2].id);
    const list = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
    assert.equal(list.totalCount, 2);
    assert.ok(!ids(list.data).includes(mem.max.id));
    assert.equal((await clerk.users.getOrganizationMembershipList({ userId: people[2].id })).totalCount, 0);
    await rejectsWith(clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: people[2].id }), 404, 'resource_not_found');
    await clerk.organizations.deleteOrganization(org.id);
    return `${del.id} deleted; ${list.totalCount} members left`;
  });
}
