export default definePageConfig({
  navigationBarTitleText: '运营后台 · 积分规则'
})
