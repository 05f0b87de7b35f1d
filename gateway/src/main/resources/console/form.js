// Create and edit: every cadence and the main policies, validated live by the API itself (the preview endpoint
// answers the same problem+json as a create), the next fire times shown before saving, If-Match on save.
import {api, Problem} from './api.js';
import {h, field, select, replace} from './dom.js';
import {viewerZone, targetInWords, cadenceInWords} from './format.js';
import {fireTable} from './schedule.js';
import {navigate, showProblem} from './ui.js';

const LIVE_DELAY_MS = 400;
const CADENCE_FIELDS = ['expression', 'timezone', 'every', 'anchor', 'at'];

const text = (value, attrs = {}) => h('input', {type: 'text', value: value ?? '', autocomplete: 'off', spellcheck: 'false', ...attrs});

/** An integer as a number; anything else as typed, so the API names the mistake. */
const integer = value => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim());

function zoneList() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return h('datalist', {id: 'zones'}, ['UTC', ...zones].map(z => h('option', {value: z})));
}

function labelsText(labels) {
  return Object.entries(labels || {}).map(([k, v]) => k + '=' + v).join(', ');
}

function parseLabels(value) {
  const labels = {};
  for (const part of value.split(',').map(p => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    labels[(at < 0 ? part : part.slice(0, at)).trim()] = at < 0 ? '' : part.slice(at + 1).trim();
  }
  return labels;
}

export async function formPage(id) {
  let existing = null;
  let version = null;
  if (id) {
    const answer = await api.schedule(id);
    existing = answer.body;
    version = existing.version;
  }
  const s = existing || {schedule: {type: 'cron', expression: '0 9 * * 1-5', timezone: viewerZone}, catchup: 'skip',
    catchup_window: '1h', jitter: '0s', overlap: 'allow', retry: {max_attempts: 5, max_age: '1h'}, pause_after_failures: 10, labels: {}};
  const lettaTarget = !existing || Boolean(existing.agent_id);
  const cadence = s.schedule || {};
  const inputs = {
    agent_id: text(existing ? existing.agent_id : '', {placeholder: 'agent-123'}),
    messages: h('textarea', {}),
    'schedule.expression': text(cadence.type === 'cron' ? cadence.expression : '0 9 * * 1-5', {placeholder: '0 9 * * 1-5'}),
    'schedule.timezone': text(cadence.timezone || viewerZone, {list: 'zones'}),
    'schedule.every': text(cadence.type === 'interval' ? cadence.every : '15m', {placeholder: '15m'}),
    'schedule.anchor': text(cadence.anchor || '', {placeholder: '2026-12-01T09:00:00Z'}),
    'schedule.at': text(cadence.type === 'once' ? cadence.at : '', {placeholder: '2026-12-01T09:00:00+01:00'}),
    start_at: text(s.start_at || ''),
    end_at: text(s.end_at || ''),
    max_runs: text(s.max_runs ?? '', {inputmode: 'numeric'}),
    catchup: select([['skip', 'skip missed fires'], ['fire_once', 'fire once for all missed'], ['fire_all', 'fire every missed fire']], s.catchup),
    catchup_window: text(s.catchup_window),
    jitter: text(s.jitter),
    overlap: select([['allow', 'allow'], ['skip', 'skip while the previous run is still going']], s.overlap),
    'retry.max_attempts': text(s.retry ? s.retry.max_attempts : 5, {inputmode: 'numeric'}),
    'retry.max_age': text(s.retry ? s.retry.max_age : '1h'),
    pause_after_failures: text(s.pause_after_failures ?? 10, {inputmode: 'numeric'}),
    labels: text(labelsText(s.labels), {placeholder: 'team=ops, env=prod'}),
  };
  const firstMessage = existing && existing.messages && existing.messages[0];
  inputs.messages.value = firstMessage ? (typeof firstMessage.content === 'string' ? firstMessage.content : JSON.stringify(firstMessage.content)) : '';

  const types = [['cron', 'Cron'], ['interval', 'Interval'], ['once', 'Once']];
  const radios = h('div', {class: 'radios', role: 'radiogroup', 'aria-labelledby': 'cadence-type'},
    types.map(([value, label]) => h('label', {}, h('input', {type: 'radio', name: 'schedule.type', value, checked: (cadence.type || 'cron') === value,
      'data-field': 'schedule.type', id: 'type-' + value}), label)));
  const typeError = h('p', {class: 'error', 'data-error-for': 'schedule.type'});
  const groups = {
    cron: h('div', {class: 'row'},
      field('schedule.expression', 'Cron expression', inputs['schedule.expression'], '5 fields (minute hour day month weekday), 6 with seconds, or @daily…'),
      field('schedule.timezone', 'Time zone', inputs['schedule.timezone'], 'IANA name, e.g. Europe/Berlin')),
    interval: h('div', {class: 'row'},
      field('schedule.every', 'Every', inputs['schedule.every'], 'a duration: 30s, 15m, 2h, 1d'),
      field('schedule.anchor', 'Anchor (optional)', inputs['schedule.anchor'], 'ISO-8601 instant the fires count from')),
    once: h('div', {class: 'row'},
      field('schedule.at', 'At', inputs['schedule.at'], 'ISO-8601 with an offset, e.g. 2026-12-01T09:00:00+01:00')),
  };
  const currentType = () => radios.querySelector('input:checked').value;
  const showGroup = () => Object.entries(groups).forEach(([type, group]) => { group.hidden = type !== currentType(); });
  showGroup();

  const summary = h('div', {class: 'problem', role: 'alert', id: 'form-problem', tabindex: -1});
  const previewHolder = h('div', {class: 'preview', id: 'preview', 'aria-live': 'polite'}, h('p', {class: 'muted'}, 'The next fire times appear here.'));
  const save = h('button', {type: 'submit', id: 'save'}, existing ? 'Save changes' : 'Create schedule');
  const form = h('form', {novalidate: true, 'aria-labelledby': 'form-title'},
    summary,
    lettaTarget
      ? h('fieldset', {}, h('legend', {}, 'Letta agent'),
        field('agent_id', 'Agent id', inputs.agent_id),
        field('messages', 'Message', inputs.messages, 'sent as a user message'))
      : h('fieldset', {}, h('legend', {}, 'Target'), h('p', {}, targetInWords(existing) + ' (change it through the API)')),
    h('fieldset', {}, h('legend', {id: 'cadence-type'}, 'When'), radios, typeError, groups.cron, groups.interval, groups.once),
    h('fieldset', {}, h('legend', {}, 'Bounds'), h('div', {class: 'row'},
      field('start_at', 'Start at', inputs.start_at, 'optional ISO-8601 instant'),
      field('end_at', 'End at', inputs.end_at, 'optional ISO-8601 instant'),
      field('max_runs', 'Max runs', inputs.max_runs, 'optional'))),
    h('fieldset', {}, h('legend', {}, 'Policies'),
      h('div', {class: 'row'}, field('catchup', 'Missed fires', inputs.catchup), field('catchup_window', 'Catch-up window', inputs.catchup_window)),
      h('div', {class: 'row'}, field('jitter', 'Jitter', inputs.jitter, 'random delay up to this, e.g. 30s'), field('overlap', 'Overlap', inputs.overlap)),
      h('div', {class: 'row'},
        field('retry.max_attempts', 'Retry: attempts', inputs['retry.max_attempts']),
        field('retry.max_age', 'Retry: give up after', inputs['retry.max_age']),
        field('pause_after_failures', 'Pause after failures', inputs.pause_after_failures, '0: never'))),
    field('labels', 'Labels', inputs.labels, 'key=value, separated by commas'),
    h('div', {class: 'actions'}, save,
      h('a', {class: 'button secondary', href: existing ? '#/schedule/' + encodeURIComponent(id) : '#/schedules'}, 'Cancel')));

  function createBody() {
    const type = currentType();
    const body = {};
    if (lettaTarget) {
      body.agent_id = inputs.agent_id.value.trim();
      body.messages = [{role: 'user', content: inputs.messages.value}];
    }
    if (type === 'cron') {
      body.schedule = {type, expression: inputs['schedule.expression'].value.trim(), timezone: inputs['schedule.timezone'].value.trim()};
    } else if (type === 'interval') {
      body.schedule = {type, every: inputs['schedule.every'].value.trim()};
      if (inputs['schedule.anchor'].value.trim()) body.schedule.anchor = inputs['schedule.anchor'].value.trim();
    } else {
      body.schedule = {type, at: inputs['schedule.at'].value.trim()};
    }
    for (const name of ['start_at', 'end_at']) if (inputs[name].value.trim()) body[name] = inputs[name].value.trim();
    if (inputs.max_runs.value.trim()) body.max_runs = integer(inputs.max_runs.value);
    body.catchup = inputs.catchup.value;
    body.catchup_window = inputs.catchup_window.value.trim();
    body.jitter = inputs.jitter.value.trim();
    body.overlap = inputs.overlap.value;
    body.retry = {max_attempts: integer(inputs['retry.max_attempts'].value), max_age: inputs['retry.max_age'].value.trim()};
    body.pause_after_failures = integer(inputs.pause_after_failures.value);
    body.labels = parseLabels(inputs.labels.value);
    return body;
  }

  /** A merge patch: what the form shows replaces what is stored, cleared fields included. */
  function patchBody() {
    const body = createBody();
    for (const name of CADENCE_FIELDS) if (!(name in body.schedule)) body.schedule[name] = null;
    for (const name of ['start_at', 'end_at', 'max_runs']) if (!(name in body)) body[name] = null;
    for (const name of Object.keys(existing.labels || {})) if (!(name in body.labels)) body.labels[name] = null;
    return body;
  }

  function clearErrors() {
    summary.replaceChildren();
    form.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  }

  /** Puts each field error next to its field; the rest in the summary at the top. */
  function showErrors(problem, {onSave = false} = {}) {
    clearErrors();
    const unplaced = [];
    for (const error of problem.errors) {
      const path = String(error.field || '').replace(/^target\./, '');
      const candidates = [path, path.replace(/\[\d+\].*$/, ''), path.split('.')[0]];
      const name = candidates.find(c => form.querySelector(`[data-error-for="${CSS.escape(c)}"]`));
      if (name) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
        slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + error.message;
        form.querySelectorAll(`[data-field="${CSS.escape(name)}"]`).forEach(input => input.setAttribute('aria-invalid', 'true'));
      } else {
        unplaced.push(error.field + ': ' + error.message);
      }
    }
    // While typing, the fields say it; the summary is for a refused save and for what no field shows.
    if (onSave || unplaced.length) {
      replace(summary, h('p', {}, problem.message), unplaced.length ? h('ul', {}, unplaced.map(t => h('li', {}, t))) : null);
    }
  }

  let sequence = 0;
  async function validate() {
    const mine = ++sequence;
    try {
      const {body} = await api.preview(createBody(), 10);
      if (mine !== sequence) return true;
      clearErrors();
      replace(previewHolder, h('p', {id: 'cadence-words'}, cadenceInWords(createBody().schedule)), fireTable(body, 'preview-fires'));
      return true;
    } catch (e) {
      if (mine !== sequence) return false;
      if (e instanceof Problem && e.status === 400) {
        showErrors(e);
        replace(previewHolder, h('p', {class: 'muted'}, 'Fix the fields marked to see the next fire times.'));
        return false;
      }
      showProblem(e);
      return false;
    }
  }

  let timer = null;
  const live = () => { clearTimeout(timer); timer = setTimeout(validate, LIVE_DELAY_MS); };
  form.addEventListener('input', live);
  form.addEventListener('change', () => { showGroup(); live(); });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearTimeout(timer);
    sequence++; // a live check still under way must not overwrite what the save answers
    save.disabled = true;
    try {
      if (!existing) {
        const {body} = await api.create(createBody());
        navigate('#/schedule/' + encodeURIComponent(body.id), 'Created schedule ' + body.id + '.');
      } else {
        await api.patch(id, version, patchBody());
        navigate('#/schedule/' + encodeURIComponent(id), 'Saved.');
      }
    } catch (e) {
      if (e instanceof Problem && e.status === 400) {
        showErrors(e, {onSave: true});
        summary.focus();
      } else if (e instanceof Problem && e.status === 412) {
        clearErrors();
        replace(summary, h('p', {id: 'conflict'}, 'Someone else changed this schedule after you opened it, so your changes were not saved. '
          + 'Open it again to see the current version, then make your changes once more.'),
        h('a', {class: 'button secondary', href: '#/schedule/' + encodeURIComponent(id)}, 'Open the current version'));
        summary.focus();
      } else {
        showProblem(e);
      }
    } finally {
      save.disabled = false;
    }
  });

  replace(document.getElementById('main'),
    h('h1', {id: 'form-title'}, existing ? 'Edit schedule ' + id : 'New schedule'),
    zoneList(),
    h('div', {class: 'form-grid'}, form,
      h('section', {'aria-labelledby': 'preview-title'}, h('h2', {id: 'preview-title'}, 'Preview: next 10 fire times'), previewHolder)));
  validate();
}
