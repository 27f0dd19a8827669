// Instance settings through clerk.instance: get, update (allowed origins,
// support e-mail), the restrictions that take effect at sign-up (blocking
// e-mail subaddresses and disposable domains on the hosted page), and the
// organization settings new organizations get. @clerk/backend has no calls
// for Protect, communication or OAuth application settings.

export default async function ({ check, clerk, assert, fapi }) {
  await check('(instance) get answers the development instance; update stores allowed origins', async () => {
    const before = await clerk.instance.get();
    assert.equal(before.environmentType, 'development');
    assert.match(before.id, /^ins_/);
    await clerk.instance.update({ allowedOrigins: ['http://localhost:5173'], supportEmail: 'help@example.com' });
    const after = await clerk.instance.get();
    assert.deepEqual(after.allowedOrigins, ['http://localhost:5173']);
    await clerk.instance.update({ allowedOrigins: [] });
    return `${after.id}: ${after.allowedOrigins}`;
  });

  await check('(instance) updateRestrictions blocks subaddresses and disposable domains at hosted sign-up, not for createUser', async () => {
    const r = await clerk.instance.updateRestrictions({ blockEmailSubaddresses: true, blockDisposableEmailDomains: true });
    assert.equal(r.blockEmailSubaddresses, true);
    assert.equal(r.blockDisposableEmailDomains, true);
    const signUp = (email) =>
      fetch(`${fapi}/sign-up`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: fapi, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password: 'correct-horse-battery', redirect_url: 'http://localhost:3000/' }),
      });
    try {
      for (const email of ['i60-sub+tag@example.com', 'i60@mailinator.com']) {
        const res = await signUp(email);
        assert.equal(res.status, 422, `${email}: ${res.status}`);
        assert.match(await res.text(), /not allowed/);
      }
      const u = await clerk.users.createUser({ emailAddress: ['i60-ops+admin@example.com'], skipPasswordRequirement: true });
      await clerk.users.deleteUser(u.id);
    } finally {
      await clerk.instance.updateRestrictions({ blockEmailSubaddresses: false, blockDisposableEmailDomains: false });
    }
    const res = await signUp('i60-sub+tag@example.com');
    assert.equal(res.status, 303, `with the restriction off: ${res.status}`);
  });

  await check('(instance) updateOrganizationSettings: new organizations get the default membership limit', async () => {
    const before = await clerk.instance.getOrganizationSettings();
    const s = await clerk.instance.updateOrganizationSettings({ maxAllowedMemberships: 7 });
    assert.equal(s.maxAllowedMemberships, 7);
    try {
      const org = await clerk.organizations.createOrganization({ name: 'i60 Org' });
      assert.equal(org.maxAllowedMemberships, 7);
      await clerk.organizations.deleteOrganization(org.id);
    } finally {
      await clerk.instance.updateOrganizationSettings({ maxAllowedMemberships: before.maxAllowedMemberships });
    }
    return `creator role ${s.creatorRole}`;
  });
}
