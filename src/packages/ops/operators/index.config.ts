export default definePageConfig({
  navigationBarTitleText: '运营后台 · 人员与权限'
})
