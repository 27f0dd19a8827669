// Organizations through clerk.organizations: create, get by id and by
// slug, list with query / organizationId / ordering / paging and member
// counts, update, metadata merge and replace, delete.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, alice }) {
  const made = [];

  await check('(organizations) createOrganization decodes the organization; the creator becomes its admin', async () => {
    for (const [name, slug] of [['i30 Beta', 'i30-beta'], ['i30 Alpha', 'i30-alpha'], ['i30 Gamma', 'i30-gamma']]) {
      made.push(await clerk.organizations.createOrganization({
        name, slug, createdBy: alice.id, maxAllowedMemberships: 10, publicMetadata: { tier: 'gold', flags: { a: 1 } }, privateMetadata: { crm: slug },
      }));
    }
    const [beta] = made;
    assert.match(beta.id, /^org_/);
    assert.equal(beta.name, 'i30 Beta');
    assert.equal(beta.slug, 'i30-beta');
    assert.equal(beta.maxAllowedMemberships, 10);
    assert.equal(beta.createdBy, alice.id);
    assert.equal(beta.hasImage, false);
    assert.deepEqual(beta.publicMetadata, { tier: 'gold', flags: { a: 1 } });
    assert.deepEqual(beta.privateMetadata, { crm: 'i30-beta' });
    assert.ok(beta.createdAt > 0 && beta.updatedAt >= beta.createdAt);
    const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: beta.id });
    assert.deepEqual(members.data.map((m) => [m.publicUserData.userId, m.role]), [[alice.id, 'org:admin']]);
    return made.map((o) => `${o.id} ${o.slug}`).join(', ');
  });

  await check('(organizations) a taken slug → 422 form_identifier_exists', async () =>
    rejectsWith(clerk.organizations.createOrganization({ name: 'Dup', slug: 'i30-beta' }), 422, 'form_identifier_exists', 'slug'),
  );

  await check('(organizations) getOrganization by id and by slug, with includeMembersCount', async () => {
    const [beta] = made;
    const byID = await clerk.organizations.getOrganization({ organizationId: beta.id });
    assert.equal(byID.slug, 'i30-beta');
    assert.deepEqual(byID.privateMetadata, { crm: 'i30-beta' });
    const bySlug = await clerk.organizations.getOrganization({ slug: 'i30-beta', includeMembersCount: true });
    assert.equal(bySlug.id, beta.id);
    assert.equal(bySlug.membersCount, 1);
    await rejectsWith(clerk.organizations.getOrganization({ slug: 'i30-nope' }), 404, 'resource_not_found');
    return `slug i30-beta → ${bySlug.id}, membersCount ${bySlug.membersCount}`;
  });

  await check('(organizations) getOrganizationList filters by query and organizationId, orders by name, pages', async () => {
    const [beta, alpha, gamma] = made;
    const byName = await clerk.organizations.getOrganizationList({ query: 'i30-', orderBy: '+name' });
    assert.deepEqual(ids(byName.data), [alpha.id, beta.id, gamma.id]);
    assert.equal(byName.totalCount, 3);
    const page = await clerk.organizations.getOrganizationList({ query: 'i30-', orderBy: '-name', limit: 1, offset: 1, includeMembersCount: true });
    assert.deepEqual(ids(page.data), [beta.id]);
    assert.equal(page.totalCount, 3);
    assert.equal(page.data[0].membersCount, 1);
    const byID = await clerk.organizations.getOrganizationList({ organizationId: [gamma.id, alpha.id], orderBy: '+created_at' });
    assert.deepEqual(ids(byID.data), [alpha.id, gamma.id]);
    const newest = await clerk.organizations.getOrganizationList({ query: 'i30-' });
    assert.deepEqual(ids(newest.data), [gamma.id, alpha.id, beta.id], 'default order is newest first');
    return `+name → ${byName.data.map((o) => o.name).join(', ')}`;
  });

  await check('(organizations) updateOrganization changes name, slug and limits; persisted', async () => {
    const [, alpha] = made;
    const upd = await clerk.organizations.updateOrganization(alpha.id, { name: 'i30 Alpha Two', slug: 'i30-alpha-two', maxAllowedMemberships: 3, adminDeleteEnabled: false });
    assert.equal(upd.name, 'i30 Alpha Two');
    assert.equal(upd.slug, 'i30-alpha-two');
    assert.equal(upd.maxAllowedMemberships, 3);
    assert.equal(upd.adminDeleteEnabled, false);
    const back = await clerk.organizations.getOrganization({ slug: 'i30-alpha-two' });
    assert.equal(back.id, alpha.id);
    assert.equal(back.name, 'i30 Alpha Two');
    assert.deepEqual(back.publicMetadata, { tier: 'gold', flags: { a: 1 } }, 'an update without metadata leaves it alone');
    await rejectsWith(clerk.organizations.getOrganization({ slug: 'i30-alpha' }), 404, 'resource_not_found');
    return `${upd.id} → ${upd.name} (${upd.slug})`;
  });

  await check('(organizations) updateOrganizationMetadata deep-merges (null removes); replaceOrganizationMetadata replaces', async () => {
    const [, , gamma] = made;
    const merged = await clerk.organizations.updateOrganizationMetadata(gamma.id, { publicMetadata: { flags: { b: 2 }, tier: null }, privateMetadata: { note: 'x' } });
    assert.deepEqual(merged.publicMetadata, { flags: { a: 1, b: 2 } });
    assert.deepEqual(merged.privateMetadata, { crm: 'i30-gamma', note: 'x' });
    assert.deepEqual((await clerk.organizations.getOrganization({ organizationId: gamma.id })).publicMetadata, { flags: { a: 1, b: 2 } });
    const replaced = await clerk.organizations.replaceOrganizationMetadata(gamma.id, { publicMetadata: { fresh: true } });
    assert.deepEqual(replaced.publicMetadata, { fresh: true });
    assert.deepEqual((await clerk.organizations.getOrganization({ organizationId: gamma.id })).publicMetadata, { fresh: true });
    return `merge → ${JSON.stringify(merged.publicMetadata)}; replace → ${JSON.stringify(replaced.publicMetadata)}`;
  });

  await check('(organizations) deleteOrganization answers a deleted object; get and list no longer find it', async () => {
    for (const o of made) {
      const del = await clerk.organizations.deleteOrganization(o.id);
      assert.equal(del.id, o.id);
      assert.equal(del.object, 'organization');
      assert.equal(del.deleted, true);
      await rejectsWith(clerk.organizations.getOrganization({ organizationId: o.id }), 404, 'resource_not_found');
    }
    const list = await clerk.organizations.getOrganizationList({ query: 'i30-' });
    assert.equal(list.totalCount, 0);
    const aliceOrgs = await clerk.users.getOrganizationMembershipList({ userId: alice.id });
    assert.ok(!aliceOrgs.data.some((m) => ids(made).includes(m.organization.id)), 'memberships of a deleted organization remain');
    return `deleted ${ids(made).join(', ')}`;
  });
}
