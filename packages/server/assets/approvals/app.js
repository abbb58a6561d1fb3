// The approvals page (served by the gateway as is: no build step, no CDN). Sign-in: OpenID Connect
// authorization code with PKCE (RFC 7636, S256) when the gateway names a provider, else a pasted token.
// Everything a requester or agent wrote (reason, paths, names) is rendered with textContent only.
'use strict';
(function () {
  var KEYS = { jwt: 'gitgate.jwt', verifier: 'gitgate.pkce.verifier', state: 'gitgate.pkce.state', nonce: 'gitgate.pkce.nonce', back: 'gitgate.pkce.return' };
  var $ = function (id) { return document.getElementById(id); };
  var store = window.sessionStorage;
  var me = null;
  var config = {};

  function token() { return store.getItem(KEYS.jwt); }
  function say(text, isError) { var m = $('message'); m.textContent = text || ''; m.className = isError ? 'msg err' : 'msg'; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function cell(text) { return el('td', text == null ? '' : text); }
  function nodeCell(node) { var td = el('td'); td.appendChild(node); return td; }

  // ---- the API ----
  function api(method, path, body, bearer) {
    return fetch('/api/v1' + path, {
      method: method,
      headers: Object.assign({ 'Authorization': 'Bearer ' + (bearer || token()) }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { var e = new Error((j.error && j.error.message) || ('HTTP ' + r.status)); e.status = r.status; e.code = j.error && j.error.code; throw e; }
        return j;
      });
    });
  }

  // ---- times: relative text, the local time beside it, the ISO time in the title ----
  function relative(iso) {
    var s = Math.round((Date.parse(iso) - Date.now()) / 1000);
    var a = Math.abs(s);
    var text = a < 60 ? a + ' s' : a < 3600 ? Math.round(a / 60) + ' min' : a < 172800 ? Math.round(a / 3600) + ' h' : Math.round(a / 86400) + ' d';
    return s >= 0 ? 'in ' + text : text + ' ago';
  }
  function when(iso) {
    if (!iso) return el('span', '');
    var t = el('time', relative(iso));
    t.setAttribute('datetime', iso);
    t.title = iso;
    var wrap = el('span', null, 'when');
    wrap.appendChild(t);
    wrap.appendChild(document.createElement('br'));
    wrap.appendChild(el('small', new Date(iso).toLocaleString()));
    return wrap;
  }
  function requestLink(id) {
    var a = el('a', id.slice(0, 8));
    a.href = '/approvals#' + encodeURIComponent(id);
    a.title = id;
    return a;
  }
  function codeOf(text) { return el('code', text); }
  function joinNames(list) { return list.length === 0 ? '' : list.join(', '); }

  // ---- sign-in: authorization code + PKCE ----
  function randomText(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return base64url(a);
  }
  function base64url(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function discover() {
    return fetch(config.issuer.replace(/\/+$/, '') + '/.well-known/openid-configuration').then(function (r) {
      if (!r.ok) throw new Error('the identity provider\'s discovery document answered HTTP ' + r.status);
      return r.json();
    });
  }
  function redirectUri() { return location.origin + '/approvals'; }
  function startSignIn() {
    var verifier = randomText(32);
    var state = randomText(16);
    var nonce = randomText(16);
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      return discover().then(function (d) {
        if (!d.authorization_endpoint) throw new Error('the identity provider has no browser sign-in; paste a token instead');
        store.setItem(KEYS.verifier, verifier);
        store.setItem(KEYS.state, state);
        store.setItem(KEYS.nonce, nonce);
        store.setItem(KEYS.back, location.hash);
        var q = new URLSearchParams({
          response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: 'openid',
          state: state, nonce: nonce, code_challenge: base64url(new Uint8Array(digest)), code_challenge_method: 'S256',
        });
        location.assign(d.authorization_endpoint + (d.authorization_endpoint.indexOf('?') < 0 ? '?' : '&') + q.toString());
      });
    }).catch(function (e) { signInError(e.message); });
  }
  function claims(jwt) {
    try { return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { return null; }
  }
  // The code came back (?code=…&state=…): check the state, exchange the code with the verifier, and
  // keep the first returned token the API accepts (an access token, or an ID token with our nonce).
  function finishSignIn(params) {
    var expected = store.getItem(KEYS.state);
    var verifier = store.getItem(KEYS.verifier);
    var nonce = store.getItem(KEYS.nonce);
    var back = store.getItem(KEYS.back) || '';
    [KEYS.state, KEYS.verifier, KEYS.nonce, KEYS.back].forEach(function (k) { store.removeItem(k); });
    history.replaceState(null, '', location.pathname + back);
    if (params.get('error')) return Promise.reject(new Error('the identity provider refused the sign-in: ' + params.get('error')));
    if (!expected || params.get('state') !== expected || !verifier) return Promise.reject(new Error('this sign-in answer does not belong to a sign-in started here (state mismatch); sign in again'));
    return discover().then(function (d) {
      return fetch(d.token_endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(), client_id: config.clientId, code_verifier: verifier }).toString(),
      });
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error('the code exchange failed: ' + (j.error_description || j.error || r.status)); return j; });
    }).then(function (t) {
      var idToken = typeof t.id_token === 'string' && (claims(t.id_token) || {}).nonce === nonce ? t.id_token : null;
      var candidates = [t.access_token, idToken].filter(function (x) { return typeof x === 'string' && x.split('.').length === 3; });
      return firstAccepted(candidates);
    });
  }
  function firstAccepted(candidates) {
    if (candidates.length === 0) return Promise.reject(new Error('the identity provider returned no token this gateway accepts'));
    return api('GET', '/me', null, candidates[0]).then(function (who) {
      store.setItem(KEYS.jwt, candidates[0]);
      return who;
    }, function (e) {
      if (candidates.length > 1 && e.status === 401) return firstAccepted(candidates.slice(1));
      throw e;
    });
  }
  function signInError(text) { $('signin-message').textContent = text || ''; }

  // ---- who is signed in ----
  function showSignIn(error) {
    me = null;
    $('main').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    $('signin-oidc').hidden = !(config.issuer && config.clientId);
    signInError(error);
  }
  function showSignedIn(who) {
    me = who;
    var roles = [who.approver ? 'approver' : null, who.requester ? 'requester' : null, who.admin ? 'admin' : null].filter(Boolean);
    $('who-text').textContent = 'Signed in as ' + who.subject + ' · groups: ' + (joinNames(who.groups) || 'none') + (roles.length ? ' · ' + roles.join(', ') : '');
    $('who').hidden = false;
    $('signin').hidden = true;
    $('main').hidden = false;
    if (!who.approver && !who.admin) say('You are not in an approver group: there is nothing for you to decide here.', true);
    return load();
  }
  // A stored token is checked with the API before anything is shown.
  function check() {
    if (!token()) return Promise.resolve(showSignIn(''));
    return api('GET', '/me').then(showSignedIn, function (e) {
      store.removeItem(KEYS.jwt);
      showSignIn('That token was refused: ' + e.message);
    });
  }

  // ---- approvals: k of N, who, and whether you already approved ----
  function approvalsCell(r) {
    var td = el('td');
    var names = (r.approvals || []).map(function (a) { return a.approver; });
    td.appendChild(el('span', names.length + ' of ' + r.requiredApprovals, 'count'));
    if (names.length) td.appendChild(el('small', ' by ' + joinNames(names)));
    if (me && names.indexOf(me.subject) >= 0) { td.appendChild(document.createElement('br')); td.appendChild(el('span', 'you already approved', 'done')); }
    return td;
  }
  function decision(kind, r, owner, summary) {
    var d = el('td');
    var mine = me && owner === me.subject;
    var approved = me && (r.approvals || []).some(function (a) { return a.approver === me.subject; });
    var comment = el('input');
    comment.placeholder = 'comment (required to deny)';
    comment.setAttribute('aria-label', 'comment');
    d.appendChild(comment);
    if (!mine && !approved) d.appendChild(button('Approve', 'approve', function () { ask(d, kind, r.id, 'approve', comment, summary); }));
    d.appendChild(button('Deny', 'deny', function () { ask(d, kind, r.id, 'deny', comment, summary); }));
    if (mine) d.appendChild(el('small', ' your own request'));
    return d;
  }
  function button(text, cls, onclick) { var b = el('button', text, cls); b.type = 'button'; b.onclick = onclick; return b; }
  // Confirmation before a decision; a denial needs a comment (the API refuses one without).
  function ask(d, kind, id, what, comment, summary) {
    var old = d.querySelector('.confirm-box');
    if (old) old.remove();
    var note = comment.value.trim();
    if (what === 'deny' && !note) { say('A denial needs a comment saying why: the requester sees it.', true); comment.focus(); return; }
    var box = el('div', null, 'confirm-box');
    box.appendChild(el('span', (what === 'approve' ? 'Approve ' : 'Deny ') + summary + '? '));
    box.appendChild(button(what === 'approve' ? 'Confirm approval' : 'Confirm denial', 'confirm', function () { decide(kind, id, what, note); }));
    box.appendChild(button('Cancel', 'cancel', function () { box.remove(); }));
    d.appendChild(box);
  }
  function decide(kind, id, what, comment) {
    api('POST', '/' + kind + '-requests/' + encodeURIComponent(id) + '/' + what, { comment: comment || undefined }).then(function (r) {
      var count = r.status === 'pending' ? ' (' + r.approvals.length + ' of ' + r.requiredApprovals + ' approvals)' : '';
      return load((kind === 'push' ? 'Push request ' : 'Request ') + id + ': ' + r.status + count);
    }, function (e) { say(e.message, true); });
  }

  // ---- the tables ----
  function linked(tr, id) {
    if (location.hash === '#' + encodeURIComponent(id)) { tr.className = 'linked'; return true; }
    return false;
  }
  function where(ctx) {
    return [ctx.repo, ctx.path, (ctx.upstreamCommit || ctx.commit || '').slice(0, 12) || null, ctx.rule, ctx.maskedPreview].filter(Boolean).join(' · ');
  }
  // One row per item in table body `id`, marked with `attr`; true when the address links to one of them.
  function renderRows(id, attr, items, cellsOf) {
    var tbody = $(id);
    tbody.textContent = '';
    var found = false;
    items.forEach(function (item) {
      var tr = el('tr');
      tr.setAttribute(attr, item.id);
      cellsOf(item).forEach(function (c) { tr.appendChild(c); });
      tbody.appendChild(tr);
      found = linked(tr, item.id) || found;
    });
    return found;
  }
  function renderPending(items) {
    return renderRows('requests', 'data-request', items, function (r) {
      return [nodeCell(requestLink(r.id)), cell(r.requester), nodeCell(codeOf(r.token)), cell(where(r.context || {})), cell(r.reason), approvalsCell(r),
        nodeCell(when(r.expiresAt)), decision('detokenize', r, r.requester, 'the reveal of ' + r.token + ' to ' + r.requester)];
    });
  }
  // Held pushes: names and sanitized ids as pushed, token names only.
  function renderPushes(items) {
    return renderRows('pushes', 'data-push-request', items, function (p) {
      return [nodeCell(requestLink(p.id)), cell(p.pusher), cell(p.repo), cell(p.refs.map(function (r) { return r.ref + ' ' + r.newId; }).join('; ')), cell(p.commits),
        cell(p.tokensRestored.join(' ')), approvalsCell(p), nodeCell(when(p.expiresAt)), decision('push', p, p.pusher, 'the push of ' + p.repo + ' by ' + p.pusher)];
    });
  }
  // Who decided, what they said, and when it ended.
  function outcome(r) {
    var approvers = (r.approvals || []).map(function (a) { return a.approver; });
    var comments = (r.approvals || []).concat(r.denial ? [r.denial] : []).filter(function (a) { return a.comment; })
      .map(function (a) { return a.approver + ': ' + a.comment; });
    var by = r.status === 'denied' && r.denial ? r.denial.approver : r.status === 'expired' && approvers.length === 0 ? '(nobody: expired)' : joinNames(approvers);
    var at = r.revealedAt || (r.denial && r.denial.at) || (r.status === 'expired' ? r.expiresAt : null) || ((r.approvals || []).slice(-1)[0] || {}).at || r.createdAt;
    return { by: by, comments: comments.join('; '), at: at };
  }
  function renderHistory(items) {
    var found = renderRows('history', 'data-history-request', items, function (r) {
      var o = outcome(r);
      return [nodeCell(requestLink(r.id)), cell(r.requester), nodeCell(codeOf(r.token)), cell(r.reason), nodeCell(el('span', r.status, 'status-' + r.status)),
        cell(o.by), cell(o.comments), nodeCell(when(o.at))];
    });
    if (items.length === 0) $('history').appendChild(el('tr')).appendChild(el('td', 'No decided requests yet.'));
    return found;
  }
  function tab(name) {
    $('pending-view').hidden = name !== 'pending';
    $('history-view').hidden = name !== 'history';
    $('tab-pending').setAttribute('aria-selected', String(name === 'pending'));
    $('tab-history').setAttribute('aria-selected', String(name === 'history'));
  }
  // note: the outcome of the decision that triggered this reload; it must outlive the reload.
  function load(note) {
    return Promise.all([
      api('GET', '/detokenize-requests?status=pending'),
      // A gateway without held pushes answers 501: its table stays empty.
      api('GET', '/push-requests?status=pending').catch(function () { return { items: [] }; }),
      api('GET', '/detokenize-requests?limit=200'),
    ]).then(function (all) {
      var pending = renderPending(all[0].items) | renderPushes(all[1].items);
      var inHistory = renderHistory(all[2].items.filter(function (r) { return r.status !== 'pending'; }));
      if (inHistory && !pending) tab('history');
      var row = document.querySelector('tr.linked');
      if (row) row.scrollIntoView();
      say(note || (all[0].items.length + all[1].items.length === 0 ? 'No pending requests.' : ''));
    }).catch(function (e) {
      if (e.status === 401) { store.removeItem(KEYS.jwt); showSignIn('Your sign-in has expired: ' + e.message); return; }
      say(e.message, true);
    });
  }

  // ---- wiring ----
  $('signin-provider').onclick = startSignIn;
  $('signin-button').onclick = function () {
    var v = $('jwt').value.trim();
    if (!v) return;
    store.setItem(KEYS.jwt, v);
    $('jwt').value = '';
    check();
  };
  $('signout').onclick = function () { store.removeItem(KEYS.jwt); showSignIn(''); };
  $('refresh').onclick = function () { load(); };
  $('tab-pending').onclick = function () { tab('pending'); };
  $('tab-history').onclick = function () { tab('history'); };
  window.addEventListener('hashchange', function () { if (me) load(); });

  fetch('/approvals/config.json').then(function (r) { return r.json(); }).catch(function () { return {}; }).then(function (c) {
    config = c || {};
    var params = new URLSearchParams(location.search);
    if (params.has('code') || params.has('error')) {
      return finishSignIn(params).then(showSignedIn, function (e) { store.removeItem(KEYS.jwt); showSignIn(e.message); });
    }
    // A sign-in link (/approvals#signin=JWT, the trial's): the fragment never reaches a server or a log; kept, then dropped from the address.
    var m = /^#signin=([A-Za-z0-9._-]+)$/.exec(location.hash);
    if (m) { store.setItem(KEYS.jwt, m[1]); history.replaceState(null, '', location.pathname + location.search); }
    return check();
  });
})();
