// Organization domains through clerk.organizations: create (verified by
// default, or not), list with the verified / enrollment_mode filters,
// update, delete; and an organization's logo (upload, read back, delete).
// @clerk/backend has no method for verify_ownership or the instance-wide
// list (ListAllOrganizationDomains), so those are called with fetch.

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

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M/wHwAEBgIApD5fRAAAAABJRU5ErkJggg==', 'base64');

export default async function ({ check, clerk, assert, alice, apiUrl, secretKey }) {
  const org = await clerk.organizations.createOrganization({ name: 'i41 Domains', createdBy: alice.id });
  const organizationId = org.id;
  let corp;
  let lab;

  await check('(organization domains) createOrganizationDomain: verified by default, or not', async () => {
    corp = await clerk.organizations.createOrganizationDomain({ organizationId, name: 'i41-corp.example', enrollmentMode: 'automatic_invitation' });
    assert.match(corp.id, /^orgdmn_/);
    assert.equal(corp.name, 'i41-corp.example');
    assert.equal(corp.organization_id, organizationId);
    assert.equal(corp.enrollment_mode, 'automatic_invitation');
    assert.equal(corp.affiliation_verification.status, 'verified');
    lab = await clerk.organizations.createOrganizationDomain({ organizationId, name: 'i41-lab.example', enrollmentMode: 'manual_invitation', verified: false });
    assert.equal(lab.affiliation_verification, null);
    return `${corp.id} ${lab.id}`;
  });

  await check('(organization domains) a domain already taken → 422 form_identifier_exists', async () =>
    rejects(assert, clerk.organizations.createOrganizationDomain({ organizationId, name: 'I41-corp.example' }), 422, 'form_identifier_exists', 'name'),
  );

  await check('(organization domains) getOrganizationDomainList filters by verified and enrollment_mode', async () => {
    const all = await clerk.organizations.getOrganizationDomainList({ organizationId });
    assert.equal(all.totalCount, 2);
    const verified = await clerk.organizations.getOrganizationDomainList({ organizationId, verified: 'true' });
    assert.deepEqual(verified.data.map((d) => d.name), ['i41-corp.example']);
    const notManual = await clerk.organizations.getOrganizationDomainList({ organizationId, enrollmentMode: '-manual_invitation' });
    assert.deepEqual(notManual.data.map((d) => d.name), ['i41-corp.example']);
  });

  await check('(organization domains) updateOrganizationDomain', async () => {
    const upd = await clerk.organizations.updateOrganizationDomain({ organizationId, domainId: lab.id, verified: true, enrollmentMode: 'automatic_suggestion' });
    assert.equal(upd.enrollment_mode, 'automatic_suggestion');
    assert.equal(upd.affiliation_verification.status, 'verified');
  });

  await check('(organization domains) verify_ownership and the instance-wide list (fetch: @clerk/backend has no method)', async () => {
    const call = async (method, path) => {
      const res = await fetch(`${apiUrl}/v1${path}`, { method, headers: { Authorization: `Bearer ${secretKey}` } });
      assert.equal(res.status, 200, path);
      return res.json();
    };
    const verified = await call('POST', `/organizations/${organizationId}/domains/${corp.id}/verify_ownership`);
    assert.equal(verified.ownership_verification.strategy, 'manual_override');
    const all = await call('GET', `/organization_domains?organization_id=${organizationId}&order_by=-name`);
    assert.deepEqual(all.data.map((d) => d.name), ['i41-lab.example', 'i41-corp.example']);
  });

  await check('(organization domains) deleteOrganizationDomain; deleting again → 404 resource_not_found', async () => {
    const del = await clerk.organizations.deleteOrganizationDomain({ organizationId, domainId: lab.id });
    assert.equal(del.deleted, true);
    assert.equal(del.id, lab.id);
    return rejects(assert, clerk.organizations.deleteOrganizationDomain({ organizationId, domainId: lab.id }), 404, 'resource_not_found');
  });

  await check('(organizations) updateOrganizationLogo stores and serves the image; deleteOrganizationLogo removes it', async () => {
    const withLogo = await clerk.organizations.updateOrganizationLogo(organizationId, {
      file: new Blob([png], { type: 'image/png' }), uploaderUserId: alice.id,
    });
    assert.equal(withLogo.hasImage, true);
    const img = await fetch(withLogo.imageUrl);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);
    const read = await clerk.organizations.getOrganization({ organizationId });
    assert.equal(read.imageUrl, withLogo.imageUrl);
    const without = await clerk.organizations.deleteOrganizationLogo(organizationId);
    assert.equal(without.hasImage, false);
    assert.equal((await fetch(withLogo.imageUrl)).status, 404);
    return withLogo.imageUrl;
  });

  await check('(organizations) a logo that is not an image → 400 form_param_format_invalid', async () =>
    rejects(assert, clerk.organizations.updateOrganizationLogo(organizationId, { file: new Blob(['plain text'], { type: 'text/plain' }) }),
      400, 'form_param_format_invalid', 'file'),
  );
}
