// Words and dates for people: every date is shown with its zone.
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const UNITS = {ms: 'millisecond', s: 'second', m: 'minute', h: 'hour', d: 'day'};
const MACROS = {
  '@yearly': 'every year on 1 January at 00:00', '@annually': 'every year on 1 January at 00:00',
  '@monthly': 'every month on the 1st at 00:00', '@weekly': 'every Sunday at 00:00',
  '@daily': 'every day at 00:00', '@midnight': 'every day at 00:00', '@hourly': 'every hour',
};

const pad = n => String(n).padStart(2, '0');
const isNumber = text => /^\d+$/.test(text);

function dayList(field) {
  if (field === '1-5') return 'weekday';
  if (field === '0,6' || field === '6,0' || field === '6,7' || field === 'SAT,SUN') return 'Saturday and Sunday';
  const parts = field.split(',');
  if (parts.every(isNumber)) return parts.map(p => DAYS[Number(p) % 7]).join(', ');
  const range = /^(\d)-(\d)$/.exec(field);
  if (range) return DAYS[Number(range[1]) % 7] + ' to ' + DAYS[Number(range[2]) % 7];
  return null;
}

/** A cron expression in words where it has a common shape, else the expression itself. */
export function cronInWords(expression) {
  const text = expression.trim();
  if (MACROS[text]) return MACROS[text];
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return 'cron ' + text;
  const [minute, hour, dom, month, dow] = fields;
  const step = /^\*\/(\d+)$/;
  if (fields.every(f => f === '*')) return 'every minute';
  if (step.test(minute) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return 'every ' + step.exec(minute)[1] + ' minutes';
  }
  if (isNumber(minute) && hour === '*' && dom === '*' && month === '*' && dow === '*') {
    return 'every hour at minute ' + minute;
  }
  if (isNumber(minute) && step.test(hour) && dom === '*' && month === '*' && dow === '*') {
    return 'every ' + step.exec(hour)[1] + ' hours at minute ' + minute;
  }
  const inMonth = month === '*' ? '' : isNumber(month) && Number(month) >= 1 && Number(month) <= 12 ? ' in ' + MONTHS[Number(month) - 1] : null;
  if (isNumber(minute) && isNumber(hour) && inMonth !== null) {
    const at = inMonth + ' at ' + pad(hour) + ':' + pad(minute);
    if (dom === '*' && dow === '*') return 'every day' + at;
    if (dom === '*') {
      const days = dayList(dow);
      if (days) return 'every ' + days + at;
    }
    if (isNumber(dom) && dow === '*') return 'on day ' + dom + (inMonth ? '' : ' of every month') + at;
  }
  return 'cron ' + text;
}

export function durationInWords(text) {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(String(text || '').trim());
  if (!m) return String(text);
  const n = Number(m[1]);
  return n === 1 ? 'every ' + UNITS[m[2]] : 'every ' + n + ' ' + UNITS[m[2]] + 's';
}

/** "every weekday at 09:00, Europe/Berlin" */
export function cadenceInWords(schedule) {
  if (!schedule) return '';
  if (schedule.type === 'cron') return cronInWords(schedule.expression) + ', ' + schedule.timezone;
  if (schedule.type === 'interval') {
    return durationInWords(schedule.every) + (schedule.anchor ? ' from ' + formatTime(schedule.anchor, 'UTC') : '');
  }
  if (schedule.type === 'once') return 'once, ' + formatTime(schedule.at, viewerZone);
  return schedule.type;
}

const formatters = new Map();
function formatter(zone) {
  if (!formatters.has(zone)) {
    formatters.set(zone, new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short'}));
  }
  return formatters.get(zone);
}

/** "Sun, 29 Mar 2026, 03:00:00 CEST (Europe/Berlin)" */
export function formatTime(iso, zone) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return formatter(zone).format(date) + ' (' + zone + ')';
  } catch (e) {
    return date.toISOString() + ' (UTC)';
  }
}

/** The UTC offset of an instant in a zone, e.g. "GMT+02:00". */
export function offsetIn(iso, zone) {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {timeZone: zone, timeZoneName: 'longOffset'}).formatToParts(new Date(iso));
    return (parts.find(p => p.type === 'timeZoneName') || {}).value || '';
  } catch (e) {
    return '';
  }
}

export function formatLag(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 1000) return ms + ' ms';
  if (abs < 60000) return (ms / 1000).toFixed(1) + ' s';
  return (ms / 60000).toFixed(1) + ' min';
}

/** How late a run went out: its delivery (or start) after its nominal time. */
export function runLag(run) {
  const sent = run.delivered_at || run.started_at;
  if (!sent || !run.scheduled_for) return null;
  return new Date(sent).getTime() - new Date(run.scheduled_for).getTime();
}

export function targetInWords(s) {
  const t = s.target || {};
  if (t.type === 'letta' || s.agent_id) return 'Letta agent ' + (t.agent_id || s.agent_id);
  if (t.type === 'webhook') return 'webhook ' + (t.method || 'POST') + ' ' + t.url;
  if (t.type === 'kafka') return 'Kafka topic ' + t.topic;
  return '—';
}
