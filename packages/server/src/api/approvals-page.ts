/**
 * The approver web page at /approvals: sign in with an OIDC token (the same JWT the API takes), see the
 * pending detokenize requests with their context and the held pushes (repo, refs, pusher, commits, tokens
 * restored — never a value), approve or deny each with a comment. Plain HTML and a
 * small script served from the same origin, under a strict Content-Security-Policy.
 */
import express, { type Router } from 'express';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gitgate approvals</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
  h1 { font-size: 1.4rem; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  th, td { border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }
  code { font-size: 12px; word-break: break-all; }
  #signin textarea { width: 100%; height: 5rem; font-family: monospace; }
  .msg { margin: .5rem 0; padding: .4rem .6rem; background: #f2f2f7; }
  .msg:empty { display: none; }
  .err { background: #fde8e8; }
  button { margin-right: .3rem; }
  tr.linked { background: #fff8d6; }
</style>
</head>
<body>
<h1>gitgate — pending detokenize requests</h1>
<section id="signin">
  <p>Sign in with your OIDC token (JWT). It stays in this tab only.</p>
  <textarea id="jwt" aria-label="OIDC token" placeholder="eyJ..."></textarea>
  <p><button id="signin-button" type="button">Sign in</button></p>
</section>
<section id="main" hidden>
  <p>Signed in. <button id="refresh" type="button">Refresh</button> <button id="signout" type="button">Sign out</button></p>
  <div id="message" class="msg" role="status"></div>
  <table>
    <thead><tr><th>Requested by</th><th>Token</th><th>Where</th><th>Reason</th><th>Expires</th><th>Decision</th></tr></thead>
    <tbody id="requests"></tbody>
  </table>
  <h2>Held pushes</h2>
  <table>
    <thead><tr><th>Pushed by</th><th>Repository</th><th>Refs (pushed commit)</th><th>Commits</th><th>Tokens restored</th><th>Expires</th><th>Decision</th></tr></thead>
    <tbody id="pushes"></tbody>
  </table>
</section>
<script src="/approvals/app.js"></script>
</body>
</html>
`;

const SCRIPT = `'use strict';
(function () {
  var jwtKey = 'gitgate.jwt';
  var $ = function (id) { return document.getElementById(id); };
  function token() { return sessionStorage.getItem(jwtKey); }
  function say(text, isError) { var m = $('message'); m.textContent = text; m.className = isError ? 'msg err' : 'msg'; }
  function api(method, path, body) {
    return fetch('/api/v1' + path, {
      method: method,
      headers: Object.assign({ 'Authorization': 'Bearer ' + token() }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status)); return j; });
    });
  }
  function cell(text) { var td = document.createElement('td'); td.textContent = text == null ? '' : String(text); return td; }
  // note: the outcome of the decision that triggered this reload; it must outlive the reload.
  function render(items, note) {
    var tbody = $('requests');
    tbody.textContent = '';
    say(note || (items.length === 0 ? 'No pending detokenize requests.' : ''));
    items.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-request', r.id);
      tr.appendChild(cell(r.requester));
      var t = cell(''); var code = document.createElement('code'); code.textContent = r.token; t.appendChild(code); tr.appendChild(t);
      var ctx = r.context || {};
      tr.appendChild(cell([ctx.repo, ctx.path, (ctx.upstreamCommit || ctx.commit || '').slice(0, 12) || null, ctx.rule, ctx.maskedPreview].filter(Boolean).join(' · ')));
      tr.appendChild(cell(r.reason));
      tr.appendChild(cell(r.expiresAt));
      tr.appendChild(decision('detokenize', r.id));
      tbody.appendChild(tr);
      linked(tr, r.id);
    });
  }
  function decision(kind, id) {
    var d = document.createElement('td');
    var comment = document.createElement('input'); comment.placeholder = 'comment'; comment.setAttribute('aria-label', 'comment');
    var approve = document.createElement('button'); approve.textContent = 'Approve'; approve.className = 'approve';
    var deny = document.createElement('button'); deny.textContent = 'Deny'; deny.className = 'deny';
    approve.onclick = function () { decide(kind, id, 'approve', comment.value); };
    deny.onclick = function () { decide(kind, id, 'deny', comment.value); };
    d.appendChild(comment); d.appendChild(approve); d.appendChild(deny);
    return d;
  }
  // Held pushes: names and sanitized ids as pushed, token names only.
  function renderPushes(items) {
    var tbody = $('pushes');
    tbody.textContent = '';
    items.forEach(function (p) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-push-request', p.id);
      tr.appendChild(cell(p.pusher));
      tr.appendChild(cell(p.repo));
      tr.appendChild(cell(p.refs.map(function (r) { return r.ref + ' ' + r.newId; }).join('; ')));
      tr.appendChild(cell(p.commits));
      tr.appendChild(cell(p.tokensRestored.join(' ')));
      tr.appendChild(cell(p.expiresAt));
      tr.appendChild(decision('push', p.id));
      tbody.appendChild(tr);
      linked(tr, p.id);
    });
  }
  // A webhook message links here as /approvals#<request id>: mark that request and bring it into view.
  function linked(tr, id) {
    if (location.hash === '#' + encodeURIComponent(id)) { tr.className = 'linked'; tr.scrollIntoView(); }
  }
  function load(note) {
    return Promise.all([
      api('GET', '/detokenize-requests?status=pending').then(function (j) { render(j.items, note); }),
      // A gateway without held pushes answers 501: its table stays empty.
      api('GET', '/push-requests?status=pending').then(function (j) { renderPushes(j.items); }, function () { renderPushes([]); }),
    ]).catch(function (e) { say(e.message, true); });
  }
  function decide(kind, id, what, comment) {
    api('POST', '/' + kind + '-requests/' + encodeURIComponent(id) + '/' + what, { comment: comment || undefined })
      .then(function (r) { return load((kind === 'push' ? 'Push request ' : 'Request ') + id + ': ' + r.status); }, function (e) { say(e.message, true); });
  }
  function show() { var signedIn = !!token(); $('signin').hidden = signedIn; $('main').hidden = !signedIn; if (signedIn) load(); }
  $('signin-button').onclick = function () { var v = $('jwt').value.trim(); if (v) { sessionStorage.setItem(jwtKey, v); $('jwt').value = ''; show(); } };
  $('signout').onclick = function () { sessionStorage.removeItem(jwtKey); show(); };
  $('refresh').onclick = function () { load(); };
  // A sign-in link (/approvals#signin=JWT, the trial's): the fragment never reaches a server or a log; kept, then dropped from the address.
  var m = /^#signin=([A-Za-z0-9._-]+)$/.exec(location.hash);
  if (m) { sessionStorage.setItem(jwtKey, m[1]); history.replaceState(null, '', location.pathname + location.search); }
  show();
})();
`;

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Routes for /approvals and its script. */
export function approvalsPage(): Router {
  const r = express.Router();
  r.get('/approvals', (_req, res) => {
    res.set(SECURITY_HEADERS).type('html').send(HTML);
  });
  r.get('/approvals/app.js', (_req, res) => {
    res.set(SECURITY_HEADERS).type('application/javascript').send(SCRIPT);
  });
  return r;
}
