// The React Native module `Devicebind`: exposes `call(method, paramsJson)` to JS, which
// `reactNativeBridge(NativeModules.Devicebind)` wraps, and runs DevicebindCore off the UI thread.
package com.devicebind

import androidx.fragment.app.FragmentActivity
import com.facebook.react.ReactPackage
import com.facebook.react.bridge.NativeModule
import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
import com.facebook.react.uimanager.ViewManager
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

class DevicebindModule(reactContext: ReactApplicationContext) : ReactContextBaseJavaModule(reactContext) {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val core = DevicebindCore(reactContext)

    override fun getName() = "Devicebind"

    @ReactMethod
    fun call(method: String, params: String, promise: Promise) {
        scope.launch {
            try {
                promise.resolve(core.call(method, params, currentActivity as? FragmentActivity))
            } catch (e: Throwable) {
                // The JS adapter maps the code (docs/bridge-protocol.md, "Errors").
                promise.reject(protocolName(e), e.message ?: protocolName(e), e)
            }
        }
    }

    override fun invalidate() {
        scope.cancel()
        super.invalidate()
    }
}

class DevicebindPackage : ReactPackage {
    override fun createNativeModules(reactContext: ReactApplicationContext): List<NativeModule> =
        listOf(DevicebindModule(reactContext))

    override fun createViewManagers(reactContext: ReactApplicationContext): List<ViewManager<*, *>> = emptyList()
}
