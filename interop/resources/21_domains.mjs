// Domains through clerk.domains: list, add a satellite, update (name,
// proxy_url, and proxy_url: null to go back to DNS), delete. The Backend
// API has no read of one domain.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, fapi }) {
  let sat;

  await check('(domains) list starts with the primary domain (localclerk\'s Frontend API)', async () => {
    const list = await clerk.domains.list();
    assert.ok(list.totalCount >= 1);
    const [primary] = list.data;
    assert.match(primary.id, /^dmn_/);
    assert.equal(primary.isSatellite, false);
    assert.equal(primary.frontendApiUrl, fapi);
    assert.equal(primary.name, new URL(fapi).host);
    return `${primary.id} ${primary.name}, frontendApiUrl ${primary.frontendApiUrl}`;
  });

  await check('(domains) add a satellite domain with a proxy URL; list shows it', async () => {
    sat = await clerk.domains.add({ name: 'i21.example.com', is_satellite: true, proxy_url: 'https://i21.example.com/__clerk' });
    assert.match(sat.id, /^dmn_/);
    assert.equal(sat.name, 'i21.example.com');
    assert.equal(sat.isSatellite, true);
    assert.equal(sat.proxyUrl, 'https://i21.example.com/__clerk');
    assert.equal(sat.developmentOrigin, 'https://i21.example.com');
    const list = await clerk.domains.list();
    assert.ok(ids(list.data).includes(sat.id));
    assert.equal(list.totalCount, list.data.length);
    return `${sat.id} ${sat.name} proxy ${sat.proxyUrl}`;
  });

  await check('(domains) add the same name again → 422 form_identifier_exists; a primary → 422 primary_domain_already_exists', async () => {
    const dup = await rejectsWith(clerk.domains.add({ name: 'I21.example.com', is_satellite: true }), 422, 'form_identifier_exists', 'name');
    const primary = await rejectsWith(clerk.domains.add({ name: 'i21-other.example.com', is_satellite: false }), 422, 'primary_domain_already_exists', 'is_satellite');
    return `duplicate → ${dup}; primary → ${primary}`;
  });

  await check('(domains) update renames the satellite and sets, then clears (proxy_url: null) its proxy URL; persisted', async () => {
    const renamed = await clerk.domains.update({ domainId: sat.id, name: 'i21b.example.com', proxy_url: 'https://i21b.example.com/__clerk' });
    assert.equal(renamed.id, sat.id);
    assert.equal(renamed.name, 'i21b.example.com');
    assert.equal(renamed.proxyUrl, 'https://i21b.example.com/__clerk');
    const cleared = await clerk.domains.update({ domainId: sat.id, proxy_url: null });
    assert.equal(cleared.name, 'i21b.example.com', 'an update without name keeps it');
    assert.equal(cleared.proxyUrl, null, 'proxy_url: null must switch the domain back to DNS');
    const listed = (await clerk.domains.list()).data.find((d) => d.id === sat.id);
    assert.equal(listed.name, 'i21b.example.com');
    assert.equal(listed.proxyUrl, null);
    return `${sat.id} → ${renamed.name} proxy ${renamed.proxyUrl} → ${cleared.proxyUrl}`;
  });

  await check('(domains) delete the satellite; the primary cannot be deleted', async () => {
    const del = await clerk.domains.delete(sat.id);
    assert.equal(del.id, sat.id);
    assert.equal(del.object, 'domain');
    assert.equal(del.deleted, true);
    const list = await clerk.domains.list();
    assert.ok(!ids(list.data).includes(sat.id));
    await rejectsWith(clerk.domains.delete(sat.id), 404, 'resource_not_found');
    const primary = await rejectsWith(clerk.domains.delete(list.data[0].id), 403, 'operation_not_allowed_on_primary_domain');
    return `${del.id} deleted; primary → ${primary}`;
  });
}
