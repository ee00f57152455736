export default definePageConfig({
  navigationBarTitleText: '运营后台 · 商品编辑'
})
