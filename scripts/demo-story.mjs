// The walkthrough `npm start` prints once the gateway answers: ready-to-paste commands for the agent,
// and a sign-in link to the approvals page for the approver (a token from the dev identity provider,
// in the URL fragment, which browsers do not send to servers).
import { relative } from 'node:path';

/** Waits for the dev identity provider, mints the approver's token and prints the commands. */
export async function printStory({ listen, config, child, out = process.stdout }) {
  const base = `http://${listen}`;
  await waitUp(`${base}/dev-idp/.well-known/openid-configuration`, child);
  const res = await fetch(`${base}/dev-idp/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/plain' },
    body: JSON.stringify({ subject: 'alice', groups: ['security'] }),
  });
  if (!res.ok) throw new Error(`dev token: HTTP ${res.status}`);
  const approver = (await res.text()).trim();
  const rel = relative(process.cwd(), config);
  const cfg = rel && !rel.startsWith('..') ? rel : config;
  out.write(`
The whole story (trial only: the identity provider at ${base}/dev-idp signs a 1 h token for anyone on loopback).
As the agent, in a terminal:

  curl -s -H 'Accept: text/plain' -H 'Content-Type: application/json' -d '{"subject":"agent-1","groups":["agents"]}' ${base}/dev-idp/token > agent.jwt
  git -c http.extraHeader="Authorization: Bearer $(cat agent.jwt)" clone ${base}/acme/api.git
  TOKEN=$(grep -rhoE --exclude-dir=.git 'TOKEN_[A-Za-z0-9_-]+' api | head -1); echo "$TOKEN"      # a planted secret, as a token
  npx gitgate token request "$TOKEN" --reason "check the deploy key" --wait --token-file agent.jwt --gateway ${base}

As the approver, open the approvals page, sign in with the trial's identity provider as alice (group
security), and approve the request:

  ${base}/approvals

(or skip the sign-in page with this link, which carries alice's token: ${base}/approvals#signin=${approver})

The first terminal then prints the secret, once (a second reveal is refused). What happened, from the audit:

  npx gitgate audit requests --config ${cfg}

`);
}

async function waitUp(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('the gateway exited');
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}
