// A user's profile image, second factors, passkeys, wallets, external
// accounts, compromised password and e-mail replacement through
// clerk.users. localclerk users have no TOTP, backup codes, passkeys,
// wallets or external accounts: the answers are Clerk's for a user who
// has none (an empty token list, {user_id} for removals, 404 for an item).

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function rejects(promise, status, code) {
  try {
    await promise;
  } catch (err) {
    if (err?.status !== status || err?.errors?.[0]?.code !== code) {
      throw new Error(`want ${status} ${code}, got ${err?.status} ${JSON.stringify(err?.errors ?? String(err))}`);
    }
    return;
  }
  throw new Error(`want ${status} ${code}, the call succeeded`);
}

export default async function ({ check, clerk, assert, fapi }) {
  const password = 'correct-horse-battery';
  let user;

  await check('(users) updateUserProfileImage uploads an image localclerk serves at image_url; deleteUserProfileImage removes it', async () => {
    user = await clerk.users.createUser({ emailAddress: ['i63-ivy@example.com'], password });
    const withImage = await clerk.users.updateUserProfileImage(user.id, { file: new Blob([png], { type: 'image/png' }) });
    assert.equal(withImage.hasImage, true);
    const res = await fetch(withImage.imageUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), png);
    const without = await clerk.users.deleteUserProfileImage(user.id);
    assert.equal(without.hasImage, false);
    assert.equal((await fetch(withImage.imageUrl)).status, 404);
    return withImage.imageUrl;
  });

  await check('(users) no second factors: disableUserMFA/deleteUserBackupCodes/deleteUserTOTP answer the user id, verifyTOTP refuses', async () => {
    for (const call of [clerk.users.disableUserMFA, clerk.users.deleteUserBackupCodes, clerk.users.deleteUserTOTP]) {
      const r = await call.call(clerk.users, user.id);
      assert.equal(r.userId ?? r.user_id, user.id, JSON.stringify(r));
    }
    await rejects(clerk.users.verifyTOTP({ userId: user.id, code: '123456' }), 422, 'form_code_incorrect');
    const got = await clerk.users.getUser(user.id);
    assert.equal(got.totpEnabled, false);
    assert.equal(got.twoFactorEnabled, false);
  });

  await check('(users) passkeys, wallets and external accounts by id → 404; getUserOauthAccessToken → no tokens', async () => {
    await rejects(clerk.users.deleteUserPasskey({ userId: user.id, passkeyIdentificationId: 'idn_nope' }), 404, 'resource_not_found');
    await rejects(clerk.users.deleteUserWeb3Wallet({ userId: user.id, web3WalletIdentificationId: 'idn_nope' }), 404, 'resource_not_found');
    await rejects(clerk.users.deleteUserExternalAccount({ userId: user.id, externalAccountId: 'eac_nope' }), 404, 'resource_not_found');
    const tokens = await clerk.users.getUserOauthAccessToken(user.id, 'oauth_google');
    assert.equal(tokens.data.length, 0);
  });

  await check('(users) setPasswordCompromised refuses the hosted sign-in; unsetPasswordCompromised lets it through', async () => {
    const signIn = () =>
      fetch(`${fapi}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: fapi, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'i63-ivy@example.com', password, redirect_url: 'http://localhost:3000/' }),
      });
    await clerk.users.setPasswordCompromised(user.id, { revokeAllSessions: true });
    const refused = await signIn();
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /compromised/);
    await clerk.users.unsetPasswordCompromised(user.id);
    assert.equal((await signIn()).status, 303);
  });

  await check('(users) replaceUserEmailAddress leaves one primary address; a taken one → 422 form_identifier_exists', async () => {
    const e = await clerk.users.replaceUserEmailAddress(user.id, { emailAddress: 'i63-ivy-new@example.com' });
    const got = await clerk.users.getUser(user.id);
    assert.deepEqual(got.emailAddresses.map((a) => a.emailAddress), ['i63-ivy-new@example.com']);
    assert.equal(got.primaryEmailAddressId, e.id);
    const other = await clerk.users.createUser({ emailAddress: ['i63-other@example.com'], skipPasswordRequirement: true });
    await rejects(clerk.users.replaceUserEmailAddress(user.id, { emailAddress: 'i63-other@example.com' }), 422, 'form_identifier_exists');
    await clerk.users.deleteUser(other.id);
    await clerk.users.deleteUser(user.id);
  });
}
