import { expect } from 'chai';
import { startWebhookReceiver, slackMessageProblems, teamsMessageProblems, type WebhookReceiver } from '@gitgate/testkit';
import { WebhookNotifier, detokenizeNotification, webhookBody, signBody, type DetokenizeEvent, type WebhookNotification } from '../src/index.js';
import { randomChars } from './helpers.js';

const requestId = '6f1c2d9e-1111-4222-8333-944445555666';
const pageUrl = 'https://gitgate.example.com/approvals';
const created: DetokenizeEvent = {
  type: 'detokenize-request', requestId, token: '[[TOKEN_github-pat_ABCDEFGHIJKLMNOPQRSTUVWX]]', actor: 'agent-7',
  at: '2030-01-01T00:00:00.000Z', status: 'pending', requester: 'agent-7', reason: 'deploy <!channel> & fix', requiredApprovals: 2, expiresAt: '2030-01-01T01:00:00.000Z',
};
const facts = { repo: 'acme/api', path: 'config/prod.env' };
const notification = (e: DetokenizeEvent = created): WebhookNotification => detokenizeNotification(e, facts);

/** Receivers that answer 400 to what the chat service would refuse, as Slack and Teams do. */
const slackReceiver = (): Promise<WebhookReceiver> => startWebhookReceiver({ answer: (r) => (slackMessageProblems(r.body).length === 0 ? 200 : 400) });
const teamsReceiver = (): Promise<WebhookReceiver> => startWebhookReceiver({ answer: (r) => (teamsMessageProblems(r.body).length === 0 ? 200 : 400) });

describe('webhook payload presets', () => {
  let secret: string;
  beforeEach(() => {
    secret = randomChars(32);
  });

  it('sends the detokenize event unchanged in the generic format', () => {
    expect(JSON.parse(webhookBody('generic', notification()))).to.deep.equal(created);
  });

  it('delivers a Slack Block Kit message that a receiver checking the structure accepts', async () => {
    const hook = await slackReceiver();
    try {
      await new WebhookNotifier({ url: hook.url, secret, format: 'slack', pageUrl }).notify(notification());
      expect(hook.received).to.have.length(1);
      expect(slackMessageProblems(hook.received[0]!.body)).to.deep.equal([]);
      const m = JSON.parse(hook.received[0]!.body) as { blocks: { type: string }[] };
      expect(m.blocks.map((b) => b.type)).to.deep.equal(['header', 'section', 'context', 'actions']);
    } finally {
      await hook.close();
    }
  });

  it('names the event, repository, path, requester, reason and approvals in the Slack message', () => {
    const m = JSON.parse(webhookBody('slack', notification(), pageUrl)) as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    expect(m.blocks[0]!.text!.text).to.equal('Detokenize request created');
    const fields = m.blocks[1]!.fields!.map((f) => f.text);
    expect(fields).to.include.members(['*Repository*\n`acme/api`', '*Path*\n`config/prod.env`', '*Requester*\nagent-7', '*Approvals*\n0 of 2']);
    expect(m.text).to.equal('Detokenize request created: acme/api:config/prod.env');
  });

  it('links the Slack button to the request on the approvals page', () => {
    const m = JSON.parse(webhookBody('slack', notification(), pageUrl)) as { blocks: { type: string; elements?: { url: string }[] }[] };
    expect(m.blocks.at(-1)!.elements![0]!.url).to.equal(`${pageUrl}#${requestId}`);
  });

  it('escapes users\' text in the Slack message so a reason cannot mention a channel', () => {
    const body = webhookBody('slack', notification(), pageUrl);
    expect(body).not.to.include('<!channel>');
    expect(body).to.include('&lt;!channel&gt; &amp; fix');
  });

  it('says an approval short of the threshold is recorded, with k of N', () => {
    const e: DetokenizeEvent = { type: 'detokenize-approve', requestId, token: created.token, actor: 'alice', at: created.at, status: 'pending', requester: 'agent-7', approver: 'alice', approvals: 1, requiredApprovals: 2 };
    const m = JSON.parse(webhookBody('slack', detokenizeNotification(e, { ...facts, reason: 'deploy' }), pageUrl)) as { blocks: { text?: { text: string }; fields?: { text: string }[] }[] };
    expect(m.blocks[0]!.text!.text).to.equal('Detokenize request approval recorded');
    expect(m.blocks[1]!.fields!.map((f) => f.text)).to.include.members(['*Approvals*\n1 of 2', '*Reason*\ndeploy']);
  });

  it('delivers a Teams Adaptive Card with the same facts and link that a checking receiver accepts', async () => {
    const hook = await teamsReceiver();
    try {
      await new WebhookNotifier({ url: hook.url, secret, format: 'teams', pageUrl }).notify(notification());
      expect(teamsMessageProblems(hook.received[0]!.body)).to.deep.equal([]);
      const card = (JSON.parse(hook.received[0]!.body) as { attachments: { content: { body: { inlines?: { text: string }[] }[]; actions: { url: string }[] } }[] }).attachments[0]!.content;
      const lines = card.body.filter((b) => b.inlines).map((b) => b.inlines!.map((r) => r.text).join(''));
      expect(lines).to.include.members(['Repository: acme/api', 'Path: config/prod.env', 'Requester: agent-7', 'Approvals: 0 of 2']);
      expect(card.actions[0]!.url).to.equal(`${pageUrl}#${requestId}`);
    } finally {
      await hook.close();
    }
  });

  it('gives Teams the facts as plain text runs, so a token keeps its underscores and a reason cannot disguise a link', () => {
    const e: DetokenizeEvent = { ...created, reason: '[approve here](https://evil.example)' };
    const m = JSON.parse(webhookBody('teams', notification(e), pageUrl)) as { attachments: { content: { body: { type: string; inlines?: { type: string; text: string }[] }[] } }[] };
    const body = m.attachments[0]!.content.body;
    expect(body.map((b) => b.type)).not.to.include('FactSet');
    const runs = body.flatMap((b) => b.inlines ?? []);
    expect(runs.every((r) => r.type === 'TextRun')).to.equal(true);
    expect(runs.map((r) => r.text)).to.include.members([created.token, '[approve here](https://evil.example)']);
  });

  it('signs chat payloads too and never puts the signing secret in them', async () => {
    const hook = await slackReceiver();
    try {
      await new WebhookNotifier({ url: hook.url, secret, format: 'slack', pageUrl }).notify(notification());
      const r = hook.received[0]!;
      expect(r.headers['x-gitgate-signature']).to.equal(signBody(secret, r.body));
      expect(r.body).not.to.include(secret);
    } finally {
      await hook.close();
    }
  });

  it('leaves the button out when there is neither a page URL nor a request', () => {
    const e: DetokenizeEvent = { type: 'token-revoke', requestId: null, token: created.token, actor: 'root', at: created.at, requestIds: [] };
    const m = JSON.parse(webhookBody('slack', detokenizeNotification(e), pageUrl)) as { blocks: { type: string }[] };
    expect(m.blocks.map((b) => b.type)).not.to.include('actions');
    expect(slackMessageProblems(JSON.stringify(m))).to.deep.equal([]);
  });

  it('refuses an unknown format and a page URL that is not http(s)', () => {
    expect(() => new WebhookNotifier({ url: 'https://hooks.example', secret, format: 'discord' as 'slack' })).to.throw(TypeError);
    expect(() => new WebhookNotifier({ url: 'https://hooks.example', secret, pageUrl: 'javascript:alert(1)' })).to.throw(TypeError);
  });
});
