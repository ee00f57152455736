/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    /** Built-in; affects the build output. */
    NODE_ENV: 'development' | 'production' | 'test'
    /** The platform being built; webpack replaces it with a literal so dead branches drop out. */
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    /** Mini-program AppID override (optional, see .env). */
    TARO_APP_ID?: string
    /** WeChat Cloud environment id for Taro.cloud.init; '' = default environment. Defined in .env. */
    TARO_APP_CLOUD_ENV: string
  }
}
