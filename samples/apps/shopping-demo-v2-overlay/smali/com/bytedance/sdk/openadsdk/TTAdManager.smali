.class public Lcom/bytedance/sdk/openadsdk/TTAdManager;
.super Ljava/lang/Object;
.source "TTAdManager.java"


# instance fields
.field private final context:Landroid/content/Context;


# direct methods
.method public constructor <init>(Landroid/content/Context;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/bytedance/sdk/openadsdk/TTAdManager;->context:Landroid/content/Context;

    return-void
.end method


# virtual methods
.method public requestAdLocation()Landroid/location/Location;
    .locals 2

    # Coarse location for ad targeting (the new ACCESS_COARSE_LOCATION permission of v2.4.0).
    iget-object v0, p0, Lcom/bytedance/sdk/openadsdk/TTAdManager;->context:Landroid/content/Context;

    const-string v1, "location"

    invoke-virtual {v0, v1}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;

    move-result-object v0

    check-cast v0, Landroid/location/LocationManager;

    const-string v1, "network"

    invoke-virtual {v0, v1}, Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;

    move-result-object v0

    return-object v0
.end method
