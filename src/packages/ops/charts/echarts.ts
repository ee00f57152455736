// The console's echarts: a custom build of only what the dashboard draws (bar, line, pie; grid,
// tooltip, legend; the canvas renderer), imported only by pages of the ops subpackage, so none of
// it reaches the main package (docs/console.md#数据看板; the weapp bench measures the packages).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export default echarts
