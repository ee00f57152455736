// mallpay: the payment callback of points+cash orders. WeChat Pay (cloud.cloudPay, functionName
// 'mallpay') calls it with {returnCode, resultCode, outTradeNo, transactionId, totalFee, …}; locally
// the simulated payment page does the same. It answers {errcode: 0} once the notification is
// handled (so the platform stops retrying) plus our own {ok, code} for logs and tests. A member's
// call (one with an OPENID) is refused: only the platform reports payments.
import { getCloud } from '../common/cloud';
import { paymentCallback } from '../common/mall/orders';

export async function main(event: unknown): Promise<Record<string, unknown>> {
  const ctx = getCloud().getWXContext() as Record<string, string | undefined>;
  if (ctx.OPENID) return { errcode: 0, errmsg: 'ignored', ok: false, code: 'FORBIDDEN' };
  const e = (event ?? {}) as Record<string, unknown>;
  if (typeof e.outTradeNo !== 'string' || typeof e.returnCode !== 'string' || typeof e.resultCode !== 'string') {
    return { errcode: 0, errmsg: 'malformed', ok: false, code: 'BAD_REQUEST' };
  }
  try {
    const r = await paymentCallback({
      returnCode: e.returnCode,
      resultCode: e.resultCode,
      outTradeNo: e.outTradeNo,
      transactionId: typeof e.transactionId === 'string' ? e.transactionId : undefined,
      totalFee: typeof e.totalFee === 'number' ? e.totalFee : undefined,
    });
    return { errcode: 0, errmsg: 'OK', ...r };
  } catch (err) {
    console.error('[mallpay] callback failed', err);
    return { errcode: 1, errmsg: 'retry later', ok: false, code: 'INTERNAL' }; // the platform retries
  }
}
