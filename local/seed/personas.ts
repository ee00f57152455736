// Demo personas for the local cloud. Only the local server knows them: it turns the H5 app's
// X-Persona header into the identity the runner gives a call. Production functions never see this.
export interface Persona {
  id: string;
  openid: string;
  nickname: string;
  role: 'shopper' | 'operator';
  description: string;
}

export const PERSONAS: readonly Persona[] = [
  { id: 'alice', openid: 'oLOCAL-shopper-alice', nickname: '林小雨', role: 'shopper', description: '常客，经常扫码和签到' },
  { id: 'bob', openid: 'oLOCAL-shopper-bob', nickname: '王大山', role: 'shopper', description: '新会员，刚关注品牌' },
  { id: 'carol', openid: 'oLOCAL-shopper-carol', nickname: '陈阿姨', role: 'shopper', description: '喜欢在商城兑换' },
  { id: 'ops', openid: 'oLOCAL-operator-ops', nickname: '品牌运营', role: 'operator', description: '演示品牌的运营人员' },
];

export const DEFAULT_PERSONA_ID = 'alice';

/** Days before the seed the demo brand was set up (its operator registered 90 days ago). */
export const SETUP_DAYS_AGO = 85;

export const findPersona = (id: string | undefined): Persona | undefined => PERSONAS.find((p) => p.id === id);
