// sessionkit example app: the page's behaviour, in plain JavaScript.
//
// The session lives in two HttpOnly cookies that only the server can read, so this script never
// sees or stores a token: every call is fetch(..., {credentials: 'same-origin'}), and a 401 from
// an authenticated endpoint is answered by one cookie-based POST /refresh and a retry.
'use strict';

(() => {
  const API = '/api/v1/auth';
  const ACTIVITY_PAGE = 10;
  const TICK_MS = 30_000;

  const state = {
    user: null, // {id, username, roles} while signed in
    sessionId: null,
    events: [],
    activityShown: ACTIVITY_PAGE,
  };

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  /** Creates an element: h('li', {class: 'x', dataset: {id: 1}}, 'text', child). */
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'html') el.innerHTML = value; // only ever given constant markup (icons)
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  /** Thrown once the session is gone and the signed-out view is showing; callers just stop. */
  class SignedOut extends Error {}

  async function send(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(API + path, init);
    } catch (e) {
      throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.', null);
    }
  }

  async function readJson(response) {
    if (response.status === 204) return null;
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  async function errorOf(response) {
    const data = await readJson(response);
    const seconds = parseInt(response.headers.get('Retry-After') || '', 10);
    const message = data && typeof data.message === 'string' && data.message
      ? data.message
      : `The server answered HTTP ${response.status}.`;
    return new ApiError(response.status, (data && data.error) || 'error', message,
      Number.isFinite(seconds) ? seconds : null);
  }

  let refreshing = null;

  /** One POST /refresh at a time: concurrent 401s share it. Resolves to whether it worked. */
  function refreshOnce() {
    if (!refreshing) {
      refreshing = send('POST', '/refresh')
        .then((response) => response.ok)
        .catch(() => false)
        .finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  /** A call to an endpoint that needs the session; refreshes the access token once on 401. */
  async function api(method, path, body) {
    let response = await send(method, path, body);
    if (response.status === 401) {
      if (await refreshOnce()) {
        response = await send(method, path, body);
      }
      if (response.status === 401) {
        const wasSignedIn = state.user !== null;
        showSignedOut();
        if (wasSignedIn) showError('Your session has ended. Please log in again.');
        throw new SignedOut();
      }
    }
    if (!response.ok) throw await errorOf(response);
    return readJson(response);
  }

  /** A call to a public endpoint (login, register): a 401 is an answer, not a reason to refresh. */
  async function publicCall(method, path, body) {
    const response = await send(method, path, body);
    if (!response.ok) throw await errorOf(response);
    return readJson(response);
  }

  // ---------------------------------------------------------------- messages

  const errorBox = $('#error');
  const noticeBox = $('#notice');

  function showError(message) {
    noticeBox.hidden = true;
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function showNotice(message) {
    errorBox.hidden = true;
    noticeBox.textContent = message;
    noticeBox.hidden = false;
  }

  function clearMessages() {
    errorBox.hidden = true;
    errorBox.textContent = '';
    noticeBox.hidden = true;
    noticeBox.textContent = '';
  }

  function sentence(text) {
    const trimmed = String(text).trim();
    if (!trimmed) return trimmed;
    const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  /** Shows what went wrong; for unexpected errors, logs them too. */
  function report(error, fallback) {
    if (error instanceof SignedOut) return;
    if (error instanceof ApiError) {
      showError(sentence(error.message));
    } else {
      console.error(error);
      showError(fallback || 'Something went wrong. Please try again.');
    }
  }

  // ---------------------------------------------------------------- time

  const absoluteFormat = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium', timeStyle: 'medium',
  });

  function relative(iso) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return 'unknown';
    const diff = at - Date.now();
    const seconds = Math.round(Math.abs(diff) / 1000);
    if (seconds < 45) return diff <= 0 || seconds < 5 ? 'just now' : 'in a few seconds';
    let text;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) {
      text = `${minutes} min`;
    } else {
      const hours = Math.round(minutes / 60);
      if (hours < 24) {
        text = `${hours} h`;
      } else {
        const days = Math.round(hours / 24);
        if (days < 45) text = plural(days, 'day', 'days');
        else if (days < 365) text = plural(Math.round(days / 30), 'month', 'months');
        else text = plural(Math.round(days / 365), 'year', 'years');
      }
    }
    return diff < 0 ? `${text} ago` : `in ${text}`;
  }

  /** A <time> showing a relative time, the absolute one in its title; kept fresh by tick(). */
  function timeEl(iso) {
    if (!iso) return h('span', {}, '—');
    const at = new Date(iso);
    const absolute = Number.isNaN(at.getTime()) ? iso : absoluteFormat.format(at);
    return h('time', { datetime: iso, title: absolute, dataset: { rel: iso } }, relative(iso));
  }

  function tick() {
    for (const el of $$('time[data-rel]')) el.textContent = relative(el.dataset.rel);
  }

  // ---------------------------------------------------------------- user agents

  const CLIENTS = [
    [/^curl\//i, 'curl'],
    [/^Wget\//i, 'Wget'],
    [/^HTTPie\//i, 'HTTPie'],
    [/^Java-http-client\//, 'Java HTTP client'],
    [/^Apache-HttpClient\//, 'Apache HttpClient'],
    [/^okhttp\//i, 'OkHttp'],
    [/^python-requests\//i, 'Python Requests'],
    [/^python-httpx\//i, 'Python HTTPX'],
    [/^Python-urllib\//i, 'Python urllib'],
    [/^Go-http-client\//, 'Go HTTP client'],
    [/^axios\//i, 'axios'],
    [/^(node-fetch|undici|node)\b/i, 'Node.js'],
    [/^PostmanRuntime\//, 'Postman'],
    [/^insomnia\//i, 'Insomnia'],
  ];

  const BROWSERS = [
    [/\bEdg(e|A|iOS)?\//, 'Edge'],
    [/\bOPR\/|\bOpera\b/, 'Opera'],
    [/\bSamsungBrowser\//, 'Samsung Internet'],
    [/\bYaBrowser\//, 'Yandex Browser'],
    [/\bVivaldi\//, 'Vivaldi'],
    [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
    [/\bHeadlessChrome\//, 'Headless Chrome'],
    [/\bChrom(e|ium)\/|\bCriOS\//, 'Chrome'],
    [/\bVersion\/[\d.]+.*\bSafari\/|\b(iPhone|iPad|Macintosh).*\bAppleWebKit\//, 'Safari'],
    [/\bMSIE |\bTrident\//, 'Internet Explorer'],
  ];

  /** {name, kind} for a User-Agent header, e.g. {name: 'Chrome on Linux', kind: 'desktop'}. */
  function describeAgent(ua) {
    if (!ua || !ua.trim()) return { name: 'Unknown device', kind: 'unknown' };
    for (const [pattern, name] of CLIENTS) {
      if (pattern.test(ua)) {
        const version = (ua.match(/\/v?(\d+(?:\.\d+)?)/) || [])[1];
        return { name: version ? `${name} ${version}` : name, kind: 'terminal' };
      }
    }
    let os = null;
    let kind = 'desktop';
    if (/\bWindows Phone\b/.test(ua)) { os = 'Windows Phone'; kind = 'phone'; }
    else if (/\bWindows\b/.test(ua)) os = 'Windows';
    else if (/\biPad\b/.test(ua)) { os = 'iPadOS'; kind = 'tablet'; }
    else if (/\biPhone\b|\biPod\b/.test(ua)) { os = 'iOS'; kind = 'phone'; }
    else if (/\bAndroid\b/.test(ua)) { os = 'Android'; kind = /\bMobile\b/.test(ua) ? 'phone' : 'tablet'; }
    else if (/\bCrOS\b/.test(ua)) os = 'ChromeOS';
    else if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) os = 'macOS';
    else if (/\bLinux\b|\bX11\b/.test(ua)) os = 'Linux';
    else if (/\bFreeBSD\b/.test(ua)) os = 'FreeBSD';

    let browser = null;
    for (const [pattern, name] of BROWSERS) {
      if (pattern.test(ua)) { browser = name; break; }
    }
    if (browser && os) return { name: `${browser} on ${os}`, kind };
    if (browser || os) return { name: browser || os, kind };
    // Something else: its first product token ("MyApp/1.2 (...)" -> "MyApp 1.2").
    const product = ua.trim().match(/^([A-Za-z][\w.-]{0,40})(?:\/([\w.]{1,20}))?/);
    if (product && product[1] !== 'Mozilla') {
      return { name: product[2] ? `${product[1]} ${product[2]}` : product[1], kind: 'terminal' };
    }
    return { name: 'Unknown browser', kind: 'unknown' };
  }

  const ICONS = {
    desktop: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/></svg>',
    phone: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="7" y="2.5" width="10" height="19" rx="2.5"/><path d="M11 18.5h2"/></svg>',
    tablet: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="4.5" y="2.5" width="15" height="19" rx="2.5"/><path d="M11 18.5h2"/></svg>',
    terminal: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="4" width="18" height="16" rx="2"/><path d="M7 9l3 3-3 3M12.5 15H17"/></svg>',
    unknown: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6M12 17v.01"/></svg>',
    login: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4M10 16l4-4-4-4M14 12H4"/></svg>',
    logout: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M10 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h4M16 16l4-4-4-4M20 12H10"/></svg>',
    failed: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9"/><path d="M12 7.5v5M12 16v.01"/></svg>',
    revoked: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9"/><path d="M6 6l12 12"/></svg>',
    newDevice: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="4" width="14" height="10" rx="2"/><path d="M7 18h6M10 14v4M20 5v6M17 8h6"/></svg>',
    alert: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 3l9.5 17h-19z"/><path d="M12 10v4.5M12 17.5v.01"/></svg>',
    dot: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="3"/></svg>',
  };

  const EVENT_TYPES = {
    login: { label: 'Signed in', tone: 'good', icon: 'login' },
    login_failed: { label: 'Failed sign-in attempt', tone: 'warn', icon: 'failed' },
    logout: { label: 'Signed out', tone: 'neutral', icon: 'logout' },
    logout_all: { label: 'Signed out everywhere', tone: 'neutral', icon: 'logout' },
    session_revoked: { label: 'Session revoked', tone: 'neutral', icon: 'revoked' },
    session_evicted: { label: 'Session ended: too many devices', tone: 'warn', icon: 'revoked' },
    new_device_login: { label: 'Sign-in from a new device', tone: 'info', icon: 'newDevice' },
    refresh_reuse_detected: { label: 'Stolen token blocked: session ended', tone: 'bad', icon: 'alert' },
  };

  function eventInfo(type) {
    const known = EVENT_TYPES[type];
    if (known) return known;
    const words = String(type || 'event').replace(/[_-]+/g, ' ');
    return { label: sentence(words).replace(/\.$/, ''), tone: 'neutral', icon: 'dot' };
  }

  // ---------------------------------------------------------------- views

  const views = {
    loading: $('#loading'),
    signedOut: $('#signed-out'),
    signedIn: $('#signed-in'),
  };

  function showOnly(name) {
    for (const [key, el] of Object.entries(views)) el.hidden = key !== name;
    $('#account').hidden = name !== 'signedIn';
    // Messages sit where the eye is: on the form card when signed out, atop the page otherwise.
    if (name === 'signedOut') $('.auth-card .tabs').after(noticeBox, errorBox);
    else $('#main').prepend(noticeBox, errorBox);
  }

  function showSignedOut() {
    state.user = null;
    state.sessionId = null;
    state.events = [];
    $('#devices').replaceChildren();
    $('#activity').replaceChildren();
    closeConfirm(false);
    for (const input of $$('#signed-out input[type="password"]')) input.value = '';
    showOnly('signedOut');
    document.title = 'Log in · sessionkit example';
  }

  function focusHeading(selector) {
    const heading = $(selector);
    if (heading) heading.focus({ preventScroll: false });
  }

  // ---------------------------------------------------------------- tabs

  const tabs = $$('[role="tab"]');

  function selectTab(tab, focus) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(`#${other.getAttribute('aria-controls')}`).hidden = !selected;
    }
    if (focus) tab.focus();
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      if (tab.getAttribute('aria-selected') !== 'true') clearMessages();
      selectTab(tab, false);
    });
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      let next = null;
      if (event.key === 'ArrowRight') next = tabs[(index + 1) % tabs.length];
      else if (event.key === 'ArrowLeft') next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === 'Home') next = tabs[0];
      else if (event.key === 'End') next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        selectTab(next, true);
      }
    });
  }

  for (const link of $$('[data-show-tab]')) {
    link.addEventListener('click', () => {
      selectTab($(`#${link.dataset.showTab}`), false);
      clearMessages();
      const panel = $(`#${$(`#${link.dataset.showTab}`).getAttribute('aria-controls')}`);
      const first = $('input', panel);
      if (first) first.focus();
    });
  }

  // ---------------------------------------------------------------- buttons

  function busy(button, on, busyLabel) {
    if (on) {
      button.dataset.label = button.textContent;
      if (busyLabel) button.textContent = busyLabel;
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
    } else {
      if (button.dataset.label !== undefined) button.textContent = button.dataset.label;
      delete button.dataset.label;
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }

  /** After a 429, keeps the button disabled with a countdown until Retry-After has passed. */
  function holdOff(button, seconds) {
    const label = button.textContent;
    let left = seconds;
    button.disabled = true;
    const render = () => { button.textContent = `Try again in ${left} s`; };
    render();
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        button.textContent = label;
        button.disabled = false;
      } else {
        render();
      }
    }, 1000);
  }

  function authError(error, button) {
    if (error instanceof ApiError && error.status === 429) {
      const wait = error.retryAfter;
      const message = sentence(error.message);
      const when = `in ${plural(wait, 'second', 'seconds')}`;
      const later = /\btry again later\.$/i;
      showError(!wait ? message
        : later.test(message) ? message.replace(/later\.$/i, `${when}.`)
          : `${message} Try again ${when}.`);
      if (wait) holdOff(button, wait);
      return;
    }
    report(error);
  }

  // ---------------------------------------------------------------- signing in

  // A login was accepted but the next request carried no session: the browser dropped the
  // cookies, typically Secure cookies on a plain-http address.
  const COOKIE_DROPPED = 'Logged in, but this browser did not keep the session cookie. Over plain '
    + 'http, start the app with COOKIE_SECURE=false, or use https.';

  function credentials(form) {
    return {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
    };
  }

  /** Marks the fields an error is about (all of them when it does not say) as invalid. */
  function markInvalid(form, error) {
    const inputs = $$('input', form);
    for (const input of inputs) input.removeAttribute('aria-invalid');
    if (!error) return;
    let fields = inputs;
    if (error.status === 409) {
      fields = [form.elements.username];
    } else if (error.status === 400) {
      const named = inputs.filter((input) => error.message.toLowerCase().includes(input.name));
      if (named.length > 0) fields = named;
    }
    for (const input of fields) input.setAttribute('aria-invalid', 'true');
  }

  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const button = $('#login-submit');
    if (button.disabled) return;
    clearMessages();
    markInvalid(form, null);
    busy(button, true, 'Logging in…');
    try {
      await publicCall('POST', '/login', credentials(form));
      form.elements.password.value = '';
      await enter();
    } catch (error) {
      busy(button, false);
      if (error instanceof SignedOut) {
        showError(COOKIE_DROPPED);
        return;
      }
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) markInvalid(form, error);
      authError(error, button);
      form.elements.password.focus();
      return;
    }
    busy(button, false);
  });

  $('#register-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const button = $('#register-submit');
    if (button.disabled) return;
    clearMessages();
    markInvalid(form, null);
    const body = credentials(form);
    busy(button, true, 'Creating account…');
    try {
      await publicCall('POST', '/register', body);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 409)) markInvalid(form, error);
      busy(button, false);
      authError(error, button);
      ($('[aria-invalid="true"]', form) || form.elements.username).focus();
      return;
    }
    // The account exists: sign straight in with the same credentials.
    try {
      await publicCall('POST', '/login', body);
      form.reset();
      await enter(`Welcome, ${body.username}! Your account is ready.`);
    } catch (error) {
      form.reset();
      selectTab($('#tab-login'), false);
      $('#login-username').value = body.username;
      if (error instanceof SignedOut) showError(COOKIE_DROPPED);
      else authError(error, $('#login-submit'));
    } finally {
      busy(button, false);
    }
  });

  /** Loads the signed-in view; on 401 (after a refresh) the signed-out view shows instead. */
  async function enter(welcome) {
    const me = await api('GET', '/me');
    state.user = me.user;
    state.sessionId = me.session_id;
    state.activityShown = ACTIVITY_PAGE;
    renderUser();
    showOnly('signedIn');
    if (welcome) showNotice(welcome);
    focusHeading('#signed-in-title');
    await refreshAll();
  }

  function renderUser() {
    const { username, roles } = state.user;
    $('#current-user').textContent = username;
    $('#avatar').textContent = username.charAt(0);
    const sorted = [...(roles || [])].sort();
    $('#current-roles').replaceChildren(
      ...sorted.map((role) => h('span', { class: `role role-${role.toLowerCase()}` }, role)));
    $('#signed-in-title').textContent = `Hello, ${username}`;
    document.title = `Your devices · ${username} · sessionkit example`;
  }

  async function refreshAll() {
    await Promise.all([loadDevices(), loadActivity()]);
  }

  // ---------------------------------------------------------------- devices

  async function loadDevices() {
    const list = $('#devices');
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', '/sessions');
      renderDevices(data);
    } catch (error) {
      report(error, 'Could not load your devices.');
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  function renderDevices(data) {
    const sessions = (data && Array.isArray(data.sessions)) ? data.sessions : [];
    const isCurrent = (s) => s.current === true || s.session_id === state.sessionId;
    const byActivity = (a, b) => (Date.parse(b.last_active_at) || 0) - (Date.parse(a.last_active_at) || 0);
    const ordered = [...sessions.filter(isCurrent), ...sessions.filter((s) => !isCurrent(s)).sort(byActivity)];

    $('#store-notice').hidden = !(data && data.redis_available === false);
    $('#devices-count').textContent = String(ordered.length);
    $('#signed-in-summary').textContent = ordered.length === 1
      ? 'You are signed in on 1 device.'
      : `You are signed in on ${ordered.length} devices.`;
    $('#logout-all-detail').textContent = ordered.length > 1
      ? `All ${ordered.length} sessions end, and you will need to log in again here too.`
      : 'Your session ends and you will need to log in again.';

    const list = $('#devices');
    if (ordered.length === 0) {
      list.replaceChildren(h('li', { class: 'empty' }, 'No active sessions.'));
      return;
    }
    list.replaceChildren(...ordered.map((session) => deviceItem(session, isCurrent(session))));
  }

  function deviceItem(session, current) {
    const agent = describeAgent(session.user_agent);
    const meta = h('dl', { class: 'device-meta' },
      h('div', {}, h('dt', {}, 'Last active'), h('dd', {}, timeEl(session.last_active_at))),
      h('div', {}, h('dt', {}, 'IP'), h('dd', { class: 'ip' }, session.ip || '—')),
      h('div', {}, h('dt', {}, 'Signed in'), h('dd', {}, timeEl(session.created_at))),
      h('div', {}, h('dt', {}, 'Expires'), h('dd', {}, timeEl(session.expires_at))));

    let action = null;
    if (!current) {
      action = h('button', {
        type: 'button',
        class: 'btn btn-secondary btn-small revoke',
        'aria-label': `Revoke ${agent.name} session${session.ip ? ` from ${session.ip}` : ''}`,
        onclick: (event) => revoke(session.session_id, agent.name, event.currentTarget),
      }, 'Revoke');
    }

    return h('li', {
      class: current ? 'device current' : 'device',
      dataset: { sessionId: session.session_id },
      'aria-current': current ? 'true' : null,
    },
    h('div', { class: 'device-icon', html: ICONS[agent.kind] || ICONS.unknown }),
    h('div', { class: 'device-body' },
      h('div', { class: 'device-title' },
        h('span', { class: 'device-name', title: session.user_agent || 'No User-Agent sent' }, agent.name),
        current ? h('span', { class: 'badge badge-current' }, 'This device') : null),
      meta),
    action ? h('div', { class: 'device-action' }, action) : null);
  }

  async function revoke(sessionId, name, button) {
    clearMessages();
    busy(button, true, 'Revoking…');
    try {
      await api('DELETE', `/sessions/${encodeURIComponent(sessionId)}`);
      showNotice(`Revoked the session on ${name}. That device is logged out on its next request.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        showNotice('That session had already ended.');
      } else {
        report(error, 'Could not revoke that session.');
        if (error instanceof SignedOut) return;
        busy(button, false);
        return;
      }
    }
    await refreshAll();
    focusHeading('#devices-title');
  }

  // ---------------------------------------------------------------- log out

  $('#logout').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    clearMessages();
    busy(button, true, 'Logging out…');
    try {
      await api('POST', '/logout');
      showSignedOut();
      showNotice('You have been logged out.');
      focusHeading('#signed-out-title');
    } catch (error) {
      report(error, 'Could not log out.');
    } finally {
      busy(button, false);
    }
  });

  const confirmPanel = $('#logout-all-panel');
  const logoutAllButton = $('#logout-all');

  function openConfirm() {
    confirmPanel.hidden = false;
    logoutAllButton.setAttribute('aria-expanded', 'true');
    $('#logout-all-confirm').focus();
  }

  function closeConfirm(returnFocus) {
    confirmPanel.hidden = true;
    logoutAllButton.setAttribute('aria-expanded', 'false');
    if (returnFocus) logoutAllButton.focus();
  }

  logoutAllButton.addEventListener('click', () => {
    if (confirmPanel.hidden) openConfirm();
    else closeConfirm(false);
  });
  $('#logout-all-cancel').addEventListener('click', () => closeConfirm(true));
  confirmPanel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeConfirm(true);
  });

  $('#logout-all-confirm').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    clearMessages();
    busy(button, true, 'Logging out…');
    try {
      const result = await api('POST', '/logout-all');
      const ended = result && Number.isInteger(result.sessions_deleted) ? result.sessions_deleted : null;
      showSignedOut();
      showNotice(ended === null
        ? 'You have been logged out everywhere.'
        : `You have been logged out everywhere (${plural(ended, 'session', 'sessions')} ended).`);
      focusHeading('#signed-out-title');
    } catch (error) {
      report(error, 'Could not log out everywhere.');
    } finally {
      busy(button, false);
    }
  });

  // ---------------------------------------------------------------- activity

  async function loadActivity() {
    const list = $('#activity');
    list.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', '/activity');
      state.events = collapse((data && Array.isArray(data.events)) ? data.events : []);
      renderActivity();
    } catch (error) {
      if (error instanceof SignedOut) return;
      list.replaceChildren(h('li', { class: 'empty' }, 'Recent activity is not available right now.'));
      $('#activity-more').hidden = true;
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  /** Drops a login that has a new_device_login for the same session: one entry says both. */
  function collapse(events) {
    const fromNewDevice = new Set(events
      .filter((e) => e.type === 'new_device_login' && e.session_id)
      .map((e) => e.session_id));
    return events.filter((e) => !(e.type === 'login' && e.session_id && fromNewDevice.has(e.session_id)));
  }

  function renderActivity() {
    const list = $('#activity');
    const shown = state.events.slice(0, state.activityShown);
    if (shown.length === 0) {
      list.replaceChildren(h('li', { class: 'empty' }, 'No activity yet.'));
    } else {
      list.replaceChildren(...shown.map(activityItem));
    }
    const more = $('#activity-more');
    const hiddenCount = state.events.length - shown.length;
    more.hidden = hiddenCount <= 0;
    more.textContent = `Show ${Math.min(hiddenCount, ACTIVITY_PAGE)} more`;
  }

  function activityItem(event) {
    const info = eventInfo(event.type);
    const details = [];
    if (event.user_agent) {
      details.push(h('span', { title: event.user_agent }, describeAgent(event.user_agent).name));
    }
    if (event.ip) details.push(h('span', {}, event.ip));
    if (event.session_id && event.session_id === state.sessionId) details.push(h('span', {}, 'this device'));
    const parts = [];
    details.forEach((el) => { parts.push(el, ' · '); });
    parts.push(timeEl(event.at));
    return h('li', { class: `activity-entry tone-${info.tone}`, dataset: { type: event.type } },
      h('span', { class: 'activity-dot', html: ICONS[info.icon] }),
      h('div', {},
        h('div', { class: 'activity-label' }, info.label),
        h('div', { class: 'activity-detail' }, parts)));
  }

  $('#activity-more').addEventListener('click', () => {
    const firstNew = state.activityShown;
    state.activityShown += ACTIVITY_PAGE;
    renderActivity();
    const next = $$('#activity .activity-entry')[firstNew];
    if (next) {
      next.tabIndex = -1;
      next.focus();
    }
  });

  // ---------------------------------------------------------------- start

  setInterval(tick, TICK_MS);

  // Coming back to the tab: the list may have changed elsewhere (or this session been revoked).
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.user) {
      refreshAll().catch(() => {});
    }
  });

  (async () => {
    try {
      await enter();
    } catch (error) {
      if (error instanceof SignedOut) return;
      showSignedOut();
      report(error, 'Could not reach the server.');
    }
  })();
})();
