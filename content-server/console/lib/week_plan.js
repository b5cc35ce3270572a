// What a group's screens play over one week, worked out from the group's
// manifest by the rules of the player's schedule engine
// (player/core/src/schedule.cpp), minute by minute in the group's time zone:
//   1. an emergency notice that is valid (and inside its days and times)
//      takes the screen, even in a power-off window; of several, the highest
//      priority, then the one that started last;
//   2. otherwise, inside a power-off window the screen is dark;
//   3. otherwise the rotation items that are valid and inside their days
//      and times play, only those of the highest priority among them; with
//      none, the built-in core values slide. With a public-service minimum
//      share of 100 %, only public-service items play.
// Times without an offset are the group's local time; a date alone is the
// whole day (valid_until: to its end). Pure: no page, no network.

export const DAY_MIN = 24 * 60;
const MIN_MS = 60000;
const DAY_MS = DAY_MIN * MIN_MS;

// The item shown when nothing else can play (the player's default_slide()).
export const BUILTIN_ID = 'builtin:core_values';

const IN_ROTATION = new Set(['text', 'image', 'core_values', 'honor_roll', 'red_black']);
export const inRotation = (item) => IN_ROTATION.has(item.type);

const clock = (hhmm) => {
  const m = /^(\d\d):(\d\d)$/.exec(hhmm || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

// A daily window [from, to) in minutes; to < from crosses midnight; from ==
// to is the whole day (protocol DayPart::contains).
export function inDaypart(part, minute) {
  const from = clock(part.from) ?? 0;
  const to = clock(part.to) ?? DAY_MIN;
  if (from === to) return true;
  if (from < to) return minute >= from && minute < to;
  return minute >= from || minute < to;
}

// Schedule::active_at: ISO weekday 1..7, minute of the local day.
export function scheduleActive(schedule, weekday, minute) {
  if (!schedule) return true;
  const days = schedule.weekdays || [];
  const parts = schedule.dayparts || [];
  if (days.length && !days.includes(weekday)) return false;
  return !parts.length || parts.some((p) => inDaypart(p, minute));
}

// The wall time of an instant in `timeZone`, as milliseconds of a UTC clock
// showing that wall time.
const formatters = new Map();
export function wallMs(instantMs, timeZone) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instantMs)).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
}

// The zone's offset from UTC at an instant, in milliseconds.
export const offsetMs = (instantMs, timeZone) => wallMs(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;

// The instant a wall time (as wallMs gives it) happens in `timeZone`.
export function instantOf(wall, timeZone) {
  const guess = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(guess, timeZone);
}

// An ISO 8601 time as the protocol reads it (protocol::parse_iso8601):
// { abs } with an offset (an instant), { wall } without one (a wall time in
// the group's zone); null when unreadable. A date alone is its midnight, or
// the next one when `endOfDay`.
export function parseTime(text, endOfDay = false) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.exec(text || '');
  if (!m) return null;
  let ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0));
  if (m[4] === undefined) return { wall: endOfDay ? ms + DAY_MS : ms };
  if (!m[7]) return { wall: ms };
  if (m[7] !== 'Z') {
    const sign = m[7][0] === '-' ? -1 : 1;
    const digits = m[7].slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MIN_MS;
  }
  return { abs: ms };
}

// Compares a parsed time with a moment known both ways (abs: the instant,
// wall: its wall time): negative when the time is earlier.
const cmp = (time, at) => (time.abs !== undefined ? time.abs - at.abs : time.wall - at.wall);

function period(from, until) {
  return { from: parseTime(from, false), until: parseTime(until, true) };
}
const within = (p, at) => (!p.from || cmp(p.from, at) <= 0) && (!p.until || cmp(p.until, at) > 0);

// Monday (YYYY-MM-DD) of the week holding `date` (YYYY-MM-DD).
export function mondayOf(date) {
  const ms = Date.parse(date + 'T00:00:00Z');
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // 0 = Monday
  return isoDate(ms - weekday * DAY_MS);
}
export const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date, n) => isoDate(Date.parse(date + 'T00:00:00Z') + n * DAY_MS);

// Today (YYYY-MM-DD) and the minute of the day in `timeZone` at `nowMs`.
export function localNow(nowMs, timeZone) {
  const wall = wallMs(nowMs, timeZone);
  return { date: isoDate(wall), minute: Math.floor((wall % DAY_MS) / MIN_MS) };
}

