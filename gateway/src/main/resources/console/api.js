// Every call to the API. The Letta key lives in this tab's sessionStorage only: never in a URL, a cookie or a log.
const KEY = 'punctual.apiKey';

export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || 'HTTP ' + status);
    this.status = status;
    this.type = body && body.type;
    this.errors = (body && Array.isArray(body.errors)) ? body.errors : [];
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: key => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** Calls the API; answers {body, etag}; throws a Problem for any non-2xx answer. */
export async function call(method, path, {body, key, headers = {}, contentType = 'application/json'} = {}) {
  const apiKey = key || session.key();
  const init = {method, headers: {Accept: 'application/json', ...headers}, credentials: 'omit', cache: 'no-store'};
  if (apiKey) init.headers.Authorization = 'Bearer ' + apiKey;
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Problem(0, {title: 'Punctual cannot be reached', detail: 'The request did not reach Punctual: ' + e.message});
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = {detail: text.slice(0, 200)}; }
  }
  if (!response.ok) throw new Problem(response.status, json);
  return {body: json, etag: response.headers.get('ETag')};
}

const q = params => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? '?' + text : '';
};

/**
 * The one adapter to the list API: GET /v1/schedules with limit, cursor and the filters agent_id, status, type,
 * label (key=value, or key for any value); the answer's list and next cursor are read under the names the API has used.
 * Answers {items, next}. A label filter is also applied here, so it holds even where the server ignores it.
 */
export async function listSchedules({limit = 25, cursor, status, agent, label, type} = {}) {
  const {body} = await call('GET', '/v1/schedules' + q({limit, cursor, status, agent_id: agent, type, label}));
  const items = body.schedules || body.items || body.data || [];
  const next = body.next_cursor || body.nextCursor || (body.page && body.page.next_cursor) || null;
  let filtered = items;
  if (label) {
    const [name, ...rest] = label.split('=');
    const value = rest.join('=');
    filtered = items.filter(s => s.labels && Object.prototype.hasOwnProperty.call(s.labels, name.trim())
      && (rest.length === 0 || s.labels[name.trim()] === value.trim()));
  }
  return {items: filtered, next};
}

export const api = {
  verify: key => call('GET', '/v1/schedules?limit=1', {key}),
  schedule: id => call('GET', '/v1/schedules/' + encodeURIComponent(id)),
  runs: (id, limit = 50) => call('GET', '/v1/schedules/' + encodeURIComponent(id) + '/runs' + q({limit})),
  storedPreview: (id, count = 10) => call('GET', '/v1/schedules/' + encodeURIComponent(id) + '/preview' + q({count})),
  preview: (body, count = 10) => call('POST', '/v1/schedules/preview' + q({count}), {body}),
  create: body => call('POST', '/v1/schedules', {body}),
  patch: (id, version, body) => call('PATCH', '/v1/schedules/' + encodeURIComponent(id),
    {body, contentType: 'application/merge-patch+json', headers: {'If-Match': '"' + version + '"'}}),
  pause: (id, note) => call('POST', '/v1/schedules/' + encodeURIComponent(id) + '/pause', {body: note ? {note} : {}}),
  resume: id => call('POST', '/v1/schedules/' + encodeURIComponent(id) + '/resume'),
  trigger: id => call('POST', '/v1/schedules/' + encodeURIComponent(id) + '/trigger'),
  remove: (id, version) => call('DELETE', '/v1/schedules/' + encodeURIComponent(id), {headers: {'If-Match': '"' + version + '"'}}),
};
