// Only what this example uses of React Native, so that it typechecks inside the devicebind
// repository, where React Native is not installed. In an app, delete this file: the
// react-native package ships its own types.
declare module 'react-native' {
  export const NativeModules: {
    Devicebind?: { call(method: string, params: string): Promise<string> };
  };
  export const Platform: { OS: 'android' | 'ios' | 'web' | 'windows' | 'macos' };
}
