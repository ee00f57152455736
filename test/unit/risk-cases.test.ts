// The risk queue's pure decisions (cloudfunctions/common/risk/cases.ts, docs/risk.md#cases): fixed
// facts make exactly these cases, under keys that the same facts always make again, and merging
// facts a case already has changes nothing.
import { buildCases, mergeCase, type Facts } from '../../cloudfunctions/common/risk/cases';
import { MAX_EVIDENCE } from '../../cloudfunctions/common/risk/model';

const T = (s: string) => new Date(`2026-11-${s}+08:00`);
const facts: Facts = {
  events: [
    { _id: 'counterfeit:CODEA:m2', kind: 'counterfeit', code: 'CODEA', batch: 'b1', province: '33', member: 'm2', createdAt: T('20T10:00:00') },
    { _id: 'counterfeit:CODEA:m3', kind: 'counterfeit', code: 'CODEA', batch: 'b1', province: '44', member: 'm3', createdAt: T('20T11:00:00') },
    { _id: 'diversion:CODEB:m4', kind: 'diversion', code: 'CODEB', batch: 'b1', province: '44', member: 'm4', createdAt: T('21T09:00:00') },
    { _id: 'diversion:CODEC:m5', kind: 'diversion', code: 'CODEC', batch: 'b1', province: '44', member: 'm5', createdAt: T('21T09:30:00') },
    { _id: 'diversion:CODED:m5', kind: 'diversion', code: 'CODED', batch: 'b1', province: '11', member: 'm5', createdAt: T('21T09:40:00') },
    { _id: 'bruteforce:m6:100', kind: 'bruteforce', code: 'X', batch: '', province: '', member: 'm6', createdAt: T('22T01:00:00') },
    { _id: 'bruteforce:m6:101', kind: 'bruteforce', code: 'Y', batch: '', province: '', member: 'm6', createdAt: T('22T01:10:00') },
    // Another Shanghai day (23:30 UTC on the 22nd is 07:30 on the 23rd in Shanghai): another case.
    { _id: 'bruteforce:m6:200', kind: 'bruteforce', code: 'Z', batch: '', province: '', member: 'm6', createdAt: new Date('2026-11-22T23:30:00Z') },
  ],
  codes: { CODEA: { claimedBy: 'm1', claimedAt: T('19T08:00:00'), scans: 7, batch: 'b1' } },
  earners: [
    { member: 'm7', day: '2026-11-21', points: 5000, entries: 40, lastAt: T('21T20:00:00'), threshold: 1000 },
    { member: 'm8', day: '2026-11-21', points: 999, entries: 3, lastAt: T('21T20:00:00'), threshold: 1000 }, // under: no case
  ],
  drawers: [{ member: 'm9', day: '2026-11-21', draws: 45, firstAt: T('21T10:00:00'), lastAt: T('21T10:20:00'), threshold: 30 }],
};

describe('buildCases', () => {
  const cases = buildCases(facts);

  test('fixed facts make exactly these cases', () => {
    expect(cases.map((c) => c._id)).toEqual([
      'bruteforce:m6:2026-11-22',
      'bruteforce:m6:2026-11-23',
      'counterfeit:CODEA',
      'diversion:b1:11',
      'diversion:b1:44',
      'draws:m9:2026-11-21',
      'velocity:m7:2026-11-21',
    ]);
    const byId = Object.fromEntries(cases.map((c) => [c._id, c]));
    const cf = byId['counterfeit:CODEA'];
    expect(cf).toMatchObject({ kind: 'counterfeit', code: 'CODEA', batch: 'b1', members: ['m1', 'm2', 'm3'] });
    // The claimant is evidence, with the code's scans; then each warned scanner.
    expect(cf.evidence.map((e) => [e.id, e.member, e.figure])).toEqual([
      ['claim:CODEA', 'm1', 7],
      ['counterfeit:CODEA:m2', 'm2', 7],
      ['counterfeit:CODEA:m3', 'm3', 7],
    ]);
    expect(byId['diversion:b1:44'].evidence.map((e) => e.code)).toEqual(['CODEB', 'CODEC']);
    expect(byId['diversion:b1:44'].members).toEqual(['m4', 'm5']);
    expect(byId['bruteforce:m6:2026-11-22'].evidence).toHaveLength(2);
    expect(byId['velocity:m7:2026-11-21'].evidence[0]).toMatchObject({ figure: 5000, norm: 1000, member: 'm7' });
    expect(byId['draws:m9:2026-11-21'].evidence[0]).toMatchObject({ figure: 45, norm: 30 });
    expect(+byId['draws:m9:2026-11-21'].lastAt).toBe(+T('21T10:20:00'));
  });

  test('the same facts twice (or in another order) make the same cases: no duplicates', () => {
    const twice = buildCases({ ...facts, events: [...facts.events, ...[...facts.events].reverse()], earners: [...facts.earners, ...facts.earners] });
    expect(twice).toEqual(cases);
    const ids = cases.map((c) => c._id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('mergeCase', () => {
  const now = T('25T12:00:00');
  const [draft] = buildCases({ ...facts, events: facts.events.filter((e) => e.kind === 'counterfeit') });

  test('a new case is open with every fact', () => {
    const c = mergeCase(null, draft, now)!;
    expect(c).toMatchObject({ _id: 'counterfeit:CODEA', status: 'open', facts: 3, rev: 1, actions: [] });
  });

  test('facts the case has change nothing; a changed figure updates; a new fact reopens a handled case', () => {
    const c = mergeCase(null, draft, now)!;
    expect(mergeCase(c, draft, now)).toBeNull();
    const rescanned = buildCases({ ...facts, events: facts.events.filter((e) => e.kind === 'counterfeit'), codes: { CODEA: { ...facts.codes.CODEA, scans: 9 } } })[0];
    const updated = mergeCase({ ...c, status: 'dismissed' }, rescanned, now)!;
    expect(updated.status).toBe('dismissed'); // same facts, new figure: still dismissed
    expect(updated.facts).toBe(3);
    expect(updated.evidence.every((e) => e.figure === 9)).toBe(true);
    expect(updated.rev).toBe(2);
    const more = buildCases({
      ...facts,
      events: [...facts.events.filter((e) => e.kind === 'counterfeit'), { _id: 'counterfeit:CODEA:m10', kind: 'counterfeit', code: 'CODEA', batch: 'b1', province: '', member: 'm10', createdAt: T('24T10:00:00') }],
    })[0];
    const reopened = mergeCase({ ...c, status: 'dismissed' }, more, now)!;
    expect(reopened).toMatchObject({ status: 'open', facts: 4 });
    expect(reopened.members).toContain('m10');
    expect(reopened.actions.map((a) => a.action)).toEqual(['reopen']);
  });

  test('evidence is kept to the newest MAX_EVIDENCE while facts counts them all', () => {
    const many = buildCases({
      events: Array.from({ length: MAX_EVIDENCE + 10 }, (_, i) => ({ _id: `bruteforce:m1:${i}`, kind: 'bruteforce' as const, code: '', batch: '', province: '', member: 'm1', createdAt: new Date(+T('20T10:00:00') + i * 1000) })),
      codes: {},
      earners: [],
      drawers: [],
    })[0];
    const c = mergeCase(null, many, now)!;
    expect(c.facts).toBe(MAX_EVIDENCE + 10);
    expect(c.evidence).toHaveLength(MAX_EVIDENCE);
    expect(c.evidence[0].id).toBe('bruteforce:m1:10');
    // Reading the same facts again (the trimmed ones included) changes nothing.
    expect(mergeCase(c, many, now)).toBeNull();
  });
});
