// Taro copies project.config.json into dist/ with miniprogramRoot "./" but keeps cloudfunctionRoot
// as written for the repository root. Rewrite it relative to dist/ so that importing either the
// repository root or dist/ alone in WeChat DevTools finds the cloud functions.
const path = require('node:path')
const fs = require('node:fs')

module.exports = (ctx) => {
  ctx.onBuildFinish(() => {
    if (process.env.TARO_ENV === 'h5') return
    const { appPath, outputPath } = ctx.paths
    const distFile = path.join(outputPath, 'project.config.json')
    if (!fs.existsSync(distFile)) return
    const config = JSON.parse(fs.readFileSync(distFile, 'utf8'))
    if (!config.cloudfunctionRoot) return
    const absolute = path.resolve(appPath, config.cloudfunctionRoot)
    const relative = path.relative(outputPath, absolute).split(path.sep).join('/') + '/'
    if (relative === config.cloudfunctionRoot) return
    config.cloudfunctionRoot = relative
    fs.writeFileSync(distFile, JSON.stringify(config, null, 2))
  })
}
