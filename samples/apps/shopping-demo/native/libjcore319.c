/*
 * Stand-in for JCore's native library (libjcore319.so), written for the privacy-scan fixtures.
 * It only needs to be a real ELF shared object whose dynamic symbol table exports the JNI entry
 * points of cn.jiguang.internal.JCoreNative, so that the scanner can attribute the library to the
 * JCore SDK through its Java_* exports. It is built without libc (-nostdlib), so it uses no
 * headers and stands alone; the JNI types are declared as opaque pointers.
 */
typedef void *JNIEnv_p;
typedef void *jclass;
typedef void *jobject;
typedef void *jstring;
typedef int jint;

#define JNI_VERSION_1_6 0x00010006
#define EXPORT __attribute__((visibility("default")))

EXPORT jint JNI_OnLoad(void *vm, void *reserved) {
    (void)vm;
    (void)reserved;
    return JNI_VERSION_1_6;
}

EXPORT jstring Java_cn_jiguang_internal_JCoreNative_getSign(JNIEnv_p env, jclass clazz,
                                                           jobject context) {
    (void)env;
    (void)clazz;
    (void)context;
    return 0;
}

EXPORT jstring Java_cn_jiguang_internal_JCoreNative_getDeviceFingerprint(JNIEnv_p env,
                                                                         jclass clazz,
                                                                         jobject context) {
    (void)env;
    (void)clazz;
    (void)context;
    return 0;
}
