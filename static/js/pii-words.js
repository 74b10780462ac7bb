// The word lists of facilitation/privacy/detect.py that pii.js needs (_NOT_SURNAMES, _WORD_NAMES,
// _NOT_FIRST_NAMES): kept textually equal to them, tests/transport/test_pii_js.py compares the results.
const words = (s) => new Set(s.split(' '));
export const NOT_SURNAMES = words('de het een dit dat deze die er hij zij ze we wij ik je jij u in op met voor na daarna toen ' +
  'ook maar en of als wat wie waar hoe niet geen wel zo nu dan bij door om tot uit van aan over naar onder tijdens ' +
  'volgens sinds omdat want dus nog al alle veel meer moeder vader ouders gezin kind kinderen school zorg gemeente ' +
  'maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli augustus ' +
  'september oktober november december wmo jeugdwet participatiewet ggz ggd veilig thuis jeugdzorg jeugdhulp ' +
  'wijkteam sociaal team raad stichting centrum nederland the and of for');
export const WORD_NAMES = words('ben bas mark will may roos lot fleur iris job toon jade noor mare kick ties lex jet amber ' +
  'mees bo kim sterre rosa luna ivy dean joy wil bob linde');
export const NOT_FIRST_NAMES = words('raad kamer ministerie huis hof hoek bergen gemeente centrum bureau stichting vereniging ' +
  'college afdeling dienst team wijk koninkrijk provincie staten tweede eerste hoge zorg jeugd bank post kerk markt ' +
  'plein school hogeschool universiteit ziekenhuis politie rechtbank openbaar nationale nationaal algemene algemeen ' +
  'sint st wet besluit regeling dag week maand jaar directeur hoofd afdelingshoofd wethouder burgemeester minister ' +
  'staatssecretaris kantoor vader moeder opa oma oom tante zoon dochter broer zus vanaf namens alleen binnen buiten ' +
  'zowel tegen zonder behalve dankzij ondanks rond rondom via per vanuit richting ook daarom eigenlijk kerst pasen');
