.class public Lcn/jpush/android/service/PushService;
.super Landroid/app/Service;
.source "PushService.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Service;-><init>()V

    return-void
.end method


# virtual methods
.method public onBind(Landroid/content/Intent;)Landroid/os/IBinder;
    .locals 1

    const/4 v0, 0x0

    return-object v0
.end method

.method public onStartCommand(Landroid/content/Intent;II)I
    .locals 1

    invoke-static {p0}, Lcn/jiguang/api/JCoreInterface;->init(Landroid/content/Context;)V

    # START_STICKY
    const/4 v0, 0x1

    return v0
.end method
