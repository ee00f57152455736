export default defineAppConfig({
  pages: ['pages/index/index', 'pages/mall/index', 'pages/me/index'],
  subPackages: [
    // 运营后台: operators only; the admin function refuses everyone else (FORBIDDEN).
    { root: 'packages/ops', pages: ['members/index'] },
    // 我的积分 (balance, expiry, 积分明细) and 积分详情 (one entry with its lots).
    { root: 'packages/points', pages: ['ledger/index', 'entry/index'] }
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '积分运营',
    navigationBarTextStyle: 'black'
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
