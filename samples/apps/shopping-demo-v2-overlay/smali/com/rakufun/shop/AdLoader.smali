.class public Lcom/rakufun/shop/AdLoader;
.super Ljava/lang/Object;
.source "AdLoader.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static init(Landroid/content/Context;)V
    .locals 2

    new-instance v0, Lcom/bytedance/sdk/openadsdk/TTAdConfig;

    const-string v1, "5001121"

    invoke-direct {v0, v1}, Lcom/bytedance/sdk/openadsdk/TTAdConfig;-><init>(Ljava/lang/String;)V

    invoke-static {p0, v0}, Lcom/bytedance/sdk/openadsdk/TTAdSdk;->init(Landroid/content/Context;Lcom/bytedance/sdk/openadsdk/TTAdConfig;)V

    return-void
.end method
