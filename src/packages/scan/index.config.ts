export default definePageConfig({
  navigationBarTitleText: '扫码赚积分'
})
