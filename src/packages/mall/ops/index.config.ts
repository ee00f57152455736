export default definePageConfig({
  navigationBarTitleText: '运营 · 商城订单',
  onReachBottomDistance: 120
})
