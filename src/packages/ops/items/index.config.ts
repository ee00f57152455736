export default definePageConfig({
  navigationBarTitleText: '运营后台 · 商品管理',
  onReachBottomDistance: 120
})
