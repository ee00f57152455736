export default definePageConfig({
  navigationBarTitleText: '山野茶事',
  enablePullDownRefresh: true
})
