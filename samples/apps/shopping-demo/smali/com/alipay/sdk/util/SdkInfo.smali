.class public Lcom/alipay/sdk/util/SdkInfo;
.super Ljava/lang/Object;
.source "SdkInfo.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static version()Ljava/lang/String;
    .locals 1

    const-string v0, "15.8.11"

    return-object v0
.end method
