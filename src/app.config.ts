export default defineAppConfig({
  pages: ['pages/index/index', 'pages/mall/index', 'pages/me/index'],
  subPackages: [
    // 运营后台 (docs/console.md): every console page, operators only — the server refuses everyone
    // else (FORBIDDEN) and checks the role on every action. Charts load only here.
    {
      root: 'packages/ops',
      pages: [
        'dashboard/index',
        'campaigns/index',
        'campaign/index',
        'rules/index',
        'codes/index',
        'batch/index',
        'lookup/index',
        'items/index',
        'item/index',
        'orders/index',
        'members/index',
        'member/index',
        'risk/index',
        'audit/index',
        'operators/index'
      ]
    },
    // 我的积分 (balance, expiry, 积分明细) and 积分详情 (one entry with its lots).
    { root: 'packages/points', pages: ['ledger/index', 'entry/index'] },
    // 扫码赚积分: manual entry / Taro.scanCode / ?code= / the printed link's `q`, and the result per outcome.
    { root: 'packages/scan', pages: ['index'] },
    // 积分商城: 商品详情, 确认兑换 (address, payment), 我的订单, 订单详情 (the operators' orders: packages/ops/orders).
    { root: 'packages/mall', pages: ['item/index', 'redeem/index', 'orders/index', 'order/index'] },
    // 每日签到 (calendar, make-up, ladder, rules, reminder) and 任务中心 (docs/earn.md).
    { root: 'packages/earn', pages: ['signin/index', 'tasks/index'] },
    // 积分玩法: one game page for 刮刮卡 / 大转盘 / 九宫格 / 集字有礼, 活动规则, 我的奖品, 验证.
    { root: 'packages/play', pages: ['game/index', 'rules/index', 'prizes/index', 'verify/index'] },
    // 隐私政策 (the 用户隐私保护指引, src/privacy/guide.ts), 导出我的数据, 注销账号: docs/privacy.md.
    { root: 'packages/privacy', pages: ['policy/index', 'export/index', 'close/index'] },
    // 会员等级: the tier card, progress, every tier's benefits, the history.
    { root: 'packages/tiers', pages: ['index'] }
  ],
  // 扫码 may send the location (with consent) to check the product's sales region (防窜).
  permission: { 'scope.userLocation': { desc: '核验扫码商品的销售区域' } },
  requiredPrivateInfos: ['getLocation', 'chooseAddress'],
  // WeChat's privacy flow: our consent sheet answers onNeedPrivacyAuthorization (src/privacy/consent.ts).
  __usePrivacyCheck__: true,
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '山野茶事',
    navigationBarTextStyle: 'black',
    // WeChat's own bar; in H5 it makes Taro draw its title bar, with a back arrow on every page but
    // the tabs (a page opened directly gets a home button instead).
    navigationStyle: 'default'
  },
  tabBar: {
    color: '#7d7e80',
    selectedColor: '#fa2c19',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      // Icons drawn by config/scripts/generate-assets.js.
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/mall/index', text: '商城', iconPath: 'assets/tabbar/mall.png', selectedIconPath: 'assets/tabbar/mall-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tabbar/me.png', selectedIconPath: 'assets/tabbar/me-active.png' }
    ]
  }
})
