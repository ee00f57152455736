import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

// NutUI React Taro is drawn at a 375px design width; our own styles use rpx on a 750 design.
// pxtransform asks per file, so NutUI's stylesheets keep their proportions.
function designWidth(input?: string | number | { file?: string }): number {
  const file = typeof input === 'object' && input ? input.file : undefined
  if (file && file.replace(/\\+/g, '/').includes('@nutui')) return 375
  return 750
}

export default defineConfig<'webpack5'>(async (merge) => {
  const isH5 = process.env.TARO_ENV === 'h5'
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'jifen-yunying',
    date: '2025-11-22',
    designWidth,
    deviceRatio: {
      375: 2,
      640: 2.34 / 2,
      750: 1,
      828: 1.81 / 2
    },
    sourceRoot: 'src',
    // weapp → dist/ (project.config.json miniprogramRoot), h5 → dist-h5/ (served by the local server)
    outputRoot: isH5 ? 'dist-h5' : 'dist',
    plugins: [path.resolve(__dirname, 'plugins/dist-project-config.js')],
    defineConstants: {},
    alias: {
      '@': path.resolve(__dirname, '..', 'src')
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      // NutUI's per-component stylesheets are imported from several pages in different orders; the
      // order between unrelated component styles does not matter.
      miniCssExtractPluginOption: { ignoreOrder: true },
      webpackChain(chain) {
        // H5-only modules (persona switch): every use sits behind process.env.TARO_ENV === 'h5', so
        // marking them side-effect free lets webpack drop them, stylesheet included, from weapp.
        chain.module
          .rule('h5-only-modules')
          .test(/src[\\/](services[\\/]persona\.ts|components[\\/]PersonaSwitch[\\/]index\.tsx)$/)
          .set('sideEffects', false)
      },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      }
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      // hash routing: the local server only has to serve index.html at '/', no history fallback.
      router: { mode: 'hash' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js'
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css'
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } }
      }
    }
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
