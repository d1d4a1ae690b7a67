.class public Lcn/jiguang/api/JCoreInterface;
.super Ljava/lang/Object;
.source "JCoreInterface.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static init(Landroid/content/Context;)V
    .locals 0

    invoke-static {p0}, Lcn/jiguang/internal/DeviceInfo;->getImsi(Landroid/content/Context;)Ljava/lang/String;

    invoke-static {p0}, Lcn/jiguang/internal/AssociatedLauncher;->wakePartnerApps(Landroid/content/Context;)V

    return-void
.end method
