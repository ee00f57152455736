// The NutUI React Taro components this app uses, with their stylesheets, imported in one place so a
// component that misbehaves in a build can be swapped out here.
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/avatar/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/empty/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/skeleton/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/input/style/css'
import '@nutui/nutui-react-taro/dist/es/packages/loading/style/css'

export { Avatar, Button, Cell, Empty, Input, Loading, Skeleton } from '@nutui/nutui-react-taro'
