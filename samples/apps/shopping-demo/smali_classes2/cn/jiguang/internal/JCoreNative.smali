.class public Lcn/jiguang/internal/JCoreNative;
.super Ljava/lang/Object;
.source "JCoreNative.java"


# direct methods
.method static constructor <clinit>()V
    .locals 1

    const-string v0, "jcore319"

    invoke-static {v0}, Ljava/lang/System;->loadLibrary(Ljava/lang/String;)V

    return-void
.end method

.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static native getSign(Landroid/content/Context;)Ljava/lang/String;
.end method

.method public static native getDeviceFingerprint(Landroid/content/Context;)Ljava/lang/String;
.end method
