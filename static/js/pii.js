// Personal-data warning before a post is sent; mirrors facilitation/privacy.py (rules explained
// there). No lookbehind: Safari < 16.4 lacks it. Offsets are UTF-16 units.
const rx = (src) => new RegExp(src, 'gi'); // i: IBAN and month names
const BSN = rx('(?:[0-9]{9}|[0-9]{3}([. ])[0-9]{3}\\1[0-9]{3}|[0-9]{4}([. ])[0-9]{2}\\2[0-9]{3}|[0-9]{8})(?![0-9]|[.,][0-9-])');
const PHONE = rx('(?:(?:\\+31|0031)[ -]?(?:\\(0\\)|0)?[ -]?|0)[1-9]' + '[)-]? ?[0-9]'.repeat(8) + '(?![0-9]|-[0-9])');
const POSTCODE = rx('[1-9][0-9]{3}( ?)([A-Za-z]{2})(?![A-Za-z])');
const IBAN = rx('NL[0-9]{2} ?[A-Z]{4} ?[0-9]{4} ?[0-9]{4} ?[0-9]{2}(?![0-9A-Za-z])');
const EMAIL = rx('[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{0,252}[A-Za-z0-9]');
const DATE = rx('(?:([0-9]{1,2})([-/.])([0-9]{1,2})\\2([0-9]{4}|[0-9]{2})|([0-9]{4})-([0-9]{2})-([0-9]{2})' +
  '|([0-9]{1,2}) {1,3}([a-z]{3,9})\\.? {1,3}([0-9]{4}))(?![0-9])');
const MONTHS = ('januari january,februari february,maart march mrt,april,mei may,juni june,juli july,' +
  'augustus august,september,oktober october,november,december').split(',');
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const BSN_WORDS = /\b(?:bsn|burger ?service ?nummer|sofi(?:[ -]?nummer|\b)|citizen service number)/i;
const BIRTH_WORDS = /\b(?:geboren|geboorte|geb\b|born\b|birth|dob\b)/i;
const CUT_BEFORE = /[!?;]|\.[ ]*\n|\.[ ]+(?=[A-Z])/;

const glued = (t, s) => s > 0 && /[0-9A-Za-z]/.test(t[s - 1]);
const end = (m) => m.index + m[0].length;
const near = (words, t, s, e) => words.test(t.slice(Math.max(0, s - 40), s).split(CUT_BEFORE).pop()) ||
  words.test(t.slice(e, e + 30).split(/[.!?;\n]/)[0]);

export function isValidBsn(digits) {
  if (typeof digits !== 'string' || !/^[0-9]{8,9}$/.test(digits)) return false;
  const d = digits.padStart(9, '0');
  let sum = -d[8];
  for (let i = 0; i < 8; i++) sum += d[i] * (9 - i);
  return sum % 11 === 0 && d !== '000000000';
}

// [kind, regex, accept: end of the finding or 0 to reject]
const DETECTORS = [
  ['bsn', BSN, (t, m, s) => {
    const d = m[0].replace(/[. ]/g, '');
    return /(?:[0-9][.,]?|(?:€|eur|euro) ?)$/i.test(t.slice(Math.max(0, s - 6), s)) || !isValidBsn(d) ||
      (d.length === 8 && !near(BSN_WORDS, t, s, end(m))) ? 0 : end(m);
  }],
  ['email', EMAIL, (t, m) => {
    const d = m[0].slice(m[0].indexOf('@') + 1), dot = d.lastIndexOf('.');
    return dot > 0 && /^[A-Za-z]{2,}$/.test(d.slice(dot + 1)) ? end(m) : 0;
  }],
  ['phone', PHONE, (t, m, s) => (glued(t, s) ? 0 : end(m))],
  ['postcode', POSTCODE, (t, m, s) => {
    const l = m[2], u = l.toUpperCase();
    return glued(t, s) || /^S[ADS]$/.test(u) || (m[1] && l !== u) ? 0 : end(m);
  }],
  ['birthdate', DATE, (t, m, s) => {
    const [d, mo, y] = m[1] ? [+m[1], +m[3], m[4]] : m[5] ? [+m[7], +m[6], m[5]]
      : [+m[8], MONTHS.findIndex((g) => (' ' + g).includes(' ' + m[9].toLowerCase())) + 1, m[10]];
    return !glued(t, s) && d >= 1 && d <= DAYS[mo - 1] &&
      (y.length < 4 || (y >= 1900 && y <= new Date().getFullYear())) && near(BIRTH_WORDS, t, s, end(m)) ? end(m) : 0;
  }],
  ['iban', IBAN, (t, m, s) => {
    const c = m[0].replace(/ /g, '').toUpperCase(); // ISO 13616 mod 97
    const n = (c.slice(4) + c.slice(0, 4)).replace(/[A-Z]/g, (ch) => parseInt(ch, 36));
    return !glued(t, s) && BigInt(n) % 97n === 1n ? end(m) : 0;
  }],
];

export function findPersonalData(text) {
  if (typeof text !== 'string') return [];
  const found = [];
  for (const [kind, re, accept] of DETECTORS) {
    let m;
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      const e = accept(text, m, m.index);
      if (e) found.push({ kind, start: m.index, end: e });
      re.lastIndex = e || m.index + 1; // after a reject, retry one character on
    }
  }
  // Of overlapping findings the earliest, then longest, wins.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const f of found) if (!kept.length || f.start >= kept[kept.length - 1].end) kept.push(f);
  return kept;
}
