.class public Lcom/alipay/sdk/util/NetworkUtil;
.super Ljava/lang/Object;
.source "NetworkUtil.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static gateway()Ljava/lang/String;
    .locals 1

    const-string v0, "https://mapi.alipay.com/gateway.do"

    return-object v0
.end method
