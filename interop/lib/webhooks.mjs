// A webhook endpoint for localclerk's deliveries (run.sh starts localclerk
// with -webhook-url pointing here). Every delivery is verified with
// @clerk/backend's verifyWebhook, as an app's endpoint would; verified
// events are kept for the checks, refusals are counted.
import { createServer } from 'node:http';
import { verifyWebhook } from '@clerk/backend/webhooks';

export async function startWebhookReceiver(port, signingSecret) {
  const events = [];
  const refused = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => [v].flat().map((x) => [k, x])),
      body: Buffer.concat(chunks),
    });
    try {
      events.push({ ...(await verifyWebhook(request, { signingSecret })), svixId: req.headers['svix-id'] });
      res.writeHead(204).end();
    } catch (err) {
      refused.push(String(err?.message ?? err));
      res.writeHead(400).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    events,
    refused,
    // waitFor resolves with the first verified event of type whose data
    // passes match, polling until timeoutMs (deliveries are asynchronous).
    async waitFor(type, match = () => true, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const e = events.find((x) => x.type === type && match(x.data));
        if (e) return e;
        if (Date.now() > end) {
          const seen = events.filter((x) => x.type === type).length;
          throw new Error(`no ${type} webhook matched within ${timeoutMs} ms (${seen} ${type} seen, ${events.length} events, ${refused.length} refused)`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}
