export default definePageConfig({
  navigationBarTitleText: '运营后台 · 风控审核'
})
