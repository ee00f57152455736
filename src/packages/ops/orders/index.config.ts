export default definePageConfig({
  navigationBarTitleText: '运营后台 · 订单履约',
  onReachBottomDistance: 120
})
