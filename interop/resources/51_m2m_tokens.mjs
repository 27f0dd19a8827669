// M2M tokens through @clerk/backend's clerk.m2m: create with a machine's
// secret key, list for the machine (revoked ones only when asked for),
// verify, revoke. @clerk/backend has no get or update for M2M tokens.
export default async function ({ check, clerk, assert }) {
  await check('(resources) m2m tokens: create, list with the revoked filter, verify, revoke', async () => {
    const machine = await clerk.machines.create({ name: `m2m ${Date.now().toString(36)}` });
    const machineSecretKey = machine.secretKey;
    const token = await clerk.m2m.createToken({ machineSecretKey, secondsUntilExpiration: 600, claims: { job: 'sync' } });
    assert.ok(token.token.startsWith('mt_'), JSON.stringify(token));
    assert.deepEqual(token.claims, { job: 'sync' });
    const other = await clerk.m2m.createToken({ machineSecretKey });

    const listed = await clerk.m2m.list({ subject: machine.id, machineSecretKey });
    assert.equal(listed.totalCount, 2);
    assert.ok(listed.data.every((t) => t.token === undefined), 'a list must not show secrets');

    const verified = await clerk.m2m.verify({ token: token.token, machineSecretKey });
    assert.equal(verified.subject, machine.id);

    const revoked = await clerk.m2m.revokeToken({ m2mTokenId: other.id, revocationReason: 'interop', machineSecretKey });
    assert.equal(revoked.revoked, true);
    assert.equal(revoked.revocationReason, 'interop');
    await assert.rejects(clerk.m2m.verify({ token: other.token, machineSecretKey }), (e) => e.status === 404);
    const live = await clerk.m2m.list({ subject: machine.id, machineSecretKey });
    assert.deepEqual(live.data.map((t) => t.id), [token.id]);
    const all = await clerk.m2m.list({ subject: machine.id, revoked: true });
    assert.equal(all.totalCount, 2);
    await assert.rejects(clerk.m2m.list({ subject: 'mch_nope' }), (e) => e.status === 404);
    await clerk.machines.delete(machine.id);
    return `${token.id} verified; ${other.id} revoked; list ${live.totalCount} live of ${all.totalCount}`;
  });
}
