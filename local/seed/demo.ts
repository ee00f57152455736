// Seeds the demo brand on a fresh local database: the brand's settings, the demo operator in
// `admins`, and each persona's member account created through the real `user.login` action.
import type { Runner } from '../runtime/runner';
import { PERSONAS } from './personas';

export const DEMO_BRAND = {
  _id: 'brand',
  name: '山野茶事',
  slogan: '每一罐好茶，都有自己的码',
  domain: 'q.shanyechashi.example',
  pointsPerYuan: 100,
};

/** True when it seeded; false when the database already had the demo brand. */
export async function seedDemo(runner: Runner): Promise<boolean> {
  const { engine } = runner;
  if (engine.dump('settings').some((d) => (d as { _id?: string })._id === 'brand')) return false;
  const now = new Date();
  engine.insertMany(
    'admins',
    PERSONAS.filter((p) => p.role === 'operator').map((p) => ({ _id: p.openid, name: p.nickname, createdAt: now })),
  );
  for (const persona of PERSONAS) {
    const { result } = await runner.callAsMember('user', { action: 'login' }, persona.openid);
    if (!(result as { ok?: boolean }).ok) throw new Error(`seeding ${persona.id} failed: ${JSON.stringify(result)}`);
  }
  // Written last: a seed interrupted halfway runs again on the next start.
  engine.insertMany('settings', [{ ...DEMO_BRAND, createdAt: now }]);
  return true;
}
