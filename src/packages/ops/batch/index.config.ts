export default definePageConfig({
  navigationBarTitleText: '运营后台 · 批次详情'
})
