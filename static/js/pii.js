// Personal-data warning before a post is sent; mirrors facilitation/privacy.py (rules explained
// there). No lookbehind: Safari < 16.4 lacks it. Offsets are UTF-16 units.
import { FIRST_NAMES } from './pii-names.js';
import { NOT_FIRST_NAMES, NOT_SURNAMES, WORD_NAMES } from './pii-words.js';

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
// context windows count code points, as Python does (an emoji is one character, not two UTF-16 units)
const HI = /[\uD800-\uDBFF]/, LO = /[\uDC00-\uDFFF]/;
const back = (t, i, n) => { while (n-- > 0 && i > 0) i -= i > 1 && LO.test(t[i - 1]) && HI.test(t[i - 2]) ? 2 : 1; return i; };
const fwd = (t, i, n) => { while (n-- > 0 && i < t.length) i += HI.test(t[i]) && LO.test(t[i + 1] || '') ? 2 : 1; return i; };
const near = (words, t, s, e) => words.test(t.slice(back(t, s, 40), s).split(CUT_BEFORE).pop()) ||
  words.test(t.slice(e, fwd(t, e, 30)).split(/[.!?;\n]/)[0]);

// Names and addresses (case matters: no i flag)
const UP = 'A-ZÀ-ÖØ-Þ', LOW = 'a-zß-öø-ÿ', END = `(?![${UP}${LOW}0-9])`;
const SUR = `((?:(?:[Vv]an|[Dd]e[nr]?|[Hh]et|[Tt]e[nr]?|[Ii]n|[Oo]p|[Uu]it|[Vv]on|'[Tt]|[Ll][ae]|[Dd]u|[Dd]a|[Ee]l|[Aa]l) ){0,3})` +
  `([${UP}][${LOW}']{1,25}(?:-[${UP}][${LOW}']{1,25})?)(?![${UP}${LOW}])`;
const NAME = new RegExp(`([${UP}][${LOW}]{1,20})(?:-[${UP}][${LOW}]{1,20})? ` + SUR, 'g');
const TITLED = new RegExp('(?:[Mm]evrouw|[Mm]evr\\.|[Mm]w\\.|[Mm]eneer|[Mm]nr\\.|[Dd]hr\\.|[Dd]e heer|[Ff]amilie|[Ff]am\\.|Mr\\.|Mrs\\.) ' + SUR, 'g');
const INITIALS = new RegExp(`((?:[${UP}]\\.){1,4}) ?` + SUR, 'g');
const STREETS = 'straat|laan|plein|singel|gracht|kade|steeg|dreef|plantsoen|boulevard|allee|straatweg'.split('|');
const OTHERS = 'weg|dijk|hof|park|pad|markt|wal|haven|veld|baan|ring|erf|weide|akker|kanaal'.split('|');
const STREET = new RegExp(`([${UP}${LOW}][${UP}${LOW}'-]{2,60}) ([1-9][0-9]{0,3}(?:-[0-9]{1,3}|[ -]?[A-Za-z])?)` +
  '(?![0-9A-Za-z]|[.,][0-9])', 'g');
const ends = (w, list) => list.some((x) => w.endsWith(x) && w.length - x.length >= 2);
const UNIT_AFTER = new RegExp(' (?:jaar|keer|uur|dag|dagen|week|weken|maand|maanden|minuten|euro|procent|kinderen|' +
  'mensen|gezinnen|personen|x)' + END, 'y');
const CLEAR_AFTER = new RegExp(`(?:[ ]?[,.;:)!?\\n]|[ ](?:in|te|en|bij)${END}|[ ]?$)`, 'y');
const LETTER = new RegExp(`[${UP}${LOW}]`), CAPITAL = new RegExp(`[${UP}]`);
const afterLetter = (t, s) => s > 0 && LETTER.test(t[s - 1]);
const sentenceStart = (t, s) => { const b = t.slice(0, s).replace(/[ \t"'(*_\-#>]+$/, ''); return !b || '.!?:\n'.includes(b[b.length - 1]); };

const common = (w) => NOT_SURNAMES.has(w.toLowerCase()) || NOT_FIRST_NAMES.has(w.toLowerCase());
const unlistedOk = (first, p, n) => !!p && /^[a-z]/.test(p) && !common(first) && !common(n.split('-')[0]) &&
  first.length <= 12 && !FIRST_NAMES.has(n.split('-')[0]);
const surnameOk = (p, n) => !!p || !NOT_SURNAMES.has(n.split('-')[0].toLowerCase());
const sticky = (re, t, i) => { re.lastIndex = i; return re.test(t); };

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
  ['name', NAME, (t, m, s) => (afterLetter(t, s) || !(FIRST_NAMES.has(m[1]) || unlistedOk(m[1], m[2], m[3])) || !surnameOk(m[2], m[3]) ||
    (WORD_NAMES.has(m[1].toLowerCase()) && sentenceStart(t, s)) ? 0 : end(m))],
  ['name', TITLED, (t, m, s) => (afterLetter(t, s) || !surnameOk(m[1], m[2]) ? 0 : end(m))],
  ['name', INITIALS, (t, m, s) => (afterLetter(t, s) || !surnameOk(m[2], m[3]) || m[1] === 'N.B.' || m[1] === 'P.S.' ||
    !(m[1].length > 2 || m[2]) ? 0 : end(m))],
  ['address', STREET, (t, m, s) => {
    const clear = ends(m[1], STREETS);
    return afterLetter(t, s) || !(clear || ends(m[1], OTHERS)) || sticky(UNIT_AFTER, t, end(m)) ||
      (!clear && !(CAPITAL.test(m[1][0]) && sticky(CLEAR_AFTER, t, end(m)))) ? 0 : end(m);
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
