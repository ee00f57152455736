// Local only: the simulated payment page for points+cash mall orders. It plays WeChat Pay: the
// page offers 支付成功 / 支付失败 / 放弃支付, and a success or failure calls the `mallpay` function
// with the same callback event cloud.cloudPay would send (no member identity, SOURCE wx_pay).
// Abandoning does nothing: the order times out on the jobs tick, releasing its hold and stock.
import type http from 'node:http';
import type { Runner } from '../runtime/runner';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(order: { _id: string; title: string; cashFen: number; quantity: number; status: string }, back: string): string {
  const fee = ((order.cashFen * order.quantity) / 100).toFixed(2);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>模拟支付</title><style>body{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;color:#222}
button{display:block;width:100%;margin:12px 0;padding:14px;font-size:16px;border-radius:8px;border:1px solid #ccc;background:#fff}
#pay-success{background:#07c160;color:#fff;border:none}.fee{font-size:32px;margin:16px 0}.muted{color:#888;font-size:13px}</style></head>
<body><h2>模拟支付（仅本地）</h2><div>${esc(order.title)} × ${order.quantity}</div><div class="fee">¥${fee}</div>
<div class="muted">订单 ${esc(order._id)} · 状态 ${esc(order.status)}</div>
<button id="pay-success" data-outcome="success">支付成功</button>
<button id="pay-fail" data-outcome="fail">支付失败</button>
<button id="pay-abandon" data-outcome="abandon">放弃支付</button>
<p id="result" class="muted"></p>
<script>
const back = ${JSON.stringify(back)};
document.querySelectorAll('button').forEach((b) => b.addEventListener('click', async () => {
  const r = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: b.dataset.outcome }) });
  const body = await r.json();
  document.getElementById('result').textContent = JSON.stringify(body);
  if (back) setTimeout(() => { location.href = back; }, 300);
}));
</script></body></html>`;
}

/** GET: the page; POST {outcome: success|fail|abandon}: the platform's callback. */
export async function handleLocalPay(runner: Runner, req: http.IncomingMessage, res: http.ServerResponse, orderId: string, body: () => Promise<string>): Promise<void> {
  const order = (runner.engine.dump('mallOrders') as any[]).find((o) => o._id === orderId);
  const json = (status: number, data: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(data));
  };
  if (req.method === 'GET') {
    if (!order) return json(404, { ok: false, code: 'NOT_FOUND', message: 'no such order' });
    const back = new URL(req.url ?? '/', 'http://local').searchParams.get('return') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(page(order, back.startsWith('/') ? back : ''));
  }
  let outcome = '';
  try {
    outcome = (JSON.parse((await body()) || '{}') as { outcome?: string }).outcome ?? '';
  } catch {
    /* answered below */
  }
  if (!['success', 'fail', 'abandon'].includes(outcome)) return json(400, { ok: false, code: 'BAD_REQUEST', message: 'outcome must be success, fail or abandon' });
  if (outcome === 'abandon') return json(200, { ok: true, data: { outcome } });
  const event = {
    returnCode: 'SUCCESS',
    resultCode: outcome === 'success' ? 'SUCCESS' : 'FAIL',
    outTradeNo: orderId,
    transactionId: `SIM${Date.now()}`,
    totalFee: order ? order.cashFen * order.quantity : 0,
  };
  const { result } = await runner.invoke('mallpay', event, { SOURCE: 'wx_pay' });
  return json(200, { ok: true, data: { outcome, callback: result } });
}
