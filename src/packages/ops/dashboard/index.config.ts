export default definePageConfig({
  navigationBarTitleText: '运营后台 · 数据看板'
})
