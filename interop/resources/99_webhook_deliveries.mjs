// Runs last: every webhook localclerk delivered during the whole interop
// run (all modules' changes) passed @clerk/backend's verifyWebhook.
export default async function ({ check, assert, webhooks }) {
  await check('(webhooks) every delivery of the run passed verifyWebhook, each with its own svix-id', async () => {
    assert.deepEqual(webhooks.refused, [], 'deliveries verifyWebhook refused');
    assert.ok(webhooks.events.length >= 50, `only ${webhooks.events.length} events`);
    assert.equal(new Set(webhooks.events.map((e) => e.svixId)).size, webhooks.events.length, 'a svix-id was reused');
    const types = [...new Set(webhooks.events.map((e) => e.type))].sort();
    return `${webhooks.events.length} events verified: ${types.join(', ')}`;
  });
}