// Each slot of the week: what plays minute by minute, folded into runs.
//   planWeek(manifest, '2026-12-07', { slotMinutes: 30 }) ->
//   { timeZone, days: [{ date, weekday, slots: [{ minute, segments }] }],
//     items, emergencies, changes }
// A segment is { kind: 'emergency', id } | { kind: 'off' } |
// { kind: 'items', ids: [...] } over `minutes` of the slot, in order.
// `items` are the rotation items in manifest order (the built-in slide last
// when it plays), `emergencies` the emergency notices, `plays` the ids of
// those that show at some minute of the week; `ticker` the notices on the
// ticker (跑马灯) at some minute the screen is lit; `changes` the items that
// start or end within the week, by time.
export function planWeek(manifest, monday, { slotMinutes = 30 } = {}) {
  const settings = (manifest && manifest.settings) || {};
  const timeZone = settings.timezone || 'Asia/Shanghai';
  const all = ((manifest && manifest.items) || []).map((item) => ({
    item, valid: period(item.valid_from, item.valid_until),
    entries: item.type === 'red_black' ? [...(item.red || []), ...(item.black || [])].map((e) => period(e.valid_from, e.valid_until)) : null,
  }));
  const eligible = (x, at, weekday, minute) => within(x.valid, at) && scheduleActive(x.item.schedule, weekday, minute) &&
    (!x.entries || x.entries.some((p) => within(p, at)));
  const rotation = all.filter((x) => inRotation(x.item));
  const emergencies = all.filter((x) => x.item.type === 'emergency');
  const notices = all.filter((x) => x.item.type === 'notice');
  const plays = new Set(); // ids that show at some minute of the week
  const onTicker = new Set(); // notices on the ticker at some minute (the screen lit, no emergency)
  const powerOff = settings.power_off || [];
  const onlyPublic = (settings.min_public_share ?? 0.3) >= 1;
  let builtinPlays = false;

  function at(wall, weekday, minute, offset) {
    const moment = { wall, abs: wall - offset };
    let best = null;
    let bestStart = -Infinity;
    for (const x of emergencies) {
      if (!eligible(x, moment, weekday, minute)) continue;
      const from = x.valid.from;
      const start = from ? (from.abs ?? from.wall - offset) : -Infinity;
      const priority = x.item.priority || 0;
      if (!best || priority > (best.item.priority || 0) || (priority === (best.item.priority || 0) && start > bestStart)) {
        best = x;
        bestStart = start;
      }
    }
    if (best) return { kind: 'emergency', id: best.item.id };
    if (powerOff.some((p) => inDaypart(p, minute))) return { kind: 'off' };
    for (const x of notices) if (!onTicker.has(x.item.id) && eligible(x, moment, weekday, minute)) onTicker.add(x.item.id);
    const live = rotation.filter((x) => eligible(x, moment, weekday, minute));
    const top = Math.max(0, ...live.map((x) => x.item.priority || 0));
    let tier = live.filter((x) => (x.item.priority || 0) === top);
    if (onlyPublic) {
      const ps = tier.filter((x) => x.item.public_service);
      tier = ps.length ? ps : live.filter((x) => x.item.public_service);
    }
    if (!tier.length) {
      builtinPlays = true;
      return { kind: 'items', ids: [BUILTIN_ID] };
    }
    return { kind: 'items', ids: tier.map((x) => x.item.id) };
  }

  const same = (a, b) => a.kind === b.kind && a.id === b.id && String(a.ids) === String(b.ids);
  const days = [];
  for (let d = 0; d < 7; d++) {
    const date = addDays(monday, d);
    const midnight = Date.parse(date + 'T00:00:00Z');
    const slots = [];
    for (let start = 0; start < DAY_MIN; start += slotMinutes) {
      const offset = offsetMs(instantOf(midnight + start * MIN_MS, timeZone), timeZone);
      const segments = [];
      for (let minute = start; minute < Math.min(DAY_MIN, start + slotMinutes); minute++) {
        const state = at(midnight + minute * MIN_MS, d + 1, minute, offset);
        for (const id of state.ids || [state.id]) if (id) plays.add(id);
        const last = segments[segments.length - 1];
        if (last && same(last, state)) last.minutes++;
        else segments.push({ ...state, from: minute, minutes: 1 });
      }
      slots.push({ minute: start, segments });
    }
    days.push({ date, weekday: d + 1, slots });
  }

  // What starts or ends within the week (local midnight Monday to the next).
  const weekFrom = Date.parse(monday + 'T00:00:00Z');
  const weekTo = weekFrom + 7 * DAY_MS;
  const changes = [];
  for (const x of all) {
    for (const [edge, time] of [['start', x.valid.from], ['end', x.valid.until]]) {
      if (!time) continue;
      const wall = time.wall ?? wallMs(time.abs, timeZone);
      if (wall >= weekFrom && wall < weekTo) changes.push({ edge, wall, item: x.item });
    }
  }
  changes.sort((a, b) => a.wall - b.wall);

  const items = rotation.map((x) => x.item);
  if (builtinPlays) items.push({ id: BUILTIN_ID, type: 'core_values', builtin: true, duration_s: 30, public_service: true });
  return {
    timeZone, days, items, emergencies: emergencies.map((x) => x.item), changes,
    plays, ticker: notices.filter((x) => onTicker.has(x.item.id)).map((x) => x.item),
  };
}
