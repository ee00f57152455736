export default definePageConfig({
  navigationBarTitleText: '运营后台 · 会员详情'
})
