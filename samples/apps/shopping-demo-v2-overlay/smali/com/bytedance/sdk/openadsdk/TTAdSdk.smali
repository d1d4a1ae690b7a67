.class public final Lcom/bytedance/sdk/openadsdk/TTAdSdk;
.super Ljava/lang/Object;
.source "TTAdSdk.java"


# static fields
.field private static manager:Lcom/bytedance/sdk/openadsdk/TTAdManager;


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static init(Landroid/content/Context;Lcom/bytedance/sdk/openadsdk/TTAdConfig;)V
    .locals 1

    new-instance v0, Lcom/bytedance/sdk/openadsdk/TTAdManager;

    invoke-direct {v0, p0}, Lcom/bytedance/sdk/openadsdk/TTAdManager;-><init>(Landroid/content/Context;)V

    sput-object v0, Lcom/bytedance/sdk/openadsdk/TTAdSdk;->manager:Lcom/bytedance/sdk/openadsdk/TTAdManager;

    invoke-virtual {v0}, Lcom/bytedance/sdk/openadsdk/TTAdManager;->requestAdLocation()Landroid/location/Location;

    return-void
.end method

.method public static getAdManager()Lcom/bytedance/sdk/openadsdk/TTAdManager;
    .locals 1

    sget-object v0, Lcom/bytedance/sdk/openadsdk/TTAdSdk;->manager:Lcom/bytedance/sdk/openadsdk/TTAdManager;

    return-object v0
.end method
