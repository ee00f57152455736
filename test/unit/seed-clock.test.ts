// The seed's clock (local/seed/clock.ts): a step reads the past; dates made before it are still
// Dates; the real clock is back after the step, even when it throws; steps do not nest.
import { atTime } from '../../local/seed/clock';

test('a step sees the chosen time, ticking; instanceof holds both ways; the clock is restored', async () => {
  const before = new Date();
  const at = new Date('2026-09-05T02:00:00Z');
  const inside = await atTime(at, async () => {
    const d = new Date();
    await new Promise((r) => setTimeout(r, 20));
    return { d, now: Date.now(), old: before instanceof Date, made: new Date(0), parsed: new Date('2026-01-01T00:00:00Z') };
  });
  expect(Math.abs(+inside.d - +at)).toBeLessThan(1000);
  expect(inside.now).toBeGreaterThanOrEqual(+inside.d + 15);
  expect(inside.old).toBe(true);
  expect(+inside.made).toBe(0);
  expect(inside.parsed.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  expect(inside.d instanceof Date).toBe(true); // after the step too
  expect(Math.abs(Date.now() - +new Date())).toBeLessThan(50);
  expect(Math.abs(Date.now() - +before)).toBeLessThan(5_000);
});

test('a step that throws restores the clock; a nested step is refused', async () => {
  await expect(atTime(new Date(0), async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(new Date().getFullYear()).toBeGreaterThan(2000);
  await expect(atTime(new Date(0), () => atTime(new Date(0), async () => 1))).rejects.toThrow('do not nest');
  expect(new Date().getFullYear()).toBeGreaterThan(2000);
});
