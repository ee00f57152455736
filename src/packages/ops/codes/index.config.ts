export default definePageConfig({
  navigationBarTitleText: '运营后台 · 一物一码'
})
