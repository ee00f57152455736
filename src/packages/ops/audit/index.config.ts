export default definePageConfig({
  navigationBarTitleText: '运营后台 · 操作日志'
})
