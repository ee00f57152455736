import { getDb } from '../cloud';

/** An openid is an operator when `admins` holds a document with that _id that is not disabled. */
export async function isOperator(openid: string): Promise<boolean> {
  if (!openid) return false;
  const { data } = await getDb().collection('admins').doc(openid).get();
  return Boolean(data && !(data as { disabled?: boolean }).disabled);
}
