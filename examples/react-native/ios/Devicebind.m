// Registers the Swift module `Devicebind` and its one method with React Native.
#import <React/RCTBridgeModule.h>

@interface RCT_EXTERN_MODULE(Devicebind, NSObject)
RCT_EXTERN_METHOD(call:(NSString *)method
                  params:(NSString *)params
                  resolver:(RCTPromiseResolveBlock)resolve
                  rejecter:(RCTPromiseRejectBlock)reject)
@end
