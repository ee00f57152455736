export default definePageConfig({
  navigationBarTitleText: '验证抽奖'
})
