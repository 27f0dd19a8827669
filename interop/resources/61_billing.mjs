// Billing through clerk.billing: every user and organization is subscribed
// to localclerk's free plan. @clerk/backend has no calls for the credit
// balance; goclerk's client covers those (bapi_client_users_more_test.go).

export default async function ({ check, clerk, assert, alice }) {
  await check('(billing) getUserBillingSubscription: an active subscription to the free user plan', async () => {
    const u = await clerk.users.createUser({ emailAddress: ['i61-bill@example.com'], skipPasswordRequirement: true });
    const sub = await clerk.billing.getUserBillingSubscription(u.id);
    assert.equal(sub.status, 'active');
    assert.equal(sub.subscriptionItems.length, 1);
    assert.equal(sub.subscriptionItems[0].plan.slug, 'free_user');
    assert.equal(sub.subscriptionItems[0].plan.fee.amount, 0);
    const again = await clerk.billing.getUserBillingSubscription(u.id);
    assert.equal(again.id, sub.id);
    await clerk.users.deleteUser(u.id);
    const aliceSub = await clerk.billing.getUserBillingSubscription(alice.id);
    return `${sub.id}: ${sub.subscriptionItems[0].plan.slug}; alice on ${aliceSub.subscriptionItems[0].plan.slug}`;
  });

  await check('(billing) getOrganizationBillingSubscription: the free organization plan; an unknown organization → 404', async () => {
    const org = await clerk.organizations.createOrganization({ name: 'i61 Org' });
    const sub = await clerk.billing.getOrganizationBillingSubscription(org.id);
    assert.equal(sub.subscriptionItems[0].plan.slug, 'free_org');
    assert.equal(sub.subscriptionItems[0].plan.forPayerType, 'org');
    await clerk.organizations.deleteOrganization(org.id);
    try {
      await clerk.billing.getOrganizationBillingSubscription('org_nope');
      throw new Error('an unknown organization had a subscription');
    } catch (err) {
      assert.equal(err.status, 404, String(err));
    }
  });
}
