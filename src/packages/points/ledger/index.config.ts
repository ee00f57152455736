export default definePageConfig({
  navigationBarTitleText: '我的积分',
  enablePullDownRefresh: true,
  // Start fetching the next page of 积分明细 a little before the very bottom.
  onReachBottomDistance: 120
})
