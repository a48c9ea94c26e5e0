// The React Native module `Devicebind`: exposes `call(method, paramsJson)` to JS, which
// `reactNativeBridge(NativeModules.Devicebind)` wraps, and runs DevicebindCore off the UI thread.
package com.devicebind

import android.util.Log
import androidx.fragment.app.FragmentActivity
import com.facebook.react.ReactPackage
import com.facebook.react.bridge.NativeModule
import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
import com.facebook.react.uimanager.ViewManager
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

class DevicebindModule(reactContext: ReactApplicationContext) : ReactContextBaseJavaModule(reactContext) {
    // Last resort: nothing a call throws may escape the coroutine, where it would end the
    // process (kotlinx.coroutines, "Exception handling": uncaught exceptions of launch).
    private val lastResort = CoroutineExceptionHandler { _, e -> Log.e("Devicebind", "unhandled failure", e) }
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + lastResort)
    private val core = DevicebindCore(reactContext)

    override fun getName() = "Devicebind"

    @ReactMethod
    fun call(method: String, params: String, promise: Promise) {
        scope.launch {
            val result = try {
                // React Native 0.81 removed ReactContextBaseJavaModule.currentActivity: the
                // context's currentActivity is the one that stays (ReactContext reference).
                core.call(method, params, reactApplicationContext.currentActivity as? FragmentActivity)
            } catch (e: Throwable) {
                settle { promise.reject(protocolName(e), e.message ?: protocolName(e), e) }
                return@launch
            }
            settle { promise.resolve(result) }
        }
    }

    /** Resolving or rejecting must never throw (e.g. after the React instance went away). */
    private inline fun settle(answer: () -> Unit) {
        try {
            answer()
        } catch (e: Throwable) {
            Log.e("Devicebind", "could not answer a call", e)
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
