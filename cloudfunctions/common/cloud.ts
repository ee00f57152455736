// The one place server code obtains wx-server-sdk. In the cloud this is the real SDK talking to the
// real database; locally the same SDK runs and only its transport is swapped by the runner.
import cloud from 'wx-server-sdk';

let initialised = false;

export function getCloud(): typeof cloud {
  if (!initialised) {
    // DYNAMIC_CURRENT_ENV: the environment the function is deployed in. The SDK's types reject the
    // symbol, hence the cast. throwOnNotFound:false makes doc().get() answer {data:null} for a
    // missing document instead of throwing, so "not found" is a value, not an exception.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string, throwOnNotFound: false } as any);
    initialised = true;
  }
  return cloud;
}

export function getDb() {
  return getCloud().database();
}

export type Database = ReturnType<typeof getDb>;
