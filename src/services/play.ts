import { callCloud } from './cloud'

// The play function (积分玩法, docs/play.md); import as `* as play`.
const FN = 'play'

export type Game = 'scratch' | 'wheel' | 'grid9' | 'collect'
export type PoolState = 'live' | 'upcoming' | 'ended' | 'soldOut' | 'unpublished'
export type PrizeKind = 'points' | 'mallItem' | 'redPacket' | 'makeupCard' | 'charCard' | 'none'

export interface PoolSummary {
  id: string
  name: string
  game: Game
  gameName: string
  cost: number
  freePerDay: number
  state: 'live' | 'upcoming'
}

export interface PoolPrize {
  id: string
  name: string
  kind: PrizeKind
  kindName: string
  points: number | null
  char: string | null
  count: number | null
  left: number | null
  chance: number | null
}

export interface PoolView {
  id: string
  name: string
  game: Game
  gameName: string
  mode: 'odds' | 'deck'
  version: number
  window: { from: string | null; to: string | null }
  state: PoolState
  cost: number
  freePerDay: number
  plays: { today: number; freeLeft: number; granted: number; capsLeft: number | null }
  /** Tiers that may draw (names; empty = everyone) and whether this member is one. */
  audience: { tiers: string[]; eligible: boolean }
  available: number
  prizes: PoolPrize[]
  collect: { chars: string[]; prize: string } | null
  rules: { title: string; lines: string[] }[]
  commit: string | null
  seed: string | null
}

export interface DrawView {
  key: string
  clientKey: string
  pool: string
  game: Game
  gameName: string
  prize: { id: string; name: string; kind: PrizeKind; points?: number; char?: string; amountFen?: number }
  kindName: string
  won: boolean
  fallbackFrom: string | null
  paid: 'points' | 'free' | 'granted'
  cost: number
  state: string
  /** A physical prize waiting for the member's delivery address (待填写地址). */
  needsAddress?: boolean
  shard: number
  seq: number
  roll: string
  createdAt: string
}

export interface VerifyView {
  draw: DrawView
  member: string
  commit: string | null
  seed: string | null
  prev: string
  hash: string
  before: Record<string, number> | null
  checks: { chain: boolean; commit: boolean | null; roll: boolean | null; prize: boolean | null }
  note: string
}

export const PRIZES_PAGE_SIZE = 20

export const pools = (): Promise<{ pools: PoolSummary[] }> => callCloud(FN, { action: 'pools' })
export const pool = (id: string): Promise<PoolView> => callCloud(FN, { action: 'pool', pool: id })
export type Pay = 'points' | 'free' | 'granted'

export const draw = (input: { pool: string; clientKey: string; pay: Pay }): Promise<{ draw: DrawView }> => callCloud(FN, { action: 'draw', ...input })
export const winners = (id: string): Promise<{ winners: { name: string; prize: string; at: string }[] }> => callCloud(FN, { action: 'winners', pool: id })
/** A physical prize's delivery address: the server makes its 0-point order shipping there. */
export const prizeAddress = (key: string, address: { name: string; phone: string; province: string; city: string; district: string; detail: string }): Promise<{ draw: DrawView }> =>
  callCloud(FN, { action: 'prizeAddress', key, address })

export const myPrizes = (cursor?: string): Promise<{ prizes: DrawView[]; cursor: string | null }> =>
  callCloud(FN, { action: 'myPrizes', limit: PRIZES_PAGE_SIZE, ...(cursor ? { cursor } : {}) })
export const verify = (key: string): Promise<VerifyView> => callCloud(FN, { action: 'verify', key })

/** A fresh key for one draw (retries of the same draw reuse it). */
export const newClientKey = (): string => `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`

/** What the next play uses: today's free play, then a play granted by a scan or task, then points. */
export const nextPay = (p: Pick<PoolView, 'cost' | 'plays'>): Pay => (p.plays.freeLeft > 0 || (p.cost === 0 && !p.plays.granted) ? 'free' : p.plays.granted > 0 ? 'granted' : 'points')

/** The play button's text, or why one cannot play. */
export function playBlocked(p: PoolView): string {
  if (p.state === 'upcoming') return '活动未开始'
  if (p.state === 'ended') return '活动已结束'
  if (p.state === 'soldOut') return '奖品已抽完'
  if (p.state === 'unpublished') return '活动未发布'
  if (p.audience && !p.audience.eligible) return `仅限${p.audience.tiers.join('、')}参与`
  if (p.plays.capsLeft === 0) return '参与次数已用完'
  if (nextPay(p) === 'points' && p.available < p.cost) return '积分不足'
  return ''
}

export const costText = (p: Pick<PoolView, 'cost' | 'plays'>) => ({ free: '本次免费', granted: `使用赠送机会（剩 ${p.plays.granted} 次）`, points: `消耗 ${p.cost} 积分` })[nextPay(p)]

/** Draws have a proof to verify; a combined 集字 set does not (no roll). */
export const verifiable = (d: Pick<DrawView, 'key'>) => d.key.startsWith('draw:')

export const resultText = (d: DrawView) => (d.won ? `恭喜获得 ${d.prize.name}` : '谢谢参与，下次好运')

export interface MyItems {
  pools: Record<string, Record<string, number>>
  sets: Record<string, number>
}

export const myItems = (): Promise<MyItems> => callCloud(FN, { action: 'myItems' })
export const combine = (input: { pool: string; clientKey: string }): Promise<{ draw: DrawView }> => callCloud(FN, { action: 'combine', ...input })
export const giveCard = (input: { pool: string; char: string; clientKey: string }): Promise<{ gift: { id: string; char: string; status: string } }> =>
  callCloud(FN, { action: 'giveCard', ...input })
export const claimGift = (gift: string): Promise<{ gift: { id: string; char: string; status: string } }> => callCloud(FN, { action: 'claimGift', gift })
