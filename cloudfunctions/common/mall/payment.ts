// The cash part of a points+cash order goes through a payment adapter. In production it is WeChat
// Pay through the cloud (cloud.cloudPay: unifiedOrder → the mini-program calls requestPayment; the
// platform calls the `mallpay` function back). Locally (MALL_PAYMENT=simulated, set by the local
// runner) the local server's simulated payment page plays the platform and calls `mallpay` with the
// same callback event. Both sides of the seam are the same: create, verify a callback, refund.
import { randomBytes } from 'node:crypto';
import { getCloud } from '../cloud';
import { AppError } from '../errors';
import type { Order } from './model';

export type PaymentRequest =
  | { provider: 'simulated'; payUrl: string; totalFee: number }
  | { provider: 'wxpay'; params: Record<string, unknown>; totalFee: number };

export interface PayCallback {
  returnCode: string;
  resultCode: string;
  outTradeNo: string;
  transactionId?: string;
  totalFee?: number;
}

export interface PaymentAdapter {
  create(order: Order): Promise<PaymentRequest>;
  /** True when the provider confirms the callback's trade was paid (a forged callback is refused). */
  confirm(cb: PayCallback): Promise<boolean>;
  refund(order: Order, reason: string): Promise<void>;
}

export const PAY_FUNCTION = 'mallpay';
const nonce = () => randomBytes(16).toString('hex');
export const orderFee = (o: Pick<Order, 'cashFen' | 'quantity'>) => o.cashFen * o.quantity;

const simulated: PaymentAdapter = {
  async create(order) {
    return { provider: 'simulated', payUrl: `/api/local/pay/${order._id}`, totalFee: orderFee(order) };
  },
  async confirm() {
    return true; // the local server is the only caller that can reach mallpay without a member
  },
  async refund(order, reason) {
    // Recorded like every platform call the local runner does not send.
    await (getCloud() as any).openapi.cloudPay.refund({ outTradeNo: order._id, refundFee: orderFee(order), reason });
  },
};

function cloudPay(): any {
  const pay = (getCloud() as any).cloudPay;
  if (!pay) throw new AppError('INTERNAL', 'cloudPay is not available');
  return pay;
}

const wxpay: PaymentAdapter = {
  async create(order) {
    const res = await cloudPay().unifiedOrder({
      body: order.title.slice(0, 40),
      outTradeNo: order._id,
      spbillCreateIp: '127.0.0.1',
      subMchId: process.env.WXPAY_SUB_MCH_ID,
      totalFee: orderFee(order),
      envId: process.env.TCB_ENV,
      functionName: PAY_FUNCTION,
      nonceStr: nonce(),
      tradeType: 'JSAPI',
    });
    if (!res?.payment) throw new AppError('INTERNAL', `unifiedOrder failed: ${res?.returnMsg ?? res?.errMsg ?? 'no payment'}`);
    return { provider: 'wxpay', params: res.payment, totalFee: orderFee(order) };
  },
  async confirm(cb) {
    const res = await cloudPay().queryOrder({ subMchId: process.env.WXPAY_SUB_MCH_ID, outTradeNo: cb.outTradeNo, nonceStr: nonce() });
    return res?.tradeState === 'SUCCESS' && (cb.totalFee === undefined || Number(res.totalFee) === cb.totalFee);
  },
  async refund(order, reason) {
    await cloudPay().refund({
      subMchId: process.env.WXPAY_SUB_MCH_ID,
      outTradeNo: order._id,
      outRefundNo: `r${order._id}`,
      totalFee: orderFee(order),
      refundFee: orderFee(order),
      refundDesc: reason.slice(0, 80),
      envId: process.env.TCB_ENV,
      functionName: PAY_FUNCTION,
      nonceStr: nonce(),
    });
  },
};

export const paymentAdapter = (): PaymentAdapter => (process.env.MALL_PAYMENT === 'simulated' ? simulated : wxpay);
