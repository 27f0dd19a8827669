// Redirect URLs through clerk.redirectUrls: create, get, list, delete.
// @clerk/backend's getRedirectUrlList takes no parameters (no paging or
// filter), and the Backend API has no update of a redirect URL.
import { ids, rejectsWith } from '../lib/expect.mjs';

export default async function ({ check, clerk, assert }) {
  const made = [];

  await check('(redirect urls) createRedirectUrl decodes https and custom-scheme URLs; getRedirectUrl reads one back', async () => {
    for (const url of ['https://i20.example.com/callback', 'i20app://oauth/callback']) made.push(await clerk.redirectUrls.createRedirectUrl({ url }));
    const [web, native] = made;
    assert.match(web.id, /^ru_/);
    assert.equal(web.url, 'https://i20.example.com/callback');
    assert.equal(native.url, 'i20app://oauth/callback');
    assert.ok(web.createdAt > 0 && web.updatedAt >= web.createdAt);
    const got = await clerk.redirectUrls.getRedirectUrl(native.id);
    assert.equal(got.id, native.id);
    assert.equal(got.url, native.url);
    return made.map((u) => `${u.id} ${u.url}`).join(', ');
  });

  await check('(redirect urls) a duplicate → 422 form_identifier_exists; a relative URL → 422 form_param_format_invalid', async () => {
    const dup = await rejectsWith(clerk.redirectUrls.createRedirectUrl({ url: 'https://i20.example.com/callback' }), 422, 'form_identifier_exists', 'url');
    const bad = await rejectsWith(clerk.redirectUrls.createRedirectUrl({ url: '/relative/path' }), 422, 'form_param_format_invalid', 'url');
    return `duplicate → ${dup}; relative → ${bad}`;
  });

  await check('(redirect urls) getRedirectUrlList lists them newest first with totalCount', async () => {
    const list = await clerk.redirectUrls.getRedirectUrlList();
    assert.equal(list.totalCount, list.data.length);
    assert.deepEqual(ids(list.data.filter((u) => ids(made).includes(u.id))), ids(made).reverse());
    return `totalCount ${list.totalCount}: ${list.data.map((u) => u.url).join(', ')}`;
  });

  await check('(redirect urls) deleteRedirectUrl answers a deleted object; get → 404', async () => {
    for (const u of made) {
      const del = await clerk.redirectUrls.deleteRedirectUrl(u.id);
      assert.equal(del.id, u.id);
      assert.equal(del.object, 'redirect_url');
      assert.equal(del.deleted, true);
      await rejectsWith(clerk.redirectUrls.getRedirectUrl(u.id), 404, 'resource_not_found');
    }
    const list = await clerk.redirectUrls.getRedirectUrlList();
    assert.ok(ids(made).every((id) => !ids(list.data).includes(id)));
    return `deleted ${ids(made).join(', ')}`;
  });
}
