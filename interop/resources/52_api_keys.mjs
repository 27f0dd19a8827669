// API keys through @clerk/backend's clerk.apiKeys: create, get, list with
// includeInvalid, update, secret, verify, revoke, delete.
export default async function ({ check, clerk, assert }) {
  await check('(resources) api keys: create, get, list with includeInvalid, update, verify, revoke, delete', async () => {
    const owner = await clerk.users.createUser({ emailAddress: [`keys-${Date.now().toString(36)}@example.com`] });
    const key = await clerk.apiKeys.create({ name: 'interop key', subject: owner.id, description: 'first', scopes: ['read'], claims: { tier: 'gold' } });
    assert.ok(key.secret?.startsWith('ak_'), JSON.stringify(key));
    assert.equal((await clerk.apiKeys.get(key.id)).description, 'first');

    const updated = await clerk.apiKeys.update({ apiKeyId: key.id, subject: owner.id, description: 'second', scopes: ['read', 'write'], secondsUntilExpiration: 3600 });
    assert.equal(updated.description, 'second');
    assert.deepEqual(updated.scopes, ['read', 'write']);
    assert.ok(updated.expiration > Date.now(), JSON.stringify(updated));
    await assert.rejects(clerk.apiKeys.update({ apiKeyId: key.id, subject: 'user_nope' }), (e) => e.status === 422 && e.errors[0].meta.paramName === 'subject');

    assert.equal((await clerk.apiKeys.getSecret(key.id)).secret, key.secret);
    const verified = await clerk.apiKeys.verify(key.secret);
    assert.equal(verified.subject, owner.id);

    const second = await clerk.apiKeys.create({ name: 'second key', subject: owner.id });
    await clerk.apiKeys.revoke({ apiKeyId: second.id, revocationReason: 'interop' });
    await assert.rejects(clerk.apiKeys.verify(second.secret), (e) => e.status === 404);
    const valid = await clerk.apiKeys.list({ subject: owner.id });
    assert.deepEqual(valid.data.map((k) => k.id), [key.id]);
    const all = await clerk.apiKeys.list({ subject: owner.id, includeInvalid: true });
    assert.equal(all.totalCount, 2);

    const deleted = await clerk.apiKeys.delete(key.id);
    assert.equal(deleted.deleted, true);
    await assert.rejects(clerk.apiKeys.get(key.id), (e) => e.status === 404);
    await clerk.users.deleteUser(owner.id);
    return `${key.id} updated to ${JSON.stringify(updated.scopes)}, verified, deleted; ${second.id} revoked; list ${valid.totalCount} valid of ${all.totalCount}`;
  });
}
