export default definePageConfig({
  navigationBarTitleText: '运营后台 · 活动与规则'
})
