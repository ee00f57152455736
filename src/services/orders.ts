import { callCloud } from './cloud'

// The brand's orders earning points (docs/orders.md): the member's pending (冻结) points.
export interface PendingOrders {
  total: number
  orders: { orderId: string; points: number; paidAt: string; delivered: boolean; availableOn: string | null; returnDays: number }[]
}

export const pending = (): Promise<PendingOrders> => callCloud<PendingOrders>('orders', { action: 'pending' })
