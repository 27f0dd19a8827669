// Block-list identifiers through clerk.blocklistIdentifiers: create, list
// (newest first, paged), delete; enforced at the hosted sign-in while the
// block-list is on. The Backend API has no read or update of
// one identifier.
import { hostedSignInStatus as signInStatus, ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert, fapi }) {
  const made = [];

  await check('(blocklist) createBlocklistIdentifier decodes e-mail, domain and wallet identifiers', async () => {
    for (const identifier of ['i19-spam@example.com', '*@i19.example.net', '0x52908400098527886e0f7030069857d2e4169ee7']) {
      made.push(await clerk.blocklistIdentifiers.createBlocklistIdentifier({ identifier }));
    }
    const [email, domain, wallet] = made;
    assert.match(email.id, /^blid_/);
    assert.equal(email.identifier, 'i19-spam@example.com');
    assert.equal(email.identifierType, 'email_address');
    assert.equal(domain.identifierType, 'email_address');
    assert.equal(wallet.identifierType, 'web3_wallet');
    assert.ok(email.createdAt > 0);
    return made.map((m) => `${m.id} ${m.identifier} (${m.identifierType})`).join(', ');
  });

  await check('(blocklist) a duplicate identifier → 400 duplicate_record', async () =>
    rejectsWith(clerk.blocklistIdentifiers.createBlocklistIdentifier({ identifier: 'I19-SPAM@example.com' }), 400, 'duplicate_record', 'identifier'),
  );

  await check('(blocklist) getBlocklistIdentifierList lists newest first and pages with limit/offset', async () => {
    const all = await clerk.blocklistIdentifiers.getBlocklistIdentifierList();
    assert.equal(all.totalCount, all.data.length);
    const mine = all.data.filter((e) => ids(made).includes(e.id));
    assert.deepEqual(ids(mine), ids(made).reverse());
    const page = await clerk.blocklistIdentifiers.getBlocklistIdentifierList({ limit: 2 });
    assert.deepEqual(ids(page.data), ids(all.data).slice(0, 2));
    assert.equal(page.totalCount, all.totalCount);
    return `totalCount ${all.totalCount}: ${all.data.map((e) => e.identifier).join(', ')}`;
  });

  await check('(blocklist) with the block-list on (instance.updateRestrictions), a listed address cannot sign in on the hosted page', async () => {
    const password = 'i19-spam-password';
    await clerk.users.createUser({ emailAddress: ['i19-spam@example.com'], password });
    try {
      const open = await signInStatus(fapi, 'i19-spam@example.com', password);
      assert.equal(open, 303, 'the block-list applies only while it is enabled');
      const on = await clerk.instance.updateRestrictions({ blocklist: true });
      assert.equal(on.blocklist, true);
      const refused = await signInStatus(fapi, 'i19-spam@example.com', password);
      assert.equal(refused, 403, 'a block-listed address signed in');
      return `list off → ${open}; on → ${refused}`;
    } finally {
      await clerk.instance.updateRestrictions({ blocklist: false });
    }
  });

  await check('(blocklist) deleteBlocklistIdentifier removes it from the list; deleting again → 404', async () => {
    for (const m of made) {
      const del = await clerk.blocklistIdentifiers.deleteBlocklistIdentifier(m.id);
      assert.equal(del.id, m.id);
      assert.equal(del.object, 'blocklist_identifier');
      assert.equal(del.deleted, true);
    }
    const after = await clerk.blocklistIdentifiers.getBlocklistIdentifierList();
    assert.ok(ids(made).every((id) => !ids(after.data).includes(id)));
    return rejectsWith(clerk.blocklistIdentifiers.deleteBlocklistIdentifier(made[0].id), 404, 'resource_not_found');
  });
}
