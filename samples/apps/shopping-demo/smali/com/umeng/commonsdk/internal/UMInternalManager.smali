.class public Lcom/umeng/commonsdk/internal/UMInternalManager;
.super Ljava/lang/Object;
.source "UMInternalManager.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static collect(Landroid/content/Context;)V
    .locals 0

    invoke-static {p0}, Lcom/umeng/commonsdk/statistics/common/DeviceConfig;->getAndroidId(Landroid/content/Context;)Ljava/lang/String;

    invoke-static {p0}, Lcom/umeng/commonsdk/utils/ClipboardHelper;->readShareCode(Landroid/content/Context;)Ljava/lang/String;

    invoke-static {p0}, Lcom/umeng/commonsdk/internal/AppListCollector;->collect(Landroid/content/Context;)Ljava/util/List;

    return-void
.end method
