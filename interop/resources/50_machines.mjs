// Machines through @clerk/backend's clerk.machines: create (with scoped
// machines), get, list with a query, update, scopes, secret keys (get,
// rotate) and delete; a machine created here mints M2M tokens with its
// own secret key, and the machine it is scoped to verifies them.
export default async function ({ check, clerk, assert }) {
  const stamp = Date.now().toString(36);
  await check('(resources) machines: create, get, list with a query, update, scope, rotate the secret key, delete', async () => {
    const receiver = await clerk.machines.create({ name: `receiver ${stamp}` });
    const sender = await clerk.machines.create({ name: `sender ${stamp}`, scopedMachines: [receiver.id], defaultTokenTtl: 300 });
    assert.ok(sender.secretKey?.startsWith('ak_'), JSON.stringify(sender));
    assert.equal(sender.defaultTokenTtl, 300);
    assert.deepEqual(sender.scopedMachines.map((m) => m.id), [receiver.id]);

    const got = await clerk.machines.get(sender.id);
    assert.equal(got.name, `sender ${stamp}`);
    const listed = await clerk.machines.list({ query: stamp, orderBy: '+name' });
    assert.deepEqual(listed.data.map((m) => m.id), [receiver.id, sender.id]);
    assert.equal(listed.totalCount, 2);
    const updated = await clerk.machines.update({ machineId: sender.id, name: `renamed ${stamp}`, defaultTokenTtl: 120 });
    assert.equal(updated.name, `renamed ${stamp}`);
    assert.equal(updated.defaultTokenTtl, 120);

    // Tokens carry the minter's scopes; the scoped machine verifies them.
    const token = await clerk.m2m.createToken({ machineSecretKey: sender.secretKey });
    assert.equal(token.subject, sender.id);
    assert.deepEqual(token.scopes, [receiver.id]);
    const verified = await clerk.m2m.verify({ token: token.token, machineSecretKey: receiver.secretKey });
    assert.equal(verified.id, token.id);

    const bystander = await clerk.machines.create({ name: `bystander ${stamp}` });
    await assert.rejects(clerk.m2m.verify({ token: token.token, machineSecretKey: bystander.secretKey }), (e) => e.status === 404);
    const scope = await clerk.machines.createScope(bystander.id, sender.id);
    assert.equal(scope.fromMachineId, bystander.id);
    assert.equal(scope.toMachineId, sender.id);
    await assert.rejects(clerk.machines.createScope(bystander.id, bystander.id), (e) => e.status === 422 && e.errors[0].meta.paramName === 'to_machine_id');
    await clerk.machines.deleteScope(bystander.id, sender.id);
    assert.equal((await clerk.machines.get(bystander.id)).scopedMachines.length, 0);

    // Rotation: the old key stops minting at once with previousTokenTtl 0.
    assert.equal((await clerk.machines.getSecretKey(sender.id)).secret, sender.secretKey);
    const rotated = await clerk.machines.rotateSecretKey({ machineId: sender.id, previousTokenTtl: 0 });
    assert.notEqual(rotated.secret, sender.secretKey);
    await assert.rejects(clerk.m2m.createToken({ machineSecretKey: sender.secretKey }), (e) => e.status === 401);
    const fresh = await clerk.m2m.createToken({ machineSecretKey: rotated.secret });
    assert.equal(fresh.subject, sender.id);

    for (const m of [sender, receiver, bystander]) {
      const deleted = await clerk.machines.delete(m.id);
      assert.equal(deleted.deleted, true);
    }
    await assert.rejects(clerk.machines.get(sender.id), (e) => e.status === 404 && e.errors[0].code === 'resource_not_found');
    return `${sender.id} scoped to ${receiver.id}: token ${token.id} verified by the receiver, refused to a bystander; key rotated; 3 deleted`;
  });
}
